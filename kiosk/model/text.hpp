// text.hpp — small UTF-8 helpers the screens share: code points, trimming, grouping digits in fours, masking names.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yimen::kiosk {

std::vector<char32_t> utf8_decode(std::string_view s);
std::string utf8_encode(char32_t c);
std::size_t utf8_length(std::string_view s);
// Removes the last code point (the keyboard's backspace).
void utf8_pop_back(std::string& s);
std::string trim(std::string_view s);
// "11001261117000" → "1100 1261 1170 00": numbers people copy are shown in groups of four (UI.md).
std::string group4(std::string_view s);
// An ID number as people read it aloud: 6 8 4 (region, birth date, sequence and check).
std::string group_resident_id(std::string_view id);
// 张建华 → 张*华, 张建 → 张*: the name shown once the resident has left the entry step.
std::string mask_name(std::string_view name);
// 13812345678 → 138****5678
std::string mask_phone(std::string_view phone);
bool all_digits(std::string_view s);

}  // namespace yimen::kiosk
