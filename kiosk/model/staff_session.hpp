// staff_session.hpp — staff login by staff number and PIN: the lock-out (failures counted in the database, so it
// survives a restart), the scrypt check (≥ 0.25 s by design) and the `staff.login` event. Blocking: the app runs
// attempt() on the records lane.
#pragma once
#include <cstdint>
#include <string>

#include "kiosk/model/config.hpp"
#include "kiosk/model/store.hpp"

namespace yimen::kiosk {

struct LoginOutcome {
    enum class Kind { ok, wrong, locked_now, still_locked, not_saved } kind = Kind::wrong;
    std::string name;              // ok: the staff member's name
    int tries_left = 0;            // wrong: attempts before the lock-out
    int minutes = 0;               // locked_now / still_locked: how long
};

class StaffSession {
public:
    StaffSession(KioskStore& store, const KioskConfig& config, const Clock& clock)
        : store_(store), config_(config), clock_(clock) {}
    LoginOutcome attempt(const std::string& staff_id, const std::string& pin);

private:
    KioskStore& store_;
    const KioskConfig& config_;
    const Clock& clock_;
};

}  // namespace yimen::kiosk
