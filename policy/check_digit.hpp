// check_digit.hpp — ISO 7064 MOD 11-2, the check character of resident ID numbers and of Yimen receipt numbers.
#pragma once
#include <string_view>

namespace yimen {

// The check character ('0'–'9' or 'X') for a string of decimal digits. Returns '\0' if a non-digit is present.
char mod11_2_check(std::string_view digits);

}  // namespace yimen
