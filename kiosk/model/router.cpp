// router.cpp — see router.hpp.
#include "kiosk/model/router.hpp"

namespace yimen::kiosk {

const char* screen_name(Screen s) {
    switch (s) {
        case Screen::home: return "home";
        case Screen::intake: return "intake";
        case Screen::policy: return "policy";
        case Screen::status: return "status";
        case Screen::rating: return "rating";
        case Screen::complaint: return "complaint";
        case Screen::staff: return "staff";
    }
    return "home";
}

Router::Router(const KioskConfig& config, const Clock& clock) : config_(config), clock_(clock) {
    last_input_ms_ = clock_.now_utc_ms();
    staff_last_input_ms_ = last_input_ms_;
}

void Router::touched() {
    last_input_ms_ = clock_.now_utc_ms();
    staff_last_input_ms_ = last_input_ms_;
    warned_ = false;
}

Router::Due Router::check(bool staff_logged) {
    Due due;
    const auto now = clock_.now_utc_ms();
    if (staff_logged && now - staff_last_input_ms_ >= std::int64_t{config_.staff_idle_seconds} * 1000) {
        due.staff_logout = true;
        staff_logged = false;
    }
    if (!clocks_run(staff_logged)) return due;
    const auto idle = now - last_input_ms_;
    if (idle >= std::int64_t{config_.idle_warn_seconds + config_.idle_countdown_seconds} * 1000) {
        due.wipe = true;
    } else if (idle >= std::int64_t{config_.idle_warn_seconds} * 1000) {
        due.warning = true;
        due.warning_began = !warned_;
        warned_ = true;
    }
    return due;
}

bool Router::idle_warning(bool staff_logged) const {
    if (!clocks_run(staff_logged)) return false;
    return clock_.now_utc_ms() - last_input_ms_ >= std::int64_t{config_.idle_warn_seconds} * 1000;
}

int Router::idle_seconds_left() const {
    auto idle = clock_.now_utc_ms() - last_input_ms_;
    auto total = std::int64_t{config_.idle_warn_seconds + config_.idle_countdown_seconds} * 1000;
    auto left = (total - idle + 999) / 1000;
    return static_cast<int>(left < 0 ? 0 : left);
}

std::int64_t Router::next_timer_ms(bool staff_logged) const {
    if (!clocks_run(staff_logged)) return -1;
    auto now = clock_.now_utc_ms();
    auto warn_at = last_input_ms_ + std::int64_t{config_.idle_warn_seconds} * 1000;
    if (now < warn_at) return warn_at - now;
    return 1000 - ((now - warn_at) % 1000);
}

void Router::wiped() {
    screen_ = Screen::home;
    warned_ = false;
    last_input_ms_ = clock_.now_utc_ms();
    ++wipe_generation_;
}

}  // namespace yimen::kiosk
