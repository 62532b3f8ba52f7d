// resident_id.cpp — each failure has its own code and a sentence telling the resident what to check.
#include "policy/resident_id.hpp"

#include "policy/check_digit.hpp"

namespace yimen {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int digits_to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

Result<ResidentId> parse_resident_id(std::string_view input, CivilDate today) {
    std::string s;
    for (char c : input) {
        if (c == ' ' || c == '\t') continue;
        s.push_back(c == 'x' ? 'X' : c);
    }
    if (s.empty()) return Error{"empty", "请输入身份证号码。"};
    if (s.size() != 18 && s.size() != 15)
        return Error{"bad_length", "身份证号码应为18位（旧证15位），现在是" + std::to_string(s.size()) + "位，请核对。"};
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
    if (id.birth_date < CivilDate{1800, 1, 1} || id.birth_date > today)
        return Error{"date_out_of_range", "身份证号码中的出生日期不在合理范围内，请核对第7到14位。"};
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
