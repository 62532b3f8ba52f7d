// users.hpp — county users and their lifecycle: one actor id from the kiosk's events to the server's casework.
// API tokens are shown once, stored as SHA-256 and expire (renewable); a disabled user's token stops at once and
// the PIN hash leaves every kiosk of the township at its next pull. Back-office passwords (scrypt, N = 2^15) with a
// lock-out after repeated failures. Every change, failure and lock-out is written to the audit trail.
#pragma once
#include <optional>
#include <string>

#include "county/store.hpp"

namespace yimen::county {

inline constexpr std::size_t kMinPinDigits = 6;
inline constexpr std::int64_t kDefaultTokenTtlMs = 12LL * 3600 * 1000;
inline constexpr std::size_t kMinPasswordChars = 10;          // code points, so a Chinese passphrase counts fairly
inline constexpr std::size_t kMaxPasswordBytes = 256;         // bounds the work one sign-in can ask of scrypt
inline constexpr int kSignInFailuresToLock = 5;               // failures within the window lock sign-in …
inline constexpr std::int64_t kSignInWindowMs = 15LL * 60 * 1000;  // … for this long

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

// password: for the back office, valid for every role with or without a PIN (kept out of NewUser so that existing
// brace-initialised NewUser values stay complete).
Result<CreatedUser> add_user(Store& store, const NewUser& u, const Actor& by,
                             const std::optional<std::string>& password = std::nullopt);
Status disable_user(Store& store, const std::string& user_id, const Actor& by);
Status enable_user(Store& store, const std::string& user_id, const Actor& by);
Status reset_pin(Store& store, const std::string& user_id, const std::string& pin, const Actor& by);
// A new token (the old one stops working); valid for by.token_ttl_ms.
Result<std::string> rotate_token(Store& store, const std::string& user_id, const Actor& by);
// Extends a valid token's life to now + ttl; returns the new expiry.
Result<UtcMillis> renew_token(Store& store, const User& user, const Actor& by);

// Passwords: at least 10 characters (code points), at most 256 bytes, valid UTF-8 without control characters.
Status check_password(const std::string& password);
// Sets or replaces a user's back-office password (audit: user.password_set) and lifts a lock-out.
Status set_password(Store& store, const std::string& user_id, const std::string& password, const Actor& by);
bool has_password(Store& store, const std::string& user_id);

// Signs in with a login (the user id as typed) and a password. Errors: bad_credentials (unknown login, disabled
// user, no password or a wrong one: one answer for all) and locked (5 failures within 15 minutes lock the login for
// 15 minutes, known or not, so the answer never tells whether a login exists). The password is never logged;
// failures (login.failed), lock-outs (login.locked) and successes (login.succeeded) are audited.
Result<User> sign_in(Store& store, const std::string& login, const std::string& password, UtcMillis now);

// Bearer token → an active user whose token has not expired, or nullopt.
std::optional<User> authenticate(Store& store, const std::string& bearer_token, UtcMillis now);

}  // namespace yimen::county
