// users.cpp — roles are a closed list; a PIN is only for township staff, who log in at the hall kiosk; a password
// is for anyone who uses the back office. Passwords and lock-outs live in migration 5's tables (plain SQL).
#include "county/users.hpp"

#include <openssl/rand.h>

#include "base/canonical_json.hpp"
#include "base/secrets.hpp"

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

// The work a sign-in with an unknown login costs must equal a real one's, or the time tells which logins exist.
const std::string& decoy_hash() {
    static const std::string h = [] {
        auto r = secrets::hash_pin("decoy-password", secrets::kPasswordScryptN);
        return r ? *r : std::string();
    }();
    return h;
}

std::optional<std::string> password_hash(Store& store, const std::string& user_id) {
    std::optional<std::string> out;
    (void)store.query("SELECT hash FROM user_passwords WHERE user_id = ?1", {user_id},
                      [&](const SqlRow& r) { out = r.text(0); });
    return out;
}

Status put_password(Store& store, const std::string& user_id, const std::string& hash, UtcMillis now) {
    auto n = store.execute("INSERT INTO user_passwords(user_id, hash, set_ms) VALUES(?1, ?2, ?3)"
                           " ON CONFLICT(user_id) DO UPDATE SET hash = ?2, set_ms = ?3",
                           {user_id, hash, std::int64_t{now}});
    if (!n) return n.error();
    auto lifted = store.execute("DELETE FROM sign_in_locks WHERE login = ?1", {user_id});
    if (!lifted) return lifted.error();
    auto cleared = store.execute("DELETE FROM sign_in_failures WHERE login = ?1", {user_id});
    return cleared ? Status(Ok{}) : Status(cleared.error());
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

bool valid_password_text(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) return false;
        const std::size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (n == 9) return false;
        for (std::size_t k = 1; k <= n; ++k)
            if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

}  // namespace

Status check_password(const std::string& password) {
    if (password.size() > kMaxPasswordBytes || !valid_password_text(password))
        return Error{"bad_password", "密码不能含控制字符，且不能超过256字节。请换一个密码。"};
    if (code_points(password) < kMinPasswordChars)
        return Error{"bad_password", "密码至少需要10个字符。请换一个更长的密码（可用一句好记的话）。"};
    return Ok{};
}

bool has_password(Store& store, const std::string& user_id) { return password_hash(store, user_id).has_value(); }

Status set_password(Store& store, const std::string& user_id, const std::string& password, const Actor& by) {
    if (auto s = check_password(password); !s) return s;
    auto found = existing(store, user_id);
    if (!found) return found.error();
    auto h = secrets::hash_pin(password, secrets::kPasswordScryptN);
    if (!h) return h.error();
    return store.transaction([&]() -> Status {
        if (auto s = put_password(store, user_id, *h, by.now); !s) return s;
        return audit(store, by, "user.password_set", user_id);
    });
}

Result<User> sign_in(Store& store, const std::string& login, const std::string& password, UtcMillis now) {
    const Error bad{"bad_credentials", "用户编号或密码不对。请核对后再试；忘记密码请联系县民政局系统管理员。"};
    const Error locked{"locked", "登录失败次数过多，这个账号已暂停登录15分钟。请稍后再试，或联系县民政局系统管理员。"};
    // A login longer than any user id is refused without a lookup (and never stored).
    if (login.empty() || login.size() > 64) return bad;
    std::int64_t until = 0;
    (void)store.query("SELECT until_ms FROM sign_in_locks WHERE login = ?1", {login},
                      [&](const SqlRow& r) { until = r.integer(0); });
    auto user = store.user(login);
    const Actor system{"web", now};
    const std::string target = user ? login : "-";  // an unknown login may be a mistyped password: never stored
    if (until > now) {
        (void)audit(store, system, "login.failed", target, "locked");
        return locked;
    }
    const auto hash = user && user->active ? password_hash(store, login) : std::nullopt;
    const bool ok = password.size() <= kMaxPasswordBytes && secrets::verify_pin(password, hash ? *hash : decoy_hash()) && hash;
    if (ok) {
        (void)store.execute("DELETE FROM sign_in_failures WHERE login = ?1", {login});
        (void)audit(store, Actor{login, now}, "login.succeeded", login);
        return *user;
    }
    const char* why = !user ? "unknown_login" : !user->active ? "disabled" : !hash ? "no_password" : "wrong_password";
    bool now_locked = false;
    auto work = [&]() -> Status {
        auto prune = store.execute("DELETE FROM sign_in_failures WHERE at_ms <= ?1", {std::int64_t{now - kSignInWindowMs}});
        if (!prune) return prune.error();
        auto added = store.execute("INSERT INTO sign_in_failures(login, at_ms) VALUES(?1, ?2)", {login, std::int64_t{now}});
        if (!added) return added.error();
        std::int64_t failures = 0;
        if (auto s = store.query("SELECT count(*) FROM sign_in_failures WHERE login = ?1", {login},
                                 [&](const SqlRow& r) { failures = r.integer(0); });
            !s)
            return s;
        if (auto s = audit(store, system, "login.failed", target, why); !s) return s;
        if (failures < kSignInFailuresToLock) return Ok{};
        now_locked = true;
        auto lock = store.execute("INSERT INTO sign_in_locks(login, until_ms) VALUES(?1, ?2)"
                                  " ON CONFLICT(login) DO UPDATE SET until_ms = ?2",
                                  {login, std::int64_t{now + kSignInWindowMs}});
        if (!lock) return lock.error();
        auto cleared = store.execute("DELETE FROM sign_in_failures WHERE login = ?1", {login});
        if (!cleared) return cleared.error();
        return user ? audit(store, system, "login.locked", target) : Status(Ok{});
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return now_locked ? locked : bad;
}

Status check_pin(const std::string& pin) {
    if (pin.size() < kMinPinDigits || pin.size() > 12 || pin.find_first_not_of("0123456789") != std::string::npos)
        return Error{"bad_pin", "PIN 须为6到12位数字。"};
    return Ok{};
}

Result<CreatedUser> add_user(Store& store, const NewUser& u, const Actor& by,
                             const std::optional<std::string>& password) {
    if (u.name.empty()) return Error{"bad_user", "请填写用户姓名。"};
    if (u.role != "county-admin" && u.role != "county-staff" && u.role != "township-staff")
        return Error{"bad_role", "角色只能是 county-admin、county-staff 或 township-staff。"};
    if (u.role == "township-staff" && (u.township.size() != 9 || u.township.find_first_not_of("0123456789") != std::string::npos))
        return Error{"bad_township", "乡镇工作人员须指定9位乡镇代码，例如 230523104。"};
    if (u.pin)
        if (auto s = check_pin(*u.pin); !s) return s.error();
    if (password)
        if (auto s = check_password(*password); !s) return s.error();
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
    std::string password_hash_text;
    if (password) {
        auto h = secrets::hash_pin(*password, secrets::kPasswordScryptN);
        if (!h) return h.error();
        password_hash_text = *h;
    }
    auto work = [&]() -> Status {
        if (auto s = store.put_user(user); !s) return s;
        if (auto s = audit(store, by, "user.added", user.user_id, user.role); !s) return s;
        if (!password_hash_text.empty()) {
            if (auto s = put_password(store, user.user_id, password_hash_text, by.now); !s) return s;
            if (auto s = audit(store, by, "user.password_set", user.user_id); !s) return s;
        }
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
