// service_notify.cpp — see service_notify.hpp.
#include "kiosk/devices/service_notify.hpp"

#include <systemd/sd-daemon.h>

namespace yimen::kiosk {

ServiceNotifier::ServiceNotifier() {
    std::uint64_t usec = 0;
    // > 0 only when the manager set WATCHDOG_USEC for this very process (WATCHDOG_PID, when set, must match).
    if (sd_watchdog_enabled(0, &usec) > 0) watchdog_usec_ = usec;
}

void ServiceNotifier::ready() { sd_notify(0, "READY=1\nSTATUS=serving the hall"); }

void ServiceNotifier::beat() {
    if (watchdog_usec_ == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (beaten_ && now - last_beat_ < std::chrono::microseconds(watchdog_usec_ / 3)) return;
    sd_notify(0, "WATCHDOG=1");
    last_beat_ = now;
    beaten_ = true;
}

void ServiceNotifier::stopping() { sd_notify(0, "STOPPING=1"); }

}  // namespace yimen::kiosk
