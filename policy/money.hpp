// money.hpp — money as integer fen, exact decimal parsing, the 差额 benefit, dated standards, 特困 self-care grade.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_date.hpp"
#include "base/result.hpp"

namespace yimen {

using Fen = std::int64_t;

// "700", "700.5", "700.50", "1,200.00" (thousands commas allowed), "-3.2". More than two decimals is an error,
// never rounded: money typed by people must mean exactly what they typed.
Result<Fen> parse_yuan(std::string_view text);
// 120000 → "1200.00"
std::string format_yuan(Fen fen);

// a / b rounded half up (away from zero for halves), b > 0.
Fen divide_round_half_up(Fen a, std::int64_t b);

struct BenefitInput {
    Fen standard_per_person = 0;   // 低保 standard, per person per month
    Fen income_per_person = 0;     // assessed household per-capita monthly income
    int covered_members = 0;
};
// 差额 = (standard − per-capita income) × covered members; never negative, never above standard × members
// (a negative income counts as 0), saturating instead of overflowing.
Fen difference_benefit(const BenefitInput& in);

// The ranges a typed benefit question must lie in (a month's standard or income per person, household members).
inline constexpr Fen kMaxMonthlyFen = 10'000'000;  // 100,000 元 per person per month
inline constexpr int kMaxMembers = 50;
struct BenefitAnswer {
    Fen benefit = 0;
    bool eligible = false;  // per-capita income below the standard (the income test only)
};
// Codes: standard_out_of_range, negative_income, income_out_of_range, bad_members.
Result<BenefitAnswer> benefit_checked(const BenefitInput& in);
// Household income over members, rounded half up to the fen.
Result<Fen> per_capita_income(Fen household_income, int members);

enum class AreaKind { urban, rural };
const char* area_kind_zh(AreaKind k);

// One dated standard: applies from `effective` until a later entry for the same area and kind.
struct Standard {
    std::string area;        // 6-digit county code (e.g. 230523) or a 9-digit township code
    AreaKind kind = AreaKind::urban;
    CivilDate effective;
    Fen dibao_monthly = 0;
    Fen tekun_basic_monthly = 0;
    Fen care_full_self = 0;     // 全自理
    Fen care_partial = 0;       // 半护理
    Fen care_full = 0;          // 全护理
    std::string confidence;     // ✅ ◐ ❌ as in the domain file
    std::string note;
};

class StandardTable {
public:
    static Result<StandardTable> from_json(const std::string& text);
    static Result<StandardTable> load_file(const std::string& path);
    // The standard in force for a month: the latest entry with effective ≤ the month's first day. A township falls
    // back to its county (first six digits of its code).
    std::optional<Standard> for_month(std::string_view area, AreaKind kind, int year, int month) const;
    const std::vector<Standard>& entries() const { return entries_; }

private:
    std::vector<Standard> entries_;
};

// 特困 生活自理能力: six indicators (eating, dressing, getting in/out of bed, toileting, walking indoors, bathing).
enum class SelfCareGrade { full_self_care, partly_lost, fully_lost };
inline constexpr std::array<const char*, 6> kSelfCareIndicatorsZh = {"自主吃饭", "自主穿衣", "自主上下床",
                                                                     "自主如厕", "室内自主行走", "自主洗澡"};
// achieved[i] = the person can do indicator i unaided. 0 not achieved → full self-care; 1–3 → partly; ≥4 → fully lost.
SelfCareGrade self_care_grade(const std::array<bool, 6>& achieved);
const char* self_care_grade_zh(SelfCareGrade g);
const char* self_care_grade_code(SelfCareGrade g);  // full_self_care / partly_lost / fully_lost (stored)
const char* self_care_tier_zh(SelfCareGrade g);  // 全自理 / 半护理 / 全护理

}  // namespace yimen
