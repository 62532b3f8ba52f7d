// sealed_payload.cpp — see sealed_payload.hpp.
#include "sync/sealed_payload.hpp"

#include <algorithm>
#include <map>

#include "base/canonical_json.hpp"

namespace yimen::sync {

using nlohmann::json;

// Event type names as in policy/records.hpp (spelled out: the wire library does not link the rules).
const std::vector<std::string>& sealed_members(const std::string& type) {
    static const std::map<std::string, std::vector<std::string>> members = {
        {"application.submitted",
         {"applicant", "applicant_key", "assets", "close_relative_relation", "estimate_fen", "hardship_statement",
          "income", "members"}},
        {"referral.issued", {"applicant_key", "need"}},
        {"complaint.filed", {"contact", "text"}},
        {"rating.given", {"callback_phone"}},
    };
    static const std::vector<std::string> none;
    auto it = members.find(type);
    return it == members.end() ? none : it->second;
}

Result<json> seal_payload(const std::string& type, json payload, const seal::SealingPublicKey& to) {
    const auto& names = sealed_members(type);
    if (names.empty() || !payload.is_object()) return payload;
    json personal = json::object();
    for (const auto& name : names) {
        auto it = payload.find(name);
        if (it == payload.end()) continue;
        personal[name] = std::move(*it);
        payload.erase(name);
    }
    auto plain = canonical_json(personal);
    if (!plain) return plain.error();
    auto sealed = seal::seal(*plain, to);
    if (!sealed) return sealed.error();
    payload[kSealedMember] = std::move(sealed).value();
    return payload;
}

Result<json> open_payload(const std::string& type, json payload, const seal::KeyRing& keys) {
    const auto& names = sealed_members(type);
    if (names.empty()) return payload;
    const Error bad{"bad_payload", "加密的个人信息格式不正确。"};
    if (!payload.is_object()) return bad;
    for (const auto& name : names)
        if (payload.contains(name))
            return Error{"bad_payload", "格式 2 的记录不得含有明文个人信息：" + name};
    auto it = payload.find(kSealedMember);
    if (it == payload.end() || !it->is_string()) return Error{"bad_payload", "格式 2 的记录缺少加密的个人信息。"};
    auto opened = seal::open_sealed(it->get_ref<const std::string&>(), keys);
    if (!opened) {
        if (opened.error().code == "unknown_key") {
            auto id = seal::envelope_key_id(it->get_ref<const std::string&>());
            return Error{"unknown_sealing_key", "县服务器没有打开这条记录所需的解密私钥（密钥 " +
                                                    (id ? *id : std::string("?")) +
                                                    "）：请把该私钥放回密钥目录后重新处理。"};
        }
        if (opened.error().code == "open_failed")
            return Error{"seal_broken", "加密的个人信息无法解开（已被改动或伪造）。"};
        return bad;
    }
    json personal = json::parse(*opened, nullptr, false);
    if (!personal.is_object()) return bad;
    for (auto& [name, value] : personal.items()) {
        if (std::find(names.begin(), names.end(), name) == names.end())
            return Error{"bad_payload", "加密部分含有不属于个人信息的字段：" + name};
    }
    payload.erase(kSealedMember);
    for (auto& [name, value] : personal.items()) payload[name] = std::move(value);
    return payload;
}

json drop_personal(const std::string& type, json payload) {
    if (!payload.is_object()) return payload;
    payload.erase(kSealedMember);
    for (const auto& name : sealed_members(type)) payload.erase(name);
    return payload;
}

}  // namespace yimen::sync
