// receipt_number_test.cpp — make/parse/format, and proof that the check catches substitutions and swaps.
#include "policy/check_digit.hpp"
#include "policy/receipt_number.hpp"

#include "test_support.hpp"

using namespace yimen;
using yimen::test::date;

TEST_CASE("make, group and parse a receipt number", "[receipt]") {
    auto r = make_receipt_number(ReceiptType::application, 230523104, 1, date("2025-11-22"), 7);
    REQUIRE(r.ok());
    CHECK(r->text.size() == 17);
    CHECK(r->text.substr(0, 16) == "1104012511220007");
    CHECK(r->grouped() == r->text.substr(0, 4) + " " + r->text.substr(4, 4) + " " + r->text.substr(8, 4) + " " +
                              r->text.substr(12, 4) + " " + r->text.substr(16));
    auto p = parse_receipt_number(r->grouped());
    REQUIRE(p.ok());
    CHECK(p->text == r->text);
    CHECK(p->type == ReceiptType::application);
    CHECK(p->township == 104);
    CHECK(p->kiosk == 1);
    CHECK(p->date.iso() == "2025-11-22");
    CHECK(p->sequence == 7);
}

TEST_CASE("input accepts spaces, dashes and lower-case x", "[receipt]") {
    // Find a number whose check character is X.
    for (int seq = 1; seq < 200; ++seq) {
        auto r = make_receipt_number(ReceiptType::complaint, 100, 0, date("2026-01-05"), seq);
        REQUIRE(r.ok());
        if (r->text.back() != 'X') continue;
        std::string typed = r->text.substr(0, 4) + "-" + r->text.substr(4, 8) + " " + r->text.substr(12, 4) + "x";
        auto p = parse_receipt_number(typed);
        REQUIRE(p.ok());
        CHECK(p->text == r->text);
        return;
    }
    FAIL("no X check character in 200 numbers");
}

TEST_CASE("every single substitution and adjacent swap is caught", "[receipt]") {
    int checked = 0;
    for (int seq : {1, 37, 512, 9999}) {
        for (auto type : {ReceiptType::application, ReceiptType::referral, ReceiptType::complaint}) {
            auto r = make_receipt_number(type, 230523209, 12, date("2026-02-28"), seq);
            REQUIRE(r.ok());
            const std::string good = r->text;
            const std::string alphabet = "0123456789X";
            for (std::size_t i = 0; i < good.size(); ++i)
                for (char c : alphabet) {
                    if (c == good[i]) continue;
                    std::string bad = good;
                    bad[i] = c;
                    INFO(good << " → " << bad);
                    REQUIRE_FALSE(parse_receipt_number(bad).ok());
                    ++checked;
                }
            for (std::size_t i = 0; i + 1 < good.size(); ++i) {
                if (good[i] == good[i + 1]) continue;
                std::string bad = good;
                std::swap(bad[i], bad[i + 1]);
                INFO(good << " → " << bad);
                REQUIRE_FALSE(parse_receipt_number(bad).ok());
                ++checked;
            }
        }
    }
    CHECK(checked > 1000);
}

TEST_CASE("receipt number errors", "[receipt]") {
    CHECK(parse_receipt_number("123").error().code == "bad_length");
    CHECK(parse_receipt_number("1104012511220007A").error().code == "bad_character");
    CHECK(parse_receipt_number("11040125112200X73").error().code == "bad_character");
    CHECK(make_receipt_number(ReceiptType::application, 100, 1, date("2026-01-01"), 10000).error().code ==
          "sequence_exhausted");
    CHECK(make_receipt_number(ReceiptType::application, 100, 100, date("2026-01-01"), 1).error().code == "bad_kiosk");
    // A correctly checked number with an impossible date or type still fails.
    auto bad_date = std::string("1104011302300001");
    bad_date += mod11_2_check(bad_date);
    CHECK(parse_receipt_number(bad_date).error().code == "bad_date");
    auto bad_type = std::string("4104012511220007");
    bad_type += mod11_2_check(bad_type);
    CHECK(parse_receipt_number(bad_type).error().code == "bad_type");
}

TEST_CASE("a receipt's date is 20YY, not before 2020-01-01 and not after tomorrow", "[receipt][rules]") {
    auto with_check = [](std::string body) { return body + mod11_2_check(body); };
    const CivilDate today{2026, 11, 27};
    CHECK(parse_receipt_number(with_check("3523999912310001"), today).error().code == "date_out_of_range");  // 2099-12-31
    CHECK(parse_receipt_number(with_check("1104011912310001"), today).error().code == "date_out_of_range");  // 2019
    CHECK(parse_receipt_number(with_check("1104012611280001"), today).ok());                                 // tomorrow
    CHECK(parse_receipt_number(with_check("1104012611290001"), today).error().code == "date_out_of_range");
    CHECK(parse_receipt_number(with_check("1104012001010001"), today).ok());
    CHECK(parse_receipt_number("１１０４ ０１２５ １１２２ ０００７ ８", today).ok());  // typed full-width
}

TEST_CASE("receipt numbers named in free text are found, in groups or not", "[receipt][rules]") {
    const auto found = receipt_numbers_in("我对办件 1104 0125 1122 0007 8 的处理不满意，另见11040126112700018；"
                                          "11040125112200073 校验不对，12345678901234567890 太长");
    CHECK(found == std::vector<std::string>{"11040125112200078", "11040126112700018"});
    CHECK(receipt_numbers_in("没有编号").empty());
}
