// resident_id_test.cpp — GB 11643-1999 vectors from the domain file plus edge cases.
#include "policy/check_digit.hpp"
#include "policy/resident_id.hpp"

#include "test_support.hpp"

using namespace yimen;
using yimen::test::date;

namespace {
const CivilDate kToday{2026, 11, 27};
}

TEST_CASE("domain-file ID vectors validate", "[id]") {
    for (const char* n : {"11010519491231002X", "440524188001010014", "34052419800101001X", "230523199001010012"}) {
        INFO(n);
        auto r = parse_resident_id(n, kToday);
        REQUIRE(r.ok());
        CHECK(r->number == n);
    }
    auto r = parse_resident_id("11010519491231002X", kToday);
    CHECK(r->birth_date.iso() == "1949-12-31");
    CHECK(r->sex == Sex::female);  // 顺序码 002: even
    CHECK(parse_resident_id("440524188001010014", kToday)->sex == Sex::male);
}

TEST_CASE("the recursive MOD 11-2 equals the weighted table", "[id]") {
    const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    const char* table = "10X98765432";
    std::uint64_t x = 12345;
    for (int k = 0; k < 2000; ++k) {
        std::string digits;
        int sum = 0;
        for (int i = 0; i < 17; ++i) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            const int d = static_cast<int>((x >> 33) % 10);
            digits.push_back(static_cast<char>('0' + d));
            sum += d * weights[i];
        }
        REQUIRE(mod11_2_check(digits) == table[sum % 11]);
    }
}

TEST_CASE("lower-case x and spaces are normalised", "[id]") {
    auto r = parse_resident_id(" 110105 19491231 002x ", kToday);
    REQUIRE(r.ok());
    CHECK(r->number == "11010519491231002X");
}

TEST_CASE("each ID error has its own kind", "[id]") {
    CHECK(parse_resident_id("", kToday).error().code == "empty");
    CHECK(parse_resident_id("1234", kToday).error().code == "bad_length");
    CHECK(parse_resident_id("2305231990010100A2", kToday).error().code == "bad_character");
    CHECK(parse_resident_id("X30523199001010012", kToday).error().code == "bad_character");
    CHECK(parse_resident_id("230523199002300012", kToday).error().code == "bad_date");   // 30 February
    CHECK(parse_resident_id("230523199001010013", kToday).error().code == "bad_check");
    // Born 1799: out of range; born tomorrow: out of range.
    std::string b1799 = "23052317991231001";
    b1799 += mod11_2_check(b1799);
    CHECK(parse_resident_id(b1799, kToday).error().code == "date_out_of_range");
    std::string future = "23052320261128001";
    future += mod11_2_check(future);
    CHECK(parse_resident_id(future, kToday).error().code == "date_out_of_range");
    std::string today = "23052320261127001";
    today += mod11_2_check(today);
    CHECK(parse_resident_id(today, kToday).ok());
}

TEST_CASE("29 February birth dates", "[id]") {
    std::string leap = "23052320000229002";
    leap += mod11_2_check(leap);
    CHECK(parse_resident_id(leap, kToday).ok());
    std::string not_leap = "23052319000229002";  // 1900 was not a leap year
    not_leap += mod11_2_check(not_leap);
    CHECK(parse_resident_id(not_leap, kToday).error().code == "bad_date");
}

TEST_CASE("15-digit numbers convert with century 19", "[id]") {
    auto r = parse_resident_id("230523900101001", kToday);
    REQUIRE(r.ok());
    CHECK(r->number == "230523199001010012");
    CHECK(r->converted_from_15);
    CHECK(r->birth_date.iso() == "1990-01-01");
    CHECK(r->sex == Sex::male);
    CHECK(parse_resident_id("230523900230001", kToday).error().code == "bad_date");
    CHECK(parse_resident_id("23052390010100X", kToday).error().code == "bad_character");
}

TEST_CASE("masking shows the first six and last four", "[id]") {
    CHECK(mask_resident_id("230523199001010012") == "230523********0012");
    CHECK(mask_resident_id("11010519491231002X") == "110105********002X");
    CHECK(mask_resident_id("12345") == "*****");
}

TEST_CASE("ID numbers: births before 1850 are refused (GB 11643's own 1880 example stays valid), full-width digits and "
          "Ｘ are read as digits, dashes and spaces separate, 000000 and 999999 are not regions",
          "[id][rules]") {
    auto with_check = [](std::string body) { return body + mod11_2_check(body); };
    CHECK(parse_resident_id(with_check("23052318000101001"), kToday).error().code == "date_out_of_range");
    CHECK(parse_resident_id(with_check("23052318491231001"), kToday).error().code == "date_out_of_range");
    CHECK(parse_resident_id(with_check("23052318500101001"), kToday).ok());
    CHECK(parse_resident_id("440524188001010014", kToday).ok());
    // Full-width digits count as one character each, and are accepted.
    auto fw = parse_resident_id("１１０１０５１９４９１２３１００２Ｘ", kToday);
    REQUIRE(fw.ok());
    CHECK(fw->number == "11010519491231002X");
    auto short_fw = parse_resident_id("１１０１０５１９４９１２３１００２", kToday);
    CHECK(short_fw.error().code == "bad_length");
    CHECK(short_fw.error().message.find("现在是17位") != std::string::npos);
    CHECK(parse_resident_id("230523-19900101-0012", kToday)->number == "230523199001010012");
    CHECK(parse_resident_id("230523 19900101 0012", kToday)->number == "230523199001010012");
    CHECK(parse_resident_id(with_check("00000019900101001"), kToday).error().code == "bad_region");
    CHECK(parse_resident_id(with_check("99999919900101001"), kToday).error().code == "bad_region");
}
