// staff_session.cpp — see staff_session.hpp.
#include "kiosk/model/staff_session.hpp"

#include "kiosk/model/pin.hpp"
#include "kiosk/model/record_tx.hpp"

namespace yimen::kiosk {

LoginOutcome StaffSession::attempt(const std::string& staff_id, const std::string& pin) {
    using Kind = LoginOutcome::Kind;
    const auto now = clock_.now_utc_ms();
    auto [fails, locked_until] = store_.staff_failures(staff_id);
    if (locked_until > now) return {Kind::still_locked, "", 0, static_cast<int>((locked_until - now + 59999) / 60000)};
    auto acct = store_.staff(staff_id);
    // An unknown staff number counts as a wrong PIN.
    const bool ok = acct && !acct->pin_hash.empty() && verify_pin(acct->pin_hash, pin);
    if (!ok) {
        ++fails;
        if (fails >= config_.staff_max_failures) {
            (void)store_.set_staff_failures(staff_id, 0, now + std::int64_t{config_.staff_lockout_seconds} * 1000);
            return {Kind::locked_now, "", 0, config_.staff_lockout_seconds / 60};
        }
        (void)store_.set_staff_failures(staff_id, fails, 0);
        return {Kind::wrong, "", config_.staff_max_failures - fails, 0};
    }
    (void)store_.set_staff_failures(staff_id, 0, 0);
    records::StaffSession s{staff_id, "pin"};
    if (!journal_only(store_, {records::type::staff_login, {"staff", staff_id}, nlohmann::json(s)}))
        return {Kind::not_saved, "", 0, 0};
    return {Kind::ok, acct->name.empty() ? staff_id : acct->name, 0, 0};
}

}  // namespace yimen::kiosk
