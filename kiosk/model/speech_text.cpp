// speech_text.cpp — see speech_text.hpp. Works on code points: the input is decoded once, scanned left to right,
// and each digit run is claimed by the first rule that fits it (identifier, date, time, then money / percent /
// plain number).
#include "kiosk/model/speech_text.hpp"

#include "base/utf8.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace yimen::kiosk {
namespace {

const char* const kDigit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
// Identifiers say 零 (contract); a year says 〇, the way it is written and read on forms.
const char* const kYearDigit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

// Code points with full-width digits (as the input method types them) made plain; bytes that are not UTF-8 are
// dropped rather than spoken as noise.
std::u32string decode(std::string_view s) {
    std::u32string out;
    for (char32_t c : utf8::decode(s)) {
        if (c == utf8::kReplacement) continue;
        if (c >= U'０' && c <= U'９') c = c - U'０' + U'0';
        out.push_back(c);
    }
    return out;
}

bool digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool latin(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool at(const std::u32string& s, std::size_t i, char32_t c) { return i < s.size() && s[i] == c; }
bool digit_at(const std::u32string& s, std::size_t i) { return i < s.size() && digit(s[i]); }

std::size_t digits_from(const std::u32string& s, std::size_t i) {
    while (digit_at(s, i)) ++i;
    return i;
}

// The output with its pauses: a pause is only written before the next spoken text, so none lead, trail or repeat.
struct Out {
    std::string s;
    int pending = 0;  // 0 none, 1 space, 2 comma
    void pause(int strength) {
        if (!s.empty()) pending = std::max(pending, strength);
    }
    void text(std::string_view t) {
        if (t.empty()) return;
        if (pending == 2) s += "，";
        else if (pending == 1) s += ' ';
        pending = 0;
        s += t;
    }
};

std::string section(int n) {  // 1–9999
    static const char* const unit[] = {"千", "百", "十", ""};
    std::string out;
    bool started = false, zero = false;
    for (int k = 0, div = 1000; k < 4; ++k, div /= 10) {
        const int d = n / div % 10;
        if (d == 0) {
            zero = started;
            continue;
        }
        if (zero) out += "零";
        zero = false;
        out += kDigit[d];
        out += unit[k];
        started = true;
    }
    return out;
}

std::string read_digits(std::u32string_view d, const char* const* names = kDigit) {
    std::string out;
    for (char32_t c : d) {
        if (digit(c)) out += names[c - U'0'];
        else if (c == U'X' || c == U'x') out += "叉";
    }
    return out;
}

// 3.5 → 三点五; the integer part must fit spoken_integer (the callers check).
std::string read_decimal(std::u32string_view ip, std::u32string_view frac) {
    std::uint64_t n = 0;
    for (char32_t c : ip)
        if (digit(c)) n = n * 10 + (c - U'0');
    std::string out = spoken_integer(n);
    if (!frac.empty()) out += "点" + read_digits(frac);
    return out;
}

// The text just before `i` (skipping spaces and colons) names a phone line, so the digits are a number to dial.
bool after_phone_word(const std::u32string& s, std::size_t i) {
    while (i > 0 && (s[i - 1] == U' ' || s[i - 1] == U'：' || s[i - 1] == U':' || s[i - 1] == U'\u3000')) --i;
    if (i < 2) return false;
    const std::u32string_view w(s.data() + i - 2, 2);
    return w == U"热线" || w == U"电话" || w == U"拨打" || w == U"号码";
}

// Receipt, ID, mobile and landline numbers (and digits after a phone word): digit by digit in their groups.
std::size_t identifier(const std::u32string& s, std::size_t i, Out& out) {
    if (i > 0 && (digit(s[i - 1]) || latin(s[i - 1]))) return 0;
    std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end)
    std::vector<char32_t> seps;
    bool x = false;
    for (std::size_t j = i;;) {
        const std::size_t e = digits_from(s, j);
        groups.emplace_back(j, e);
        if ((at(s, e, U'X') || at(s, e, U'x')) && !(e + 1 < s.size() && (latin(s[e + 1]) || digit(s[e + 1])))) {
            x = true;
            groups.back().second = e + 1;
            break;
        }
        if ((at(s, e, U' ') || at(s, e, U'-')) && digit_at(s, e + 1)) {
            seps.push_back(s[e]);
            j = e + 1;
            continue;
        }
        break;
    }
    const bool phone_word = after_phone_word(s, i);
    for (std::size_t k = groups.size(); k >= 1; --k) {
        const std::size_t end = groups[k - 1].second;
        if (end < s.size() && (digit(s[end]) || latin(s[end]))) continue;
        const bool has_x = x && k == groups.size();
        std::size_t total = 0;
        for (std::size_t g = 0; g < k; ++g) total += groups[g].second - groups[g].first;
        const char32_t first = s[i];
        const std::size_t first_len = groups[0].second - groups[0].first;
        const bool receipt = total == 17 && !has_x;
        const bool id = total == 18;
        const bool mobile = total == 11 && first == U'1' && !has_x;
        const bool landline = !has_x && first == U'0' && total >= 10 && total <= 12 &&
                              (k == 1 || (seps[0] == U'-' && first_len >= 3 && first_len <= 4));
        const bool dialled = phone_word && !has_x && total >= 3 && total <= 12;
        if (!(receipt || id || mobile || landline || dialled)) continue;
        std::vector<std::u32string_view> parts;
        const std::u32string_view all(s.data() + i, end - i);
        if (k > 1) {
            for (std::size_t g = 0; g < k; ++g)
                parts.emplace_back(s.data() + groups[g].first, groups[g].second - groups[g].first);
        } else {
            // Written without spaces: the groups people read them in.
            std::vector<std::size_t> sizes = receipt ? std::vector<std::size_t>{4, 4, 4, 4, 1}
                                             : id    ? std::vector<std::size_t>{6, 8, 4}
                                             : mobile ? std::vector<std::size_t>{3, 4, 4}
                                                      : std::vector<std::size_t>{total};
            std::size_t at_ = 0;
            for (auto n : sizes) {
                parts.push_back(all.substr(at_, n));
                at_ += n;
            }
        }
        for (std::size_t p = 0; p < parts.size(); ++p) {
            if (p > 0) out.pause(2);
            out.text(read_digits(parts[p]));
        }
        return end;
    }
    return 0;
}

// 2026-11-30, 2026/11/30, 2026.11.30.
std::size_t date(const std::u32string& s, std::size_t i, Out& out) {
    const std::size_t y = digits_from(s, i);
    if (y - i != 4 || y >= s.size()) return 0;
    const char32_t sep = s[y];
    if (sep != U'-' && sep != U'/' && sep != U'.') return 0;
    const std::size_t m = digits_from(s, y + 1);
    if (m - y - 1 < 1 || m - y - 1 > 2 || !at(s, m, sep)) return 0;
    const std::size_t d = digits_from(s, m + 1);
    if (d - m - 1 < 1 || d - m - 1 > 2 || (d < s.size() && latin(s[d]))) return 0;
    auto num = [&](std::size_t a, std::size_t b) {
        int v = 0;
        for (std::size_t k = a; k < b; ++k) v = v * 10 + static_cast<int>(s[k] - U'0');
        return v;
    };
    const int mo = num(y + 1, m), da = num(m + 1, d);
    if (mo < 1 || mo > 12 || da < 1 || da > 31) return 0;
    out.text(read_digits(std::u32string_view(s.data() + i, 4), kYearDigit) + "年" + spoken_integer(mo) + "月" +
             spoken_integer(da) + "日");
    return d;
}

// 09:41 → 九点四十一分.
std::size_t clock_time(const std::u32string& s, std::size_t i, Out& out) {
    const std::size_t h = digits_from(s, i);
    if (h - i > 2 || !(at(s, h, U':') || at(s, h, U'：'))) return 0;
    const std::size_t m = digits_from(s, h + 1);
    if (m - h - 1 != 2 || (m < s.size() && latin(s[m]))) return 0;
    const int hh = h - i == 2 ? (s[i] - U'0') * 10 + (s[i + 1] - U'0') : s[i] - U'0';
    const int mm = (s[h + 1] - U'0') * 10 + (s[h + 2] - U'0');
    if (hh > 24 || mm > 59) return 0;
    std::string t = (hh == 2 ? std::string("两") : spoken_integer(static_cast<std::uint64_t>(hh))) + "点";
    if (mm > 0) t += (mm < 10 ? std::string("零") + kDigit[mm] : spoken_integer(static_cast<std::uint64_t>(mm))) + "分";
    out.text(t);
    return m;
}

bool measure_word(char32_t c) {
    return std::u32string_view(U"个件人位天次项名年").find(c) != std::u32string_view::npos;
}

// Money, percentages, years before 年 and plain numbers. `i` is at a digit or at ￥ / ¥ followed by one.
std::size_t number(const std::u32string& s, std::size_t i, Out& out) {
    std::size_t j = i;
    const bool currency = s[j] == U'￥' || s[j] == U'¥';
    if (currency) ++j;
    std::u32string ip;
    bool commas = false;
    for (;;) {
        const std::size_t e = digits_from(s, j);
        ip.append(s, j, e - j);
        j = e;
        // A thousands comma: exactly three digits after it.
        if (at(s, j, U',') && digits_from(s, j + 1) == j + 4) {
            commas = true;
            ++j;
            continue;
        }
        break;
    }
    std::u32string frac;
    if (at(s, j, U'.') && digit_at(s, j + 1)) {
        const std::size_t e = digits_from(s, j + 1);
        for (std::size_t f = j + 1; f < e; ++f) frac.push_back(s[f]);  // (assign(s, pos, n) trips GCC 12's -Wrestrict)
        j = e;
    }
    std::size_t k = j;
    while (at(s, k, U' ')) ++k;
    const bool fits = ip.size() <= 12;
    if (fits && (at(s, k, U'%') || at(s, k, U'％'))) {
        out.text("百分之" + read_decimal(ip, frac));
        return k + 1;
    }
    const bool yuan = at(s, k, U'元');
    if (fits && (currency || yuan) && frac.size() <= 2) {
        frac.resize(2, U'0');
        const int jiao = static_cast<int>(frac[0] - U'0'), fen = static_cast<int>(frac[1] - U'0');
        std::u32string_view whole(ip);
        while (whole.size() > 1 && whole[0] == U'0') whole.remove_prefix(1);
        std::string t;
        const bool has_yuan = whole != U"0" || (jiao == 0 && fen == 0);
        if (has_yuan) t = read_decimal(whole, {}) + "元";
        if (jiao > 0) t += std::string(kDigit[jiao]) + "角";
        else if (fen > 0 && has_yuan) t += "零";
        if (fen > 0) t += std::string(kDigit[fen]) + "分";
        out.text(t);
        return yuan ? k + 1 : j;
    }
    if (!commas && frac.empty() && ip.size() == 4 && at(s, j, U'年')) {
        out.text(read_digits(ip, kYearDigit));
        return j;
    }
    if (!fits || after_phone_word(s, i) || (ip.size() > 1 && ip[0] == U'0' && !commas)) {
        out.text(read_digits(ip) + (frac.empty() ? "" : "点" + read_digits(frac)));
        return j;
    }
    // 两个, 两年; but 第二个.
    if (ip == U"2" && frac.empty() && k < s.size() && measure_word(s[k]) && !(i > 0 && s[i - 1] == U'第')) {
        out.text("两");
        return j;
    }
    out.text(read_decimal(ip, frac));
    return j;
}

bool comma_pause(char32_t c) {
    return std::u32string_view(U"，。；：！？、…—,.;:!?()（）【】〔〕\n\r").find(c) != std::u32string_view::npos;
}

bool dropped(char32_t c) {
    return std::u32string_view(U"#*_`~^=<>[]{}\\@\"'“”‘’《》「」『』〈〉+\uFE0F").find(c) != std::u32string_view::npos;
}

// Bullets, separators, arrows, box drawing, geometric shapes, dingbats, emoji: a space pause, nothing spoken.
bool separator(char32_t c) {
    return c == U' ' || c == U'\t' || c == U'\u3000' || c == U'\u00A0' || c == U'|' || c == U'-' || c == U'/' ||
           c == U'·' || c == U'•' || c == U'‧' || c == U'・' || c == U'･' || c == U'※' || (c >= 0x2190 && c <= 0x21FF) ||
           (c >= 0x2500 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x1F000 && c <= 0x1FAFF);
}

}  // namespace

std::string spoken_integer(std::uint64_t n) {
    if (n == 0) return "零";
    static const char* const big[] = {"", "万", "亿", "万亿"};
    int secs[4] = {};
    int count = 0;
    for (; n > 0 && count < 4; ++count, n /= 10000) secs[count] = static_cast<int>(n % 10000);
    std::string out;
    bool gap = false;
    for (int k = count - 1; k >= 0; --k) {
        if (secs[k] == 0) {
            gap = !out.empty();
            continue;
        }
        // A missing thousand inside the number is said: 一万零五, 十万零一十五.
        if (!out.empty() && (gap || secs[k] < 1000)) out += "零";
        gap = false;
        out += section(secs[k]) + big[k];
    }
    // 十五, 十万: a leading 一十 drops its 一.
    if (out.rfind("一十", 0) == 0) out.erase(0, std::string_view("一").size());
    return out;
}

std::string speech_text(std::string_view utf8) {
    const std::u32string s = decode(utf8);
    Out out;
    for (std::size_t i = 0; i < s.size();) {
        const char32_t c = s[i];
        const bool money_sign = (c == U'￥' || c == U'¥') && digit_at(s, i + 1);
        if (digit(c) || money_sign) {
            std::size_t e = 0;
            if (!money_sign && (e = identifier(s, i, out)) == 0 && (e = date(s, i, out)) == 0 &&
                (e = clock_time(s, i, out)) == 0)
                e = number(s, i, out);
            else if (money_sign)
                e = number(s, i, out);
            i = e;
            continue;
        }
        if (c == U'★' || c == U'☆') {
            std::uint64_t filled = 0;
            for (; i < s.size() && (s[i] == U'★' || s[i] == U'☆'); ++i) filled += s[i] == U'★';
            out.text(spoken_integer(filled) + "星");
            continue;
        }
        if (c == U'/' && i + 1 < s.size() && std::u32string_view(U"月人年天日次").find(s[i + 1]) != std::u32string_view::npos) {
            out.text("每");
        } else if (comma_pause(c)) {
            out.pause(2);
        } else if (separator(c)) {
            out.pause(1);
        } else if (!dropped(c)) {
            std::string t;
            t += utf8::encode(c);
            out.text(t);
        }
        ++i;
    }
    return out.s;
}

}  // namespace yimen::kiosk
