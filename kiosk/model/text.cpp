// text.cpp — UTF-8 helpers (see text.hpp).
#include "kiosk/model/text.hpp"

namespace yimen::kiosk {

std::string trim(std::string_view s) {
    std::size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r')) ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n' || s[b - 1] == '\r')) --b;
    return std::string(s.substr(a, b - a));
}

std::string group4(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += ' ';
        out += s[i];
    }
    return out;
}

std::string mask_name(std::string_view name) {
    auto cps = utf8::decode(name);
    if (cps.empty()) return "";
    std::string out = utf8::encode(cps.front());
    if (cps.size() == 1) return out + "*";
    if (cps.size() == 2) return out + "*";
    for (std::size_t i = 1; i + 1 < cps.size(); ++i) out += "*";
    return out + utf8::encode(cps.back());
}

std::string mask_phone(std::string_view phone) {
    if (phone.size() < 7) return std::string(phone.size(), '*');
    std::string out(phone.substr(0, 3));
    out += std::string(phone.size() - 7, '*');
    out += phone.substr(phone.size() - 4);
    return out;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string group_resident_id(std::string_view id) {
    if (id.size() <= 6) return std::string(id);
    std::string out = std::string(id.substr(0, 6)) + " " + std::string(id.substr(6, 8));
    if (id.size() > 14) out += " " + std::string(id.substr(14));
    return out;
}

}  // namespace yimen::kiosk
