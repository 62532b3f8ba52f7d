// utf8.hpp — UTF-8 ↔ code points, the one implementation the kiosk's text fields, the printer's layout and the
// record checks share. Invalid bytes decode to U+FFFD (a damaged record never stops a receipt or a screen).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace yimen::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Each malformed byte (a stray continuation, an overlong or surrogate form, a truncated sequence) becomes U+FFFD.
std::u32string decode(std::string_view s);
std::string encode(char32_t cp);
std::string encode(const std::u32string& s);
// Code points in well-formed text (counts lead bytes; what a field's length limit means to a person).
std::size_t length(std::string_view s);
// Removes the last code point (the keyboard's backspace).
void pop_back(std::string& s);
// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool valid(std::string_view s);

}  // namespace yimen::utf8
