// check_digit.cpp — MOD 11-2 by the recursive (Horner) form: p = 2·(p + d) mod 11, check = (12 − p) mod 11.
// For the 17 digits of a resident ID this equals the weighted form (weights 7 9 10 5 8 4 2 1 6 3 …).
#include "policy/check_digit.hpp"

namespace yimen {

char mod11_2_check(std::string_view digits) {
    int p = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return '\0';
        p = ((p + (c - '0')) * 2) % 11;
    }
    const int check = (12 - p) % 11;
    return check == 10 ? 'X' : static_cast<char>('0' + check);
}

}  // namespace yimen
