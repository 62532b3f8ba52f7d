// text.hpp — small text helpers the screens share (UTF-8 itself is base/utf8.hpp): trimming, grouping digits in
// fours, masking names.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.hpp"

namespace yimen::kiosk {

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
