// text_test.cpp — base's UTF-8 and QR: malformed bytes become U+FFFD one byte at a time, and a QR matrix decodes
// (with zbar, an independent reader) to exactly the payload, ECI only for non-ASCII payloads.
#include <catch2/catch.hpp>

#include "base/qr.hpp"
#include "base/utf8.hpp"
#include "support/qr_reader.hpp"

using namespace yimen;

namespace {

std::vector<std::string> zbar_read(const qr::Matrix& m, int scale = 4) {
    const int side = (m.width + 2 * qr::kQuietZoneModules) * scale;
    std::vector<unsigned char> grey(static_cast<std::size_t>(side * side), 255);
    for (int y = 0; y < m.width; ++y)
        for (int x = 0; x < m.width; ++x)
            if (m.at(x, y))
                for (int dy = 0; dy < scale; ++dy)
                    for (int dx = 0; dx < scale; ++dx)
                        grey[static_cast<std::size_t>(((y + qr::kQuietZoneModules) * scale + dy) * side +
                                                      (x + qr::kQuietZoneModules) * scale + dx)] = 0;
    return test::read_qr_codes(grey.data(), side, side);
}

}  // namespace

TEST_CASE("UTF-8: round trip, and each malformed byte is one U+FFFD", "[utf8]") {
    const std::string text = "低保 A1 😀";
    CHECK(utf8::encode(utf8::decode(text)) == text);
    CHECK(utf8::length(text) == 7);
    CHECK(utf8::valid(text));
    // A stray continuation byte, an overlong '/', a UTF-16 surrogate, a truncated 3-byte sequence.
    CHECK(utf8::decode("a\x80z") == U"a\uFFFDz");
    CHECK(utf8::decode("\xC0\xAF") == U"\uFFFD\uFFFD");
    CHECK_FALSE(utf8::valid("\xC0\xAF"));
    CHECK_FALSE(utf8::valid("\xED\xA0\x80"));
    CHECK(utf8::decode("\xE4\xBD") == U"\uFFFD\uFFFD");
    CHECK_FALSE(utf8::valid("\xF4\x90\x80\x80"));  // past U+10FFFF
    std::string s = "张建华";
    utf8::pop_back(s);
    CHECK(s == "张建");
    CHECK(utf8::encode(char32_t{0xD800}) == "\xEF\xBF\xBD");  // a lone surrogate is never written
}

TEST_CASE("QR: zbar reads back the receipt number, and Chinese through ECI", "[qr]") {
    auto m = qr::encode("11001261117000");
    REQUIRE(m.ok());
    CHECK(m->width == 21);  // version 1 holds 14 digits in byte mode at level M
    CHECK_FALSE(qr::needs_eci("11001261117000"));
    CHECK(zbar_read(*m) == std::vector<std::string>{"11001261117000"});
    auto zh = qr::encode("一门 低保");
    REQUIRE(zh.ok());
    CHECK(qr::needs_eci("一门 低保"));
    CHECK(zbar_read(*zh) == std::vector<std::string>{"一门 低保"});
    CHECK_FALSE(qr::encode(std::string(4000, 'x')).ok());  // beyond version 40
}
