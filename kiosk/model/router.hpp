// router.hpp — which screen is up and the session around it: the resident's idle clock (warning, countdown, wipe),
// the staff idle clock (automatic logout), and the wipe generation that every late result checks before it lands
// (a lane's answer for the previous resident must never reach the next one's screen). No ImGui, no SDL.
#pragma once
#include <cstdint>

#include "kiosk/model/config.hpp"
#include "base/civil_date.hpp"

namespace yimen::kiosk {

enum class Screen { home, intake, policy, status, rating, complaint, staff };
const char* screen_name(Screen s);

class Router {
public:
    Router(const KioskConfig& config, const Clock& clock);

    Screen screen() const { return screen_; }
    void show(Screen s) { screen_ = s; }

    // A touch or key: both idle clocks start again.
    void touched();
    // What the session clocks ask for now. `staff_logged`: staff mode is on (it keeps the clocks running at home).
    struct Due {
        bool staff_logout = false;   // staff were idle for staff_idle_seconds
        bool wipe = false;           // warning and countdown ran out: the session ends
        bool warning = false;        // the countdown is showing (redraw each second)
        bool warning_began = false;  // … and began with this check
    };
    Due check(bool staff_logged);
    bool idle_warning(bool staff_logged) const;
    int idle_seconds_left() const;
    // Milliseconds until a timer needs a redraw (the countdown ticks each second), or -1.
    std::int64_t next_timer_ms(bool staff_logged) const;
    void staff_began() { staff_last_input_ms_ = clock_.now_utc_ms(); }

    // The session ended: home screen, fresh clocks, the next generation.
    void wiped();
    int wipe_generation() const { return wipe_generation_; }

private:
    bool clocks_run(bool staff_logged) const { return screen_ != Screen::home || staff_logged; }

    const KioskConfig& config_;
    const Clock& clock_;
    Screen screen_ = Screen::home;
    UtcMillis last_input_ms_ = 0;
    UtcMillis staff_last_input_ms_ = 0;
    bool warned_ = false;
    int wipe_generation_ = 0;
};

}  // namespace yimen::kiosk
