// users.cpp — roles are a closed list; a PIN is only for township staff, who log in at the hall kiosk.
#include "county/users.hpp"

#include <openssl/rand.h>

#include "policy/canonical_json.hpp"
#include "policy/secrets.hpp"

namespace yimen::county {

Result<CreatedUser> add_user(Store& store, const NewUser& u) {
    if (u.name.empty()) return Error{"bad_user", "请填写用户姓名。"};
    if (u.role != "county-admin" && u.role != "county-staff" && u.role != "township-staff")
        return Error{"bad_role", "角色只能是 county-admin、county-staff 或 township-staff。"};
    if (u.role == "township-staff" && (u.township.size() != 9 || u.township.find_first_not_of("0123456789") != std::string::npos))
        return Error{"bad_township", "乡镇工作人员须指定9位乡镇代码，例如 230523104。"};
    if (u.pin && (u.pin->size() < 4 || u.pin->size() > 12 || u.pin->find_first_not_of("0123456789") != std::string::npos))
        return Error{"bad_pin", "PIN 须为4到12位数字。"};
    User user;
    user.user_id = u.user_id;
    if (user.user_id.empty()) {
        for (int attempt = 0; attempt < 20 && (user.user_id.empty() || store.user(user.user_id)); ++attempt) {
            unsigned char b[4];
            RAND_bytes(b, sizeof b);
            const unsigned n = (static_cast<unsigned>(b[0]) << 16 | static_cast<unsigned>(b[1]) << 8 | b[2]) % 1000000u;
            char id[16];
            std::snprintf(id, sizeof id, "S%06u", n);
            user.user_id = id;
        }
    } else if (store.user(user.user_id)) {
        return Error{"user_exists", "用户编号已存在：" + user.user_id};
    }
    user.name = u.name;
    user.role = u.role;
    user.township = u.role == "township-staff" ? u.township : "";
    const std::string token = secrets::random_token();
    user.token_sha256 = sha256_hex(token);
    if (u.pin) {
        auto h = secrets::hash_pin(*u.pin);
        if (!h) return h.error();
        user.pin_hash = *h;
    }
    auto work = [&]() -> Status {
        if (auto s = store.put_user(user); !s) return s;
        if (user.role == "township-staff" && !user.pin_hash.empty())
            return store.append_change({0, user.township, "staff", user.user_id,
                                        {{"staff_id", user.user_id}, {"name", user.name}, {"role", user.role},
                                         {"pin_hash", user.pin_hash}}});
        return Ok{};
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return CreatedUser{user, token};
}

std::optional<User> authenticate(Store& store, const std::string& bearer_token) {
    if (bearer_token.size() < 32) return std::nullopt;
    return store.user_by_token(sha256_hex(bearer_token));
}

}  // namespace yimen::county
