// money.cpp — no floating point anywhere on the way from text to fen.
#include "policy/money.hpp"

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace yimen {

Result<Fen> parse_yuan(std::string_view t) {
    const Error bad{"bad_amount", "金额格式不对，请输入数字，例如 700 或 700.50（最多两位小数）。"};
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    bool negative = false;
    if (!t.empty() && (t.front() == '-' || t.front() == '+')) {
        negative = t.front() == '-';
        t.remove_prefix(1);
    }
    if (t.empty()) return bad;
    // Thousands separators, when used, must group the whole integer part in threes: "1,200" yes, "7,00" and "1,,2" no.
    {
        const auto dot = t.find('.');
        const std::string_view whole = t.substr(0, dot);
        if (whole.find(',') != std::string_view::npos) {
            std::size_t group = 0;
            for (std::size_t i = whole.size(); i-- > 0;) {
                if (whole[i] == ',') {
                    if (group != 3 || i == 0) return bad;
                    group = 0;
                } else {
                    ++group;
                }
            }
            if (group == 0 || group > 3) return bad;
        }
        if (dot != std::string_view::npos && t.substr(dot).find(',') != std::string_view::npos) return bad;
    }
    Fen yuan = 0;
    int int_digits = 0, frac_digits = 0;
    Fen frac = 0;
    bool in_frac = false;
    for (char c : t) {
        if (c == ',' && !in_frac && int_digits > 0) continue;
        if (c == '.' && !in_frac) {
            in_frac = true;
            continue;
        }
        if (c < '0' || c > '9') return bad;
        if (in_frac) {
            if (++frac_digits > 2)
                return Error{"too_many_decimals", "金额最多精确到分（两位小数），请核对。"};
            frac = frac * 10 + (c - '0');
        } else {
            if (yuan > (std::numeric_limits<Fen>::max() / 100 - 9) / 10)
                return Error{"amount_too_large", "金额太大，请核对。"};
            yuan = yuan * 10 + (c - '0');
            ++int_digits;
        }
    }
    if (int_digits == 0 && frac_digits == 0) return bad;
    if (frac_digits == 1) frac *= 10;
    const Fen fen = yuan * 100 + frac;
    return negative ? -fen : fen;
}

std::string format_yuan(Fen fen) {
    const bool negative = fen < 0;
    // Work in unsigned to survive the most negative value.
    const auto mag = negative ? static_cast<std::uint64_t>(-(fen + 1)) + 1 : static_cast<std::uint64_t>(fen);
    std::string frac = std::to_string(mag % 100);
    if (frac.size() < 2) frac.insert(0, "0");
    return (negative ? "-" : "") + std::to_string(mag / 100) + "." + frac;
}

Fen divide_round_half_up(Fen a, std::int64_t b) {
    const Fen q = a / b, r = a % b;
    if (2 * (r < 0 ? -r : r) >= b) return a < 0 ? q - 1 : q + 1;
    return q;
}

Fen difference_benefit(const BenefitInput& in) {
    if (in.covered_members <= 0 || in.standard_per_person <= 0) return 0;
    // Negative income is not income: it never raises the benefit above the standard.
    const Fen income = in.income_per_person < 0 ? 0 : in.income_per_person;
    if (income >= in.standard_per_person) return 0;
    const Fen gap = in.standard_per_person - income;
    Fen out = 0;
    if (__builtin_mul_overflow(gap, static_cast<Fen>(in.covered_members), &out)) return std::numeric_limits<Fen>::max();
    return out;
}

Result<BenefitAnswer> benefit_checked(const BenefitInput& in) {
    if (in.standard_per_person <= 0 || in.standard_per_person > kMaxMonthlyFen)
        return Error{"standard_out_of_range", "低保标准应大于0且不超过" + format_yuan(kMaxMonthlyFen) +
                                                  "元/人·月，请核对。"};
    if (in.income_per_person < 0)
        return Error{"negative_income", "家庭人均收入不能为负数，没有收入请填0。"};
    if (in.income_per_person > kMaxMonthlyFen)
        return Error{"income_out_of_range", "家庭人均收入不超过" + format_yuan(kMaxMonthlyFen) + "元/月，请核对。"};
    if (in.covered_members < 1 || in.covered_members > kMaxMembers)
        return Error{"bad_members", "保障人数应在1到" + std::to_string(kMaxMembers) + "人之间。"};
    BenefitAnswer a;
    a.eligible = in.income_per_person < in.standard_per_person;
    a.benefit = a.eligible ? difference_benefit(in) : 0;
    return a;
}

Result<Fen> per_capita_income(Fen household_income, int members) {
    if (members <= 0) return Error{"bad_members", "家庭人口数至少为1人。"};
    return divide_round_half_up(household_income, members);
}

const char* area_kind_zh(AreaKind k) { return k == AreaKind::urban ? "城市" : "农村"; }

Result<StandardTable> StandardTable::from_json(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.contains("standards") || !j["standards"].is_array())
        return Error{"bad_standards", "救助标准数据无法读取，请联系县民政局更新。"};
    StandardTable table;
    for (auto& e : j["standards"]) {
        Standard s;
        auto eff = CivilDate::parse(e.value("effective", ""));
        if (!eff) return Error{"bad_standards", "救助标准的生效日期无效：" + e.value("effective", "")};
        s.effective = *eff;
        s.area = e.value("area", "");
        const auto kind = e.value("kind", "");
        if (kind != "urban" && kind != "rural") return Error{"bad_standards", "救助标准的城乡类别无效：" + kind};
        s.kind = kind == "urban" ? AreaKind::urban : AreaKind::rural;
        auto money = [&](const char* key) -> Result<Fen> {
            if (!e.contains(key)) return Fen{0};
            return parse_yuan(e[key].get<std::string>());
        };
        for (auto [key, dest] : {std::pair{"dibao_monthly", &s.dibao_monthly},
                                 {"tekun_basic_monthly", &s.tekun_basic_monthly},
                                 {"care_full_self", &s.care_full_self},
                                 {"care_partial", &s.care_partial},
                                 {"care_full", &s.care_full}}) {
            auto v = money(key);
            if (!v) return v.error();
            *dest = *v;
        }
        s.confidence = e.value("confidence", "");
        s.note = e.value("note", "");
        table.entries_.push_back(std::move(s));
    }
    return table;
}

Result<StandardTable> StandardTable::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"standards_missing", "找不到救助标准数据文件：" + path};
    std::stringstream ss;
    ss << in.rdbuf();
    return from_json(ss.str());
}

std::optional<Standard> StandardTable::for_month(std::string_view area, AreaKind kind, int year, int month) const {
    const CivilDate first{year, month, 1};
    auto pick = [&](std::string_view a) -> std::optional<Standard> {
        const Standard* best = nullptr;
        for (auto& s : entries_)
            if (s.area == a && s.kind == kind && s.effective <= first && (!best || best->effective < s.effective))
                best = &s;
        if (best) return *best;
        return std::nullopt;
    };
    if (auto s = pick(area)) return s;
    if (area.size() > 6) return pick(area.substr(0, 6));
    return std::nullopt;
}

SelfCareGrade self_care_grade(const std::array<bool, 6>& achieved) {
    int not_achieved = 0;
    for (bool a : achieved) not_achieved += a ? 0 : 1;
    if (not_achieved == 0) return SelfCareGrade::full_self_care;
    if (not_achieved <= 3) return SelfCareGrade::partly_lost;
    return SelfCareGrade::fully_lost;
}

const char* self_care_grade_zh(SelfCareGrade g) {
    switch (g) {
        case SelfCareGrade::full_self_care: return "具备生活自理能力";
        case SelfCareGrade::partly_lost: return "部分丧失生活自理能力";
        case SelfCareGrade::fully_lost: return "完全丧失生活自理能力";
    }
    return "";
}

const char* self_care_grade_code(SelfCareGrade g) {
    switch (g) {
        case SelfCareGrade::full_self_care: return "full_self_care";
        case SelfCareGrade::partly_lost: return "partly_lost";
        case SelfCareGrade::fully_lost: return "fully_lost";
    }
    return "";
}

const char* self_care_tier_zh(SelfCareGrade g) {
    switch (g) {
        case SelfCareGrade::full_self_care: return "全自理";
        case SelfCareGrade::partly_lost: return "半护理";
        case SelfCareGrade::fully_lost: return "全护理";
    }
    return "";
}

}  // namespace yimen
