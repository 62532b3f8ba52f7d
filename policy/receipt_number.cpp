// receipt_number.cpp — receipt numbers are typed by residents from paper: forgiving input, strict check.
#include "policy/receipt_number.hpp"

#include <algorithm>
#include <cstdio>

#include "policy/check_digit.hpp"
#include "policy/resident_id.hpp"

namespace yimen {

std::string ReceiptNumber::grouped() const {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i && i % 4 == 0) out.push_back(' ');
        out.push_back(text[i]);
    }
    return out;
}

Result<ReceiptNumber> make_receipt_number(ReceiptType type, int township_code, int kiosk, CivilDate date, int sequence) {
    if (township_code < 0) return Error{"bad_township", "乡镇代码无效。"};
    if (kiosk < 0 || kiosk > 99) return Error{"bad_kiosk", "终端编号应在00到99之间。"};
    if (sequence < 1 || sequence > 9999) return Error{"sequence_exhausted", "本终端今日回执编号已用完，请联系工作人员。"};
    char body[17];
    std::snprintf(body, sizeof body, "%d%03d%02d%s%04d", static_cast<int>(type), township_code % 1000, kiosk,
                  date.yymmdd().c_str(), sequence);
    ReceiptNumber r{type, township_code % 1000, kiosk, date, sequence, std::string(body, 16)};
    r.text.push_back(mod11_2_check(r.text));
    return r;
}

Result<ReceiptNumber> parse_receipt_number(std::string_view input, std::optional<CivilDate> today) {
    const std::string s = normalise_digits(input);
    if (s.size() != 17) return Error{"bad_length", "回执编号应为17位，请对照回执核对。"};
    for (std::size_t i = 0; i < 16; ++i)
        if (s[i] < '0' || s[i] > '9') return Error{"bad_character", "回执编号前16位只能是数字，请核对。"};
    if (!((s[16] >= '0' && s[16] <= '9') || s[16] == 'X'))
        return Error{"bad_character", "回执编号最后一位只能是数字或X，请核对。"};
    if (mod11_2_check(std::string_view(s).substr(0, 16)) != s[16])
        return Error{"bad_check", "回执编号校验不通过，可能有一位输错或两位颠倒，请逐位核对。"};
    const int t = s[0] - '0';
    if (t < 1 || t > 3) return Error{"bad_type", "回执编号第一位应为1、2或3，请核对。"};
    auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    const int yy = num(6, 2), mm = num(8, 2), dd = num(10, 2);
    if (!CivilDate::valid(2000 + yy, mm, dd)) return Error{"bad_date", "回执编号中的日期不存在，请核对。"};
    const CivilDate issued{2000 + yy, mm, dd};
    if (issued < CivilDate{2020, 1, 1} || (today && today->plus_days(1) < issued))
        return Error{"date_out_of_range", "回执编号中的日期（第7到12位）不在开具回执的时间范围内，请对照回执核对。"};
    ReceiptNumber r{static_cast<ReceiptType>(t), num(1, 3), num(4, 2), CivilDate{2000 + yy, mm, dd}, num(12, 4), s};
    if (r.sequence == 0) return Error{"bad_sequence", "回执编号中的序号无效，请核对。"};
    return r;
}

std::vector<std::string> receipt_numbers_in(std::string_view text) {
    std::vector<std::string> out;
    const std::string s = normalise_digits(text);  // also joins "1104 0125 …" written in groups
    for (std::size_t i = 0; i + 17 <= s.size(); ++i) {
        if (s[i] < '1' || s[i] > '3' || (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')) continue;
        const std::string candidate = s.substr(i, 17);
        if (i + 17 < s.size() && ((s[i + 17] >= '0' && s[i + 17] <= '9') || s[i + 17] == 'X')) continue;
        if (auto r = parse_receipt_number(candidate); r && std::find(out.begin(), out.end(), r->text) == out.end())
            out.push_back(r->text);
    }
    return out;
}

const char* receipt_type_name_zh(ReceiptType t) {
    switch (t) {
        case ReceiptType::application: return "申请回执";
        case ReceiptType::referral: return "转办单";
        case ReceiptType::complaint: return "投诉回执";
    }
    return "";
}

}  // namespace yimen
