// resident_id.cpp — each failure has its own code and a sentence telling the resident what to check.
#include "policy/resident_id.hpp"

#include "policy/check_digit.hpp"

namespace yimen {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Province-level prefixes of GB/T 2260 (and 83 for the residence permits of Taiwan residents).
bool known_province(int code) {
    static const int kProvinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                                     44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
    for (int p : kProvinces)
        if (p == code) return true;
    return false;
}

int digits_to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

std::string normalise_digits(std::string_view input) {
    std::string s;
    for (std::size_t i = 0; i < input.size();) {
        const auto b = static_cast<unsigned char>(input[i]);
        // Full-width digits U+FF10–FF19 (EF BC 90–99), Ｘ U+FF38 (EF BC B8), ｘ U+FF58 (EF BD 98), full-width hyphen
        // U+FF0D (EF BC 8D) and the ideographic space U+3000 (E3 80 80).
        if (b == 0xEF && i + 2 < input.size()) {
            const auto b1 = static_cast<unsigned char>(input[i + 1]), b2 = static_cast<unsigned char>(input[i + 2]);
            if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) {
                s.push_back(static_cast<char>('0' + (b2 - 0x90)));
                i += 3;
                continue;
            }
            if ((b1 == 0xBC && b2 == 0xB8) || (b1 == 0xBD && b2 == 0x98)) {
                s.push_back('X');
                i += 3;
                continue;
            }
            if (b1 == 0xBC && b2 == 0x8D) {
                i += 3;
                continue;
            }
        }
        if (b == 0xE3 && i + 2 < input.size() && static_cast<unsigned char>(input[i + 1]) == 0x80 &&
            static_cast<unsigned char>(input[i + 2]) == 0x80) {
            i += 3;
            continue;
        }
        const char c = input[i++];
        if (c == ' ' || c == '\t' || c == '-') continue;
        s.push_back(c == 'x' ? 'X' : c);
    }
    return s;
}

namespace {

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

}  // namespace

Result<ResidentId> parse_resident_id(std::string_view input, CivilDate today) {
    std::string s = normalise_digits(input);
    if (s.empty()) return Error{"empty", "请输入身份证号码。"};
    if (s.size() != 18 && s.size() != 15)
        return Error{"bad_length", "身份证号码应为18位（旧证15位），现在是" + std::to_string(code_points(s)) + "位，请核对。"};
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool last = i + 1 == s.size();
        if (!is_digit(s[i]) && !(last && s.size() == 18 && s[i] == 'X'))
            return Error{"bad_character", "身份证号码只能是数字，最后一位可以是X，请核对第" + std::to_string(i + 1) + "位。"};
    }
    ResidentId id;
    if (s.size() == 15) {
        std::string body = s.substr(0, 6) + "19" + s.substr(6, 9);
        s = body + mod11_2_check(body);
        id.converted_from_15 = true;
    }
    const int y = digits_to_int(std::string_view(s).substr(6, 4));
    const int m = digits_to_int(std::string_view(s).substr(10, 2));
    const int d = digits_to_int(std::string_view(s).substr(12, 2));
    if (!CivilDate::valid(y, m, d))
        return Error{"bad_date", "身份证号码中的出生日期不存在，请核对第7到14位。"};
    id.birth_date = CivilDate{y, m, d};
    if (id.birth_date < CivilDate{1850, 1, 1} || id.birth_date > today)
        return Error{"date_out_of_range", "身份证号码中的出生日期不在合理范围内，请核对第7到14位。"};
    const int region = digits_to_int(std::string_view(s).substr(0, 6));
    if (!known_province(region / 10000) || region % 10000 == 9999 || region == 0)
        return Error{"bad_region", "身份证号码前6位不是有效的地区代码，请核对第1到6位。"};
    if (!id.converted_from_15 && mod11_2_check(std::string_view(s).substr(0, 17)) != s[17])
        return Error{"bad_check", "身份证号码校验不通过，可能有一位输错了，请逐位核对。"};
    id.number = s;
    id.sex = (s[16] - '0') % 2 == 1 ? Sex::male : Sex::female;
    return id;
}

std::string mask_resident_id(std::string_view number) {
    if (number.size() <= 10) return std::string(number.size(), '*');
    return std::string(number.substr(0, 6)) + std::string(number.size() - 10, '*') +
           std::string(number.substr(number.size() - 4));
}

const char* sex_name_zh(Sex s) { return s == Sex::male ? "男" : "女"; }

}  // namespace yimen
