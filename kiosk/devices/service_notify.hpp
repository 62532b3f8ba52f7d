// service_notify.hpp — telling the service manager how the kiosk is: ready once the window is up, a watchdog beat
// from every turn of the frame loop, stopping on the way out (sd_notify, libsystemd).
//
// Beats come only from the loop's turns, never from a thread of their own, so a hung frame (a deadlock, a device call
// that never returns) stops them and systemd restarts the session after WatchdogSec. Without NOTIFY_SOCKET (a
// developer's terminal, the demo) every call is a no-op.
#pragma once
#include <chrono>
#include <cstdint>

namespace yimen::kiosk {

class ServiceNotifier {
public:
    ServiceNotifier();  // reads WATCHDOG_USEC (and WATCHDOG_PID) once

    void ready();
    // Sends WATCHDOG=1 when a third of the watchdog interval has passed since the last beat; cheap otherwise.
    void beat();
    void stopping();

    // The interval systemd expects beats within, 0 when it expects none.
    std::uint64_t watchdog_usec() const { return watchdog_usec_; }

private:
    std::uint64_t watchdog_usec_ = 0;
    std::chrono::steady_clock::time_point last_beat_{};
    bool beaten_ = false;
};

}  // namespace yimen::kiosk
