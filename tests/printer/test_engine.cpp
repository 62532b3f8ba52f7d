// test_engine.cpp — the virtual printer's contract byte by byte: DLE EOT answered at once (also while stopped),
// GS r only after what precedes it has printed and never once the paper has run out, line counting, ASB.
#include <catch2/catch.hpp>

#include "printer/engine.hpp"
#include "printer/escpos.hpp"
#include "test_support.hpp"

using namespace yimen::printer;
using namespace yimen::printer::test;

namespace {
std::shared_ptr<Font> shared_font() {
    auto f = Font::shared(FontConfig{});
    REQUIRE(f.ok());
    return *f;
}
std::string text_line(const std::string& gb) { return std::string("\x1C&") + gb + "\x1C.\n"; }
}  // namespace

TEST_CASE("Virtual printer answers DLE EOT at once and GS r after the job", "[printer][engine]") {
    PrinterEngine e(EngineOptions{}, shared_font());
    CHECK(e.feed(escpos::dle_eot(1)) == std::string(1, '\x12'));
    CHECK(e.feed(escpos::dle_eot(4)) == std::string(1, '\x12'));
    // An incomplete command waits for its remaining bytes.
    const std::string job = escpos::init() + text_line("\xC4\xE3\xBA\xC3") + escpos::feed_dots(48);
    CHECK(e.feed(job.substr(0, 5)).empty());
    CHECK(e.feed(job.substr(5) + escpos::gs_r1()) == std::string(1, '\0'));
    const auto jobs = e.take_jobs();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].height == 30 + 48);  // one text line at ESC 3 30, then 48 dots of feed
    CHECK(jobs[0].width == 576);
}

TEST_CASE("Virtual printer stops at paper end and never answers GS r", "[printer][engine]") {
    EngineOptions o;
    o.paper = PaperWidth::mm58;
    o.paper_out_after_lines = 2;  // 48 dot rows
    o.near_end_after_lines = 1;
    PrinterEngine e(o, shared_font());
    const std::string job = escpos::init() + text_line("AB") + escpos::feed_dots(40) + text_line("CD") + escpos::gs_r1();
    CHECK(e.feed(job).empty());                           // GS r is not answered
    CHECK(e.paper_out());
    CHECK(e.feed(escpos::dle_eot(4)) == std::string(1, '\x7E'));  // near end 0x0C + paper end 0x60
    CHECK(e.feed(escpos::dle_eot(2)) == std::string(1, '\x32'));  // paper-end stop
    CHECK(e.feed(escpos::dle_eot(1)) == std::string(1, '\x1A'));  // offline
    CHECK(e.take_jobs().size() == 1);                     // the part that printed
    CHECK(e.feed(escpos::init() + text_line("EF") + escpos::gs_r1()).empty());  // still out: dropped
    e.refill();
    CHECK(e.feed(escpos::init() + text_line("EF") + escpos::gs_r1()) == std::string(1, '\0'));
}

TEST_CASE("Virtual printer sends automatic status back when enabled", "[printer][engine]") {
    EngineOptions o;
    o.paper_out_after_lines = 1;
    PrinterEngine e(o, shared_font());
    const std::string first = e.feed(escpos::init() + escpos::gs_a(0x0F));
    REQUIRE(first.size() == 4);
    CHECK((static_cast<unsigned char>(first[0]) & 0x93) == 0x10);
    const std::string later = e.feed(escpos::feed_dots(100));
    REQUIRE(later.size() == 4);
    CHECK((static_cast<unsigned char>(later[2]) & 0x0C) == 0x0C);  // paper end, unasked
}

TEST_CASE("A silent virtual printer answers nothing", "[printer][engine]") {
    EngineOptions o;
    o.no_status = true;
    PrinterEngine e(o, shared_font());
    CHECK(e.feed(escpos::dle_eot(1) + escpos::init() + text_line("A") + escpos::gs_r1()).empty());
    CHECK(e.take_jobs().size() == 1);  // it still prints
}

// Found by tests/fuzz (fuzz_escpos); the inputs are kept in tests/fuzz/corpus/escpos/regression-*.
TEST_CASE("A few bytes of feed cannot grow a job's picture without bound", "[printer][engine][fuzz]") {
    PrinterEngine e(EngineOptions{}, shared_font());
    std::string s = escpos::init() + "\x1B\x33\xFF";  // ESC 3 255: the widest line spacing
    for (int i = 0; i < 200; ++i) s += "\x1B\x64\xFF";  // ESC d 255: 65 025 dot rows each, 13 million in all
    s += "x\n" + escpos::gs_r1();
    e.feed(s);
    const auto jobs = e.take_jobs();
    REQUIRE(!jobs.empty());
    for (const auto& j : jobs) CHECK(j.height <= EngineOptions{}.max_job_rows + 255);
    CHECK(e.rows_fed() > 13'000'000);  // the paper still moved
}

TEST_CASE("Raster bands and QR module sizes outside the command's limits are skipped", "[printer][engine][fuzz]") {
    PrinterEngine e(EngineOptions{}, shared_font());
    // GS v 0 with 0 bytes across and 65 535 rows: no data, but it used to allocate 65 535 full-width rows.
    e.feed(escpos::init() + std::string("\x1D\x76\x30\x00\x00\x00\xFF\xFF", 8) + escpos::gs_r1());
    CHECK(e.take_jobs().empty());
    // GS ( k function 67 with module size 255 is ignored (n = 1–16): the QR prints at the default size.
    auto gsk = [](int fn, const std::string& body) {
        const std::size_t n = body.size() + 2;
        return std::string("\x1D(k") + char(n & 255) + char(n >> 8) + '\x31' + char(fn) + body;
    };
    e.feed(escpos::init() + gsk(67, "\xFF") + gsk(80, "\x30" + std::string(600, 'A')) + gsk(81, "\x30") +
           escpos::gs_r1());
    const auto jobs = e.take_jobs();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].height < 1000);  // a 600-byte QR at 3 dots per module, not 255
}
