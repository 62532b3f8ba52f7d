// users.hpp — county users: one actor id from the kiosk's events to the server's casework. API tokens are shown once
// and stored as SHA-256; a hall staff member's PIN hash reaches the township's kiosks by pull.
#pragma once
#include <optional>
#include <string>

#include "county/store.hpp"

namespace yimen::county {

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

Result<CreatedUser> add_user(Store& store, const NewUser& u);
// Bearer token → user, or nullopt.
std::optional<User> authenticate(Store& store, const std::string& bearer_token);

}  // namespace yimen::county
