// test_fidelity.cpp — every byte stream the driver sends, for every template × every printer profile × both modes,
// read back by the tests' own ESC/POS reader (escpos_reader.hpp): no unknown command, no length error, ESC @ before
// automatic status back, a cut that feeds first, no text at all to a printer without a Chinese font, full-width
// bands, every QR decoded by zbar from the reader's picture with a quiet zone of at least 4 modules. And the
// virtual printer reports what it does not understand instead of printing it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "escpos_reader.hpp"
#include "printer/engine.hpp"
#include "printer/escpos.hpp"
#include "printer/printer.hpp"
#include "printer/sqlite_journal.hpp"
#include "printer/templates.hpp"
#include "printer/virtual_printer.hpp"
#include "test_support.hpp"
#include "support/files.hpp"

using namespace yimen::printer;
using namespace yimen::printer::test;

namespace {

using yimen::test::slurp;

std::string job_path(const std::string& dir, int n, const char* ext) {
    char name[32];
    std::snprintf(name, sizeof name, "job-%04d.%s", n, ext);
    return dir + "/" + name;
}

std::vector<std::string> qr_payloads(const Document& d) {
    std::vector<std::string> v;
    for (const auto& b : d.blocks)
        if (b.kind == Block::Kind::qr) v.push_back(b.text);
    return v;
}

std::shared_ptr<Font> shared_font() {
    auto f = Font::shared(FontConfig{});
    REQUIRE(f.ok());
    return *f;
}

}  // namespace

TEST_CASE("Every stream for every template, profile and mode reads clean with an independent ESC/POS reader",
          "[printer][fidelity][qr]") {
    const auto profiles = list_profiles(assets());
    REQUIRE(std::find(profiles.begin(), profiles.end(), "tm88-512") != profiles.end());
    REQUIRE(std::find(profiles.begin(), profiles.end(), "raster-80") != profiles.end());
    std::size_t streams = 0;
    for (const auto& pname : profiles) {
        const PrinterProfile prof = profile(pname);
        const std::string dir = temp_dir("fidelity-" + pname);
        auto printer = Printer::open("dir:" + dir, prof);
        REQUIRE(printer.ok());
        auto journal = SqlitePrintJournal::open(":memory:");
        REQUIRE(journal.ok());
        int job = 0;
        for (const auto& name : template_names()) {
            const Document doc = sample_document(name);
            for (Mode mode : {Mode::text, Mode::raster}) {
                INFO(pname << " " << name << " " << to_string(mode));
                PrintRequest req;
                req.template_name = name;
                auto data = load_sample(assets(), name);
                REQUIRE(data.ok());
                req.data = *data;
                req.mode = mode;
                const PrintResult r = (*printer)->print(req, **journal);
                REQUIRE(r.outcome == Outcome::printed);
                ++job;
                CHECK(r.preview == job_path(dir, job, "png"));
                const std::string bytes = slurp(job_path(dir, job, "bin"));
                REQUIRE_FALSE(bytes.empty());
                const ReadStream s = read_escpos(bytes, prof.dots());
                ++streams;
                for (const auto& e : s.errors) FAIL_CHECK(e);

                // ESC @ first in the job, automatic status back only after it (ESC @ may switch it off).
                const int init = s.first("ESC @");
                REQUIRE(init >= 0);
                if (prof.status && prof.auto_status_back) {
                    CHECK(s.count("GS a") == 1);
                    CHECK(s.first("GS a") > init);
                } else {
                    CHECK(s.count("GS a") == 0);
                }
                // The cut feeds the last line past the blade before cutting; it comes before the acknowledgement.
                for (const char* plain : {"GS V 0", "GS V 1", "GS V 48", "GS V 49"}) CHECK(s.count(plain) == 0);
                CHECK(s.count("GS V 66") == (prof.cutter ? 1u : 0u));
                if (prof.cutter && prof.status) CHECK(s.first("GS V 66") < s.first("GS r"));

                // A printer without a Chinese font gets no text at all, whatever mode was asked for.
                if (!prof.text_capable()) {
                    CHECK(s.count("FS &") == 0);
                    CHECK(s.text_bytes == 0);
                    CHECK(s.native_qr.empty());
                }
                if (mode == Mode::raster) CHECK(s.text_bytes == 0);
                for (int w : s.band_widths) CHECK(w * 8 == prof.dots());

                // The picture the reader drew is as long as the virtual printer's, and every QR reads back.
                auto png = read_png(job_path(dir, job, "png"));
                REQUIRE(png.ok());
                CHECK(png->width == prof.dots());
                CHECK(s.page.height == png->height);
                const auto want = qr_payloads(doc);
                CHECK(decode_qr(s.page) == want);
                CHECK(s.qr_symbols.size() == want.size());
                for (const auto& sym : s.qr_symbols) {
                    CHECK(sym.module >= 2);
                    CHECK(quiet_zone_modules(s.page, sym) >= 4);
                }
            }
        }
        std::filesystem::remove_all(dir);
    }
    CHECK(streams == profiles.size() * template_names().size() * 2);
}

TEST_CASE("The 512-dot profile lays out 42 columns and its bands are 64 bytes", "[printer][fidelity]") {
    const PrinterProfile prof = profile("tm88-512");
    CHECK(prof.dots() == 512);
    CHECK(prof.columns() == 42);
    const Layout layout = layout_document(sample_document("intake"), prof.dots());
    for (const auto& line : layout.lines)
        if (line.kind == Line::Kind::text) CHECK(text_width(line) <= 512);
    auto raster = encode_to_string(layout, prof, font(), Mode::raster);
    REQUIRE(raster.ok());
    const ReadStream s = read_escpos(*raster, 512);
    CHECK(s.errors.empty());
    REQUIRE_FALSE(s.band_widths.empty());
    for (int w : s.band_widths) CHECK(w == 64);
    // A profile whose dots do not fit its paper is refused with a plain message.
    CHECK(load_profile(assets(), "no-such-profile").error().code == "no_profile");
}

TEST_CASE("A stream with a plain cut is reported by the reader and by the virtual printer", "[printer][fidelity]") {
    // What the driver used to send: GS V 1 right after the last line cuts through it.
    const std::string old_job = escpos::init() + std::string("\x1C&") + "\xC4\xE3\xBA\xC3" + "\x1C.\n" + "\x1D\x56\x01";
    const ReadStream s = read_escpos(old_job, 576);
    CHECK(s.count("GS V 1") == 1);
    PrinterEngine e(EngineOptions{}, shared_font());
    e.feed(old_job);
    const auto errors = e.take_errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("GS V 66") != std::string::npos);
    // The same line cut with feed is fine.
    e.feed(escpos::init() + std::string("\x1C&") + "\xC4\xE3\xBA\xC3" + "\x1C.\n" + escpos::cut_after_feed(0));
    CHECK(e.take_errors().empty());
}

TEST_CASE("Automatic status back is switched on after ESC @, which switches it off", "[printer][fidelity][engine]") {
    EngineOptions o;
    o.paper_out_after_lines = 1;
    {
        // Enabled before ESC @: the printer's reset turns it off again, and the paper end goes unreported.
        PrinterEngine e(o, shared_font());
        CHECK(e.feed(escpos::gs_a(escpos::kAsbMask)).size() == 4);
        CHECK(e.feed(escpos::init()).empty());
        CHECK_FALSE(e.asb_enabled());
        CHECK(e.feed(escpos::feed_dots(100)).empty());
    }
    {
        PrinterEngine e(o, shared_font());
        CHECK(e.feed(escpos::init() + escpos::gs_a(escpos::kAsbMask)).size() == 4);
        const std::string later = e.feed(escpos::feed_dots(100));
        REQUIRE(later.size() == 4);
        CHECK((static_cast<unsigned char>(later[2]) & 0x0C) == 0x0C);  // paper end, unasked
    }
}

TEST_CASE("The virtual printer reports unknown commands instead of printing their bytes", "[printer][fidelity][virtual]") {
    const std::string line1 = std::string("\x1C&") + "\xC4\xE3\xBA\xC3" + "\x1C.\n";  // 你好
    const std::string line2 = "AB\n";
    // GS k: a barcode (CODE39 "1234"), which this printer does not know; its bytes must not come out as text.
    const std::string barcode = std::string("\x1D\x6B\x04", 3) + "1234" + std::string(1, '\0');
    VirtualPrinterOptions o;
    auto vp = VirtualPrinter::listen("127.0.0.1", 0, o);
    REQUIRE(vp.ok());
    auto send = [&](const std::string& job) {
        auto t = open_transport("tcp://127.0.0.1:" + std::to_string((*vp)->port()), Timeouts{}, profile("generic-80"),
                                FontConfig{});
        REQUIRE(t.ok());
        REQUIRE((*t)->write(job + escpos::gs_r1(), 2000).ok());
        auto ack = (*t)->read(1, 5000);
        REQUIRE(ack.ok());
        CHECK(ack->size() == 1);
    };
    send(escpos::init() + line1 + barcode + "\n" + line2);
    send(escpos::init() + line1 + "\n" + line2);
    const auto jobs = (*vp)->jobs();
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].height == jobs[1].height);
    CHECK(diff_dots(jobs[0], jobs[1]) == 0);  // the barcode's data did not print as "1234"
    const auto errors = (*vp)->errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("1D 6B") != std::string::npos);
    // The reader agrees: it stops at the unknown command.
    CHECK_FALSE(read_escpos(escpos::init() + barcode, 576).errors.empty());
}
