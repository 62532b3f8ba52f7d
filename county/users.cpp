// users.cpp — roles are a closed list; a PIN is only for township staff, who log in at the hall kiosk.
#include "county/users.hpp"

#include <openssl/rand.h>

#include "policy/canonical_json.hpp"
#include "policy/secrets.hpp"

namespace yimen::county {

namespace {

// What a township's kiosks hold of a staff member; an empty pin_hash removes the login there.
Status publish_staff(Store& store, const User& user) {
    if (user.role != "township-staff") return Ok{};
    const std::string pin_hash = user.active ? user.pin_hash : "";
    return store.append_change({0, user.township, "staff", user.user_id,
                                {{"staff_id", user.user_id}, {"name", user.name}, {"role", user.role},
                                 {"pin_hash", pin_hash}, {"active", user.active}}});
}

Status audit(Store& store, const Actor& by, const std::string& action, const std::string& target,
             const std::string& detail = "") {
    return store.append_audit({0, by.now, by.id, action, target, detail});
}

Result<User> existing(Store& store, const std::string& user_id) {
    auto u = store.user(user_id);
    if (!u) return Error{"unknown_user", "没有这个用户：" + user_id + "（可用 users list 查看）"};
    return *u;
}

}  // namespace

Status check_pin(const std::string& pin) {
    if (pin.size() < kMinPinDigits || pin.size() > 12 || pin.find_first_not_of("0123456789") != std::string::npos)
        return Error{"bad_pin", "PIN 须为6到12位数字。"};
    return Ok{};
}

Result<CreatedUser> add_user(Store& store, const NewUser& u, const Actor& by) {
    if (u.name.empty()) return Error{"bad_user", "请填写用户姓名。"};
    if (u.role != "county-admin" && u.role != "county-staff" && u.role != "township-staff")
        return Error{"bad_role", "角色只能是 county-admin、county-staff 或 township-staff。"};
    if (u.role == "township-staff" && (u.township.size() != 9 || u.township.find_first_not_of("0123456789") != std::string::npos))
        return Error{"bad_township", "乡镇工作人员须指定9位乡镇代码，例如 230523104。"};
    if (u.pin)
        if (auto s = check_pin(*u.pin); !s) return s.error();
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
    user.token_expires_ms = by.now + by.token_ttl_ms;
    if (u.pin) {
        auto h = secrets::hash_pin(*u.pin, secrets::kPinScryptN);
        if (!h) return h.error();
        user.pin_hash = *h;
    }
    auto work = [&]() -> Status {
        if (auto s = store.put_user(user); !s) return s;
        if (auto s = audit(store, by, "user.added", user.user_id, user.role); !s) return s;
        return user.pin_hash.empty() ? Status(Ok{}) : publish_staff(store, user);
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return CreatedUser{user, token};
}

Status disable_user(Store& store, const std::string& user_id, const Actor& by) {
    auto found = existing(store, user_id);
    if (!found) return found.error();
    User u = *found;
    u.active = false;
    return store.transaction([&]() -> Status {
        if (auto s = store.put_user(u); !s) return s;
        if (auto s = audit(store, by, "user.disabled", user_id); !s) return s;
        return publish_staff(store, u);
    });
}

Status enable_user(Store& store, const std::string& user_id, const Actor& by) {
    auto found = existing(store, user_id);
    if (!found) return found.error();
    User u = *found;
    u.active = true;
    return store.transaction([&]() -> Status {
        if (auto s = store.put_user(u); !s) return s;
        if (auto s = audit(store, by, "user.enabled", user_id); !s) return s;
        return u.pin_hash.empty() ? Status(Ok{}) : publish_staff(store, u);
    });
}

Status reset_pin(Store& store, const std::string& user_id, const std::string& pin, const Actor& by) {
    if (auto s = check_pin(pin); !s) return s;
    auto found = existing(store, user_id);
    if (!found) return found.error();
    User u = *found;
    if (u.role != "township-staff") return Error{"bad_role", "只有乡镇工作人员在一体机上使用 PIN。"};
    auto h = secrets::hash_pin(pin, secrets::kPinScryptN);
    if (!h) return h.error();
    u.pin_hash = *h;
    return store.transaction([&]() -> Status {
        if (auto s = store.put_user(u); !s) return s;
        if (auto s = audit(store, by, "user.pin_reset", user_id); !s) return s;
        return publish_staff(store, u);
    });
}

Result<std::string> rotate_token(Store& store, const std::string& user_id, const Actor& by) {
    auto found = existing(store, user_id);
    if (!found) return found.error();
    User u = *found;
    const std::string token = secrets::random_token();
    u.token_sha256 = sha256_hex(token);
    u.token_expires_ms = by.now + by.token_ttl_ms;
    if (auto s = store.transaction([&]() -> Status {
            if (auto s2 = store.put_user(u); !s2) return s2;
            return audit(store, by, "token.rotated", user_id);
        });
        !s)
        return s.error();
    return token;
}

Result<UtcMillis> renew_token(Store& store, const User& user, const Actor& by) {
    auto found = existing(store, user.user_id);
    if (!found) return found.error();
    User u = *found;
    if (!u.active || u.token_expires_ms <= by.now) return Error{"unauthorised", "令牌已失效，请向管理员申请新令牌。"};
    u.token_expires_ms = by.now + by.token_ttl_ms;
    if (auto s = store.transaction([&]() -> Status {
            if (auto s2 = store.put_user(u); !s2) return s2;
            return audit(store, by, "token.renewed", u.user_id);
        });
        !s)
        return s.error();
    return u.token_expires_ms;
}

std::optional<User> authenticate(Store& store, const std::string& bearer_token, UtcMillis now) {
    if (bearer_token.size() < 32) return std::nullopt;
    auto u = store.user_by_token(sha256_hex(bearer_token));
    if (!u || !u->active || u->token_expires_ms <= now) return std::nullopt;
    return u;
}

}  // namespace yimen::county
