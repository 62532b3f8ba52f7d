// json_util.hpp — reading optional JSON members without nlohmann's value()/get<string>(), whose inlined paths trip
// GCC 12's -Wnull-dereference under -O2.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace yimen::kiosk {

inline std::string json_str(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return {};
    return *it->get_ptr<const std::string*>();
}

inline bool json_bool(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return false;
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && *it->get_ptr<const bool*>();
}

inline std::string json_as_str(const nlohmann::json& v) {
    return v.is_string() ? *v.get_ptr<const std::string*>() : std::string();
}

}  // namespace yimen::kiosk
