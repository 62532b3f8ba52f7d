// text.cpp — UTF-8 helpers (see text.hpp).
#include "kiosk/model/text.hpp"

namespace yimen::kiosk {

std::vector<char32_t> utf8_decode(std::string_view s) {
    std::vector<char32_t> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        char32_t cp = 0;
        int extra = 0;
        if (c < 0x80) { cp = c; }
        else if ((c >> 5) == 0x6) { cp = c & 0x1Fu; extra = 1; }
        else if ((c >> 4) == 0xE) { cp = c & 0x0Fu; extra = 2; }
        else if ((c >> 3) == 0x1E) { cp = c & 0x07u; extra = 3; }
        else { ++i; continue; }
        if (i + static_cast<std::size_t>(extra) >= s.size()) break;
        for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3Fu);
        out.push_back(cp);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

std::string utf8_encode(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (char ch : s)
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
    return n;
}

void utf8_pop_back(std::string& s) {
    while (!s.empty()) {
        auto c = static_cast<unsigned char>(s.back());
        s.pop_back();
        if ((c & 0xC0) != 0x80) break;
    }
}

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
    auto cps = utf8_decode(name);
    if (cps.empty()) return "";
    std::string out = utf8_encode(cps.front());
    if (cps.size() == 1) return out + "*";
    if (cps.size() == 2) return out + "*";
    for (std::size_t i = 1; i + 1 < cps.size(); ++i) out += "*";
    return out + utf8_encode(cps.back());
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
