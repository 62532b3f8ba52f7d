// money_test.cpp — exact decimal parsing, rounding, 差额, dated standards, self-care grades.
#include "policy/money.hpp"

#include <limits>

#include "test_support.hpp"

using namespace yimen;

TEST_CASE("yuan strings parse exactly to fen", "[money]") {
    CHECK(*parse_yuan("700") == 70000);
    CHECK(*parse_yuan("700.5") == 70050);
    CHECK(*parse_yuan("700.50") == 70050);
    CHECK(*parse_yuan("0.01") == 1);
    CHECK(*parse_yuan(".5") == 50);
    CHECK(*parse_yuan("1,200.00") == 120000);
    CHECK(*parse_yuan("-3.20") == -320);
    CHECK(*parse_yuan(" 669 ") == 66900);
    // 0.1 + 0.2 style float traps cannot happen: 0.29 is 29 fen exactly.
    CHECK(*parse_yuan("0.29") == 29);
    CHECK(parse_yuan("700.505").error().code == "too_many_decimals");
    CHECK(parse_yuan("abc").error().code == "bad_amount");
    CHECK(parse_yuan("").error().code == "bad_amount");
    CHECK(parse_yuan("1.2.3").error().code == "bad_amount");
    CHECK(parse_yuan("99999999999999999999").error().code == "amount_too_large");
}

TEST_CASE("format_yuan", "[money]") {
    CHECK(format_yuan(120000) == "1200.00");
    CHECK(format_yuan(5) == "0.05");
    CHECK(format_yuan(-320) == "-3.20");
    CHECK(format_yuan(0) == "0.00");
}

TEST_CASE("per-capita division rounds half up", "[money]") {
    CHECK(divide_round_half_up(100, 3) == 33);
    CHECK(divide_round_half_up(200, 3) == 67);
    CHECK(divide_round_half_up(5, 2) == 3);
    CHECK(divide_round_half_up(-5, 2) == -3);
    CHECK(*per_capita_income(100001, 2) == 50001);  // 500.005 yuan → 500.01
    CHECK(per_capita_income(100, 0).error().code == "bad_members");
}

TEST_CASE("差额 benefit: the domain file's example and its edges", "[money]") {
    CHECK(difference_benefit({70000, 30000, 3}) == 120000);
    CHECK(difference_benefit({70000, 70000, 3}) == 0);
    CHECK(difference_benefit({70000, 90000, 3}) == 0);  // never negative
    CHECK(difference_benefit({70000, 30000, 0}) == 0);
    CHECK(difference_benefit({66900, 12345, 1}) == 54555);
}

TEST_CASE("dated standards pick the one in force for the month", "[money]") {
    auto t = StandardTable::from_json(R"({"standards":[
      {"area":"230523","kind":"urban","effective":"2023-01-01","dibao_monthly":"669"},
      {"area":"230523","kind":"urban","effective":"2024-07-01","dibao_monthly":"700.50"},
      {"area":"230523","kind":"rural","effective":"2023-01-01","dibao_monthly":"441"},
      {"area":"230523104","kind":"rural","effective":"2025-01-01","dibao_monthly":"460"}]})");
    REQUIRE(t.ok());
    CHECK(t->for_month("230523", AreaKind::urban, 2024, 6)->dibao_monthly == 66900);
    CHECK(t->for_month("230523", AreaKind::urban, 2024, 7)->dibao_monthly == 70050);
    CHECK_FALSE(t->for_month("230523", AreaKind::urban, 2022, 12).has_value());
    CHECK(t->for_month("230523104", AreaKind::rural, 2025, 3)->dibao_monthly == 46000);
    CHECK(t->for_month("230523101", AreaKind::rural, 2025, 3)->dibao_monthly == 44100);  // falls back to the county
    CHECK(StandardTable::from_json(R"({"standards":[{"area":"1","kind":"town","effective":"2023-01-01"}]})").error().code ==
          "bad_standards");
    // The shipped defaults load and are marked unconfirmed.
    auto& shipped = yimen::test::policy_data().standards;
    REQUIRE(shipped.for_month("230523100", AreaKind::urban, 2026, 11).has_value());
    CHECK(shipped.for_month("230523100", AreaKind::urban, 2026, 11)->confidence == "❌");
}

TEST_CASE("特困 self-care grade from the six indicators", "[money]") {
    CHECK(self_care_grade({true, true, true, true, true, true}) == SelfCareGrade::full_self_care);
    CHECK(self_care_grade({false, true, true, true, true, true}) == SelfCareGrade::partly_lost);
    CHECK(self_care_grade({false, false, false, true, true, true}) == SelfCareGrade::partly_lost);
    CHECK(self_care_grade({false, false, false, false, true, true}) == SelfCareGrade::fully_lost);
    CHECK(self_care_grade({false, false, false, false, false, false}) == SelfCareGrade::fully_lost);
    CHECK(std::string(self_care_tier_zh(SelfCareGrade::partly_lost)) == "半护理");
}

TEST_CASE("only a money amount is read as money: thousands groups of three, no stray commas", "[money][rules]") {
    CHECK(parse_yuan("1,200.00").value() == 120000);
    CHECK(parse_yuan("12,345,678").value() == 1234567800);
    CHECK(parse_yuan("7,00").error().code == "bad_amount");
    CHECK(parse_yuan("1,,2").error().code == "bad_amount");
    CHECK(parse_yuan(",700").error().code == "bad_amount");
    CHECK(parse_yuan("700,").error().code == "bad_amount");
    CHECK(parse_yuan("1,2345").error().code == "bad_amount");
    CHECK(parse_yuan("700.5,0").error().code == "bad_amount");
}

TEST_CASE("a benefit question is checked for range, income at or above the standard is 不符合, never negative or "
          "above the standard",
          "[money][rules]") {
    CHECK(benefit_checked({900000000000000000, 0, 100}).error().code == "standard_out_of_range");
    CHECK(benefit_checked({70000, -10000, 3}).error().code == "negative_income");
    CHECK(benefit_checked({70000, 0, 51}).error().code == "bad_members");
    CHECK(benefit_checked({70000, 0, 0}).error().code == "bad_members");
    auto over = benefit_checked({70000, 80000, 3});
    REQUIRE(over.ok());
    CHECK_FALSE(over->eligible);
    CHECK(over->benefit == 0);
    auto equal = benefit_checked({70000, 70000, 3});
    CHECK_FALSE(equal->eligible);
    auto ok = benefit_checked({70000, 30000, 3});
    CHECK(ok->eligible);
    CHECK(ok->benefit == 120000);
    // The bare arithmetic never goes above standard × members, and saturates instead of overflowing.
    CHECK(difference_benefit({70000, -50000, 1}) == 70000);
    CHECK(difference_benefit({std::numeric_limits<Fen>::max() / 2, 0, 100}) == std::numeric_limits<Fen>::max());
}

TEST_CASE("the estimate takes the household's urban or rural standard, and rural 特困 care tiers are never the urban "
          "ones",
          "[money][rules]") {
    const auto& table = yimen::test::policy_data().standards;
    auto urban = table.for_month("230523104", AreaKind::urban, 2026, 6);
    auto rural = table.for_month("230523104", AreaKind::rural, 2026, 6);
    REQUIRE(urban);
    REQUIRE(rural);
    CHECK(urban->dibao_monthly == 66900);
    CHECK(rural->dibao_monthly == 44100);
    // No rural care figures are known (domain file §5): they stay unset rather than borrow the urban ones.
    for (Fen Standard::*tier : {&Standard::care_full_self, &Standard::care_partial, &Standard::care_full}) {
        CHECK((*urban).*tier > 0);
        CHECK(((*rural).*tier == 0 || (*rural).*tier != (*urban).*tier));
    }
}
