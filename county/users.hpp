// users.hpp — county users and their lifecycle: one actor id from the kiosk's events to the server's casework.
// API tokens are shown once, stored as SHA-256 and expire (renewable); a disabled user's token stops at once and
// the PIN hash leaves every kiosk of the township at its next pull. Every change is written to the audit trail.
#pragma once
#include <optional>
#include <string>

#include "county/store.hpp"

namespace yimen::county {

inline constexpr std::size_t kMinPinDigits = 6;
inline constexpr std::int64_t kDefaultTokenTtlMs = 12LL * 3600 * 1000;

struct NewUser {
    std::string user_id;   // empty: generated (S + 6 digits), the staff number typed at the kiosk
    std::string name;
    std::string role;      // county-admin | county-staff | township-staff
    std::string township;  // required for township-staff
    std::optional<std::string> pin;
};

struct CreatedUser {
    User user;
    std::string token;     // the only time the token exists in clear
};

// Who does it and when: the audit trail's actor ("cli:root" at the shell, a staff id through the API).
struct Actor {
    std::string id;
    UtcMillis now = 0;
    std::int64_t token_ttl_ms = kDefaultTokenTtlMs;
};

// PINs: 6–12 digits (a PIN hash travels to kiosks, so its space must resist an offline search).
Status check_pin(const std::string& pin);

Result<CreatedUser> add_user(Store& store, const NewUser& u, const Actor& by);
Status disable_user(Store& store, const std::string& user_id, const Actor& by);
Status enable_user(Store& store, const std::string& user_id, const Actor& by);
Status reset_pin(Store& store, const std::string& user_id, const std::string& pin, const Actor& by);
// A new token (the old one stops working); valid for by.token_ttl_ms.
Result<std::string> rotate_token(Store& store, const std::string& user_id, const Actor& by);
// Extends a valid token's life to now + ttl; returns the new expiry.
Result<UtcMillis> renew_token(Store& store, const User& user, const Actor& by);

// Bearer token → an active user whose token has not expired, or nullopt.
std::optional<User> authenticate(Store& store, const std::string& bearer_token, UtcMillis now);

}  // namespace yimen::county
