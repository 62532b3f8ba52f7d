// test_text.cpp — GB18030 vectors and coverage, Chinese line breaking, template filling.
#include <catch2/catch.hpp>

#include "printer/gb18030.hpp"
#include "printer/layout.hpp"
#include "printer/templates.hpp"
#include "test_support.hpp"

using namespace yimen;
using namespace yimen::printer;
using namespace yimen::printer::test;
using namespace std::literals;

namespace {
std::string hex(const std::string& s) {
    std::string o;
    char b[4];
    for (unsigned char c : s) {
        std::snprintf(b, sizeof b, "%02X", c);
        o += (o.empty() ? "" : " ") + std::string(b);
    }
    return o;
}
std::u32string line_text(const Line& l) {
    std::u32string s;
    for (const auto& c : l.cells) s += c.cp;
    return s;
}
}  // namespace

TEST_CASE("GB18030 vectors: yen, rare characters and middle dots", "[printer][text]") {
    Gb18030 gb;
    CHECK(hex(gb.encode(normalise_for_print(U'¥'))) == "A3 A4");  // ¥ U+00A5 is sent as ￥ U+FFE5
    CHECK(hex(gb.encode(U'¥')) == "81 30 84 36");
    CHECK(hex(gb.encode(U'䶮')) == "FE 9F");
    CHECK(hex(gb.encode(U'𠮷')) == "95 34 B2 35");
    CHECK(hex(gb.encode(U'·')) == "A1 A4");
    CHECK(gb.encode(U'・').size() == 4);
    CHECK(hex(gb.encode(U'你')) == "C4 E3");
    CHECK(gb.decode("\x95\x34\xB2\x35") == U'𠮷');
    CHECK(gb.decode("\xC4\xE3") == U'你');
}

TEST_CASE("Font coverage decides text or raster per character", "[printer][text]") {
    Gb18030 gb;
    for (Coverage cov : {Coverage::gb2312, Coverage::gbk}) {
        CHECK(gb.covered(U'你', cov));
        CHECK(gb.covered(U'A', cov));
        CHECK(gb.covered(0xFFE5, cov));  // ￥
        CHECK(gb.covered(U'·', cov));
        CHECK_FALSE(gb.covered(U'・', cov));
        CHECK_FALSE(gb.covered(U'䶮', cov));
        CHECK_FALSE(gb.covered(U'𠮷', cov));
        CHECK_FALSE(gb.covered(U'¥', cov));
        CHECK_FALSE(gb.covered(U'€', cov));  // GBK 0x80 is not GB18030's A2 E3
    }
    CHECK(gb.covered(U'镕', Coverage::gbk));      // in GBK, not in GB2312
    CHECK_FALSE(gb.covered(U'镕', Coverage::gb2312));
}

TEST_CASE("The font draws rare name characters outside the BMP", "[printer][text]") {
    CHECK(font().has_glyph(U'𠮷'));
    CHECK(font().has_glyph(U'䶮'));
    const Bitmap& g = font().cell(U'𠮷', 24, 24);
    CHECK(std::count(g.px.begin(), g.px.end(), 1) > 40);
}

TEST_CASE("Line breaking keeps punctuation and Latin words in place", "[printer][layout]") {
    Document d;
    Block p;
    p.kind = Block::Kind::paragraph;
    p.text = "这是一个用于测试断行规则的很长的句子，其中有标点符号。还有（括号里的内容）和英文单词 internationalization "
             "以及数字 12345678901234567890，看它们是否被正确处理！“引号”也一样。";
    for (int i = 0; i < 6; ++i) {
        d.blocks.push_back(p);
        p.text = "汉" + p.text;  // shift every break point
    }
    for (PaperWidth paper : {PaperWidth::mm58, PaperWidth::mm80}) {
        const Layout l = layout_document(d, paper);
        REQUIRE(l.lines.size() > 6);
        const std::u32string closing = U"，。、；：？！）》」』”’";
        const std::u32string opening = U"（《「『“‘";
        for (const auto& line : l.lines) {
            const std::u32string s = line_text(line);
            INFO(utf8::encode(s));
            CHECK(text_width(line) <= paper_dots(paper));
            REQUIRE_FALSE(s.empty());
            CHECK(closing.find(s.front()) == std::u32string::npos);
            CHECK(opening.find(s.back()) == std::u32string::npos);
            CHECK(s.find(U"internationalization") == s.find(U"internationaliza") );
            if (s.find(U"internationa") != std::u32string::npos) CHECK(s.find(U"internationalization") != std::u32string::npos);
            if (s.find(U"123") != std::u32string::npos) CHECK(s.find(U"12345678901234567890") != std::u32string::npos);
        }
    }
}

TEST_CASE("Every template's sample lays out within the paper on both widths", "[printer][layout]") {
    for (const auto& name : template_names()) {
        const Document d = sample_document(name);
        for (PaperWidth paper : {PaperWidth::mm58, PaperWidth::mm80}) {
            const Layout l = layout_document(d, paper);
            for (const auto& line : l.lines) {
                INFO(name << " " << utf8::encode(line_text(line)));
                CHECK(text_width(line) <= paper_dots(paper));
                if (!line.cells.empty()) CHECK(U"，。、；：？！）》」』”’"sv.find(line.cells.front().cp) == std::u32string_view::npos);
            }
        }
    }
}

TEST_CASE("Templates list, fill, and refuse missing data in plain Chinese", "[printer][templates]") {
    const auto names = template_names();
    for (const char* want : {"intake", "acceptance", "referral", "complaint", "rating", "testpage"})
        CHECK(std::find(names.begin(), names.end(), want) != names.end());

    auto data = load_sample(assets(), "intake");
    REQUIRE(data.ok());
    auto missing = *data;
    missing.erase("programme_name");
    auto bad = render_template(assets(), "intake", missing);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "missing_field");
    CHECK(bad.error().message.find("programme_name") != std::string::npos);

    auto doc = render_template(assets(), "intake", *data);
    REQUIRE(doc.ok());
    const std::string dumped = to_json(*doc).dump();
    CHECK(dumped.find("1012 0126 1127 0007 6") != std::string::npos);  // shown in groups of four
    CHECK(dumped.find("一次性告知") != std::string::npos);
    CHECK(dumped.find("\"10120126112700076\"") != std::string::npos);     // the QR payload stays ungrouped

    auto acc = load_sample(assets(), "acceptance");
    REQUIRE(acc.ok());
    auto unverified = *acc;
    unverified["clock_verified"] = false;
    auto d2 = render_template(assets(), "acceptance", unverified);
    REQUIRE(d2.ok());
    const std::string s2 = to_json(*d2).dump();
    CHECK(s2.find("以乡镇通知为准") != std::string::npos);
    CHECK(s2.find("2026年12月28日") == std::string::npos);
    auto d3 = render_template(assets(), "acceptance", *acc);
    REQUIRE(d3.ok());
    CHECK(to_json(*d3).dump().find("2026年12月28日") != std::string::npos);

    auto round = document_from_json(to_json(*doc));
    REQUIRE(round.ok());
    CHECK(to_json(*round) == to_json(*doc));
}
