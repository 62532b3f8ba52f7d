// test_golden.cpp — each template's preview and text-mode byte stream against tests/printer/golden/ (regenerate
// with YIMEN_UPDATE_GOLDEN=1) for 58 mm, 80 mm and 80 mm at 180 dpi, and the text-mode contract checked by the
// tests' independent ESC/POS reader; list items carry a bullet, never a number.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "printer/escpos.hpp"
#include "printer/gb18030.hpp"
#include "escpos_reader.hpp"
#include "test_support.hpp"

using namespace yimen::printer;
using namespace yimen::printer::test;

namespace {

bool updating() {
    const char* v = std::getenv("YIMEN_UPDATE_GOLDEN");
    return v && std::string(v) == "1";
}

std::string golden(const std::string& name) { return (std::filesystem::path(YIMEN_PRINTER_GOLDEN_DIR) / name).string(); }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// What an independent reader sees in a stream (escpos_reader.hpp): text between FS & and FS ., raster bands,
// native QR payloads.
struct Reading {
    std::vector<std::string> texts;
    std::vector<int> band_widths;
    std::vector<std::string> qr;
    bool ok = true;
};

Reading read_stream(const std::string& bytes, int dots) {
    const ReadStream s = read_escpos(bytes, dots);
    return {s.texts, s.band_widths, s.native_qr, s.errors.empty()};
}

// The profiles with goldens: 80 mm and 58 mm at 203 dpi, and 80 mm at 180 dpi (512 dots, 42 columns).
struct Config {
    const char* profile;
    const char* stem;  // file-name suffix
};
const Config kConfigs[] = {{"generic-80", "80"}, {"generic-58", "58"}, {"tm88-512", "512"}};

// Raster streams are 20–80 kB each, so their golden is a fingerprint: FNV-1a 64 and the length.
std::string fingerprint(const std::string& bytes) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, "%016llx %zu", static_cast<unsigned long long>(h), bytes.size());
    return buf;
}

std::map<std::string, std::string> read_fingerprints() {
    std::map<std::string, std::string> m;
    std::ifstream in(golden("raster-streams.txt"));
    std::string stem, hash, size;
    while (in >> stem >> hash >> size) m[stem] = hash + " " + size;
    return m;
}

}  // namespace

TEST_CASE("Each template renders to its golden image and text-mode bytes", "[printer][golden]") {
    const auto fingerprints = read_fingerprints();
    std::string new_fingerprints;
    for (const auto& name : template_names()) {
        for (Config cfg : kConfigs) {
            const std::string stem = name + "-" + cfg.stem;
            INFO(stem);
            const Layout layout = layout_document(sample_document(name), profile(cfg.profile).dots());
            const Bitmap preview = render_layout(layout, font());
            auto bytes = encode_to_string(layout, profile(cfg.profile), font(), Mode::text);
            REQUIRE(bytes.ok());
            auto raster = encode_to_string(layout, profile(cfg.profile), font(), Mode::raster);
            REQUIRE(raster.ok());
            if (updating()) {
                REQUIRE(write_png(preview, golden(stem + ".png")).ok());
                std::ofstream(golden(stem + "-text.bin"), std::ios::binary) << *bytes;
                new_fingerprints += stem + "-raster " + fingerprint(*raster) + "\n";
                continue;
            }
            const auto fp = fingerprints.find(stem + "-raster");
            REQUIRE(fp != fingerprints.end());
            CHECK(fingerprint(*raster) == fp->second);
            auto want = read_png(golden(stem + ".png"));
            REQUIRE(want.ok());
            REQUIRE(want->width == preview.width);
            // Small tolerance: a FreeType update may move a few anti-aliasing thresholds.
            CHECK(diff_dots(*want, preview) <= preview.px.size() / 500);
            CHECK(*bytes == read_file(golden(stem + "-text.bin")));
        }
    }
    if (updating()) std::ofstream(golden("raster-streams.txt")) << new_fingerprints;
}

TEST_CASE("Raster bytes are full-width GS v 0 bands only", "[printer][golden]") {
    for (const auto& name : template_names()) {
        for (Config cfg : kConfigs) {
            const int dots = profile(cfg.profile).dots();
            const Layout layout = layout_document(sample_document(name), dots);
            auto bytes = encode_to_string(layout, profile(cfg.profile), font(), Mode::raster);
            REQUIRE(bytes.ok());
            const Reading r = read_stream(*bytes, dots);
            CHECK(r.ok);
            CHECK(r.texts.empty());
            CHECK(r.qr.empty());
            REQUIRE_FALSE(r.band_widths.empty());
            for (int w : r.band_widths) CHECK(w == dots / 8);
        }
    }
}

TEST_CASE("Text mode sends covered characters as GB18030 and only the rest as raster", "[printer][text]") {
    Gb18030 gb;
    for (const auto& name : template_names()) {
        for (const std::string& pname : list_profiles(assets())) {
            INFO(name << " " << pname);
            const PrinterProfile prof = profile(pname);
            const Layout layout = layout_document(sample_document(name), prof.dots());
            auto bytes = encode_to_string(layout, prof, font(), Mode::text);
            REQUIRE(bytes.ok());
            const Reading r = read_stream(*bytes, prof.dots());
            REQUIRE(r.ok);
            std::size_t text_i = 0;
            int expected_bands = 0;
            for (const auto& line : layout.lines) {
                if (line.kind == Line::Kind::qr) {
                    if (prof.native_qr) CHECK(std::find(r.qr.begin(), r.qr.end(), line.qr) != r.qr.end());
                    else ++expected_bands;
                    continue;
                }
                if (line.kind != Line::Kind::text) continue;
                const bool all_covered = std::all_of(line.cells.begin(), line.cells.end(),
                                                     [&](const Cell& c) { return gb.covered(c.cp, prof.coverage); });
                if (!all_covered) {
                    ++expected_bands;
                    continue;
                }
                std::string want;
                for (const auto& c : line.cells) want += gb.encode(c.cp);
                REQUIRE(text_i < r.texts.size());
                CHECK(r.texts[text_i++] == want);
            }
            CHECK(text_i == r.texts.size());
            CHECK(static_cast<int>(r.band_widths.size()) == expected_bands);
            // Nothing outside the coverage ever goes out as text.
            for (const auto& t : r.texts)
                for (std::size_t i = 0; i < t.size();) {
                    const auto b = static_cast<unsigned char>(t[i]);
                    const std::size_t n = b < 0x80 ? 1 : 2;
                    REQUIRE(!(b >= 0x81 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) >= 0x30 &&
                              static_cast<unsigned char>(t[i + 1]) <= 0x39));  // never a 4-byte sequence
                    CHECK(gb.covered(gb.decode(t.substr(i, n)), prof.coverage));
                    i += n;
                }
        }
    }
}

TEST_CASE("The test page sends the yen sign as A3 A4 and rare characters as raster", "[printer][text]") {
    const Layout layout = layout_document(sample_document("testpage"), PaperWidth::mm80);
    auto bytes = encode_to_string(layout, profile("generic-80"), font(), Mode::text);
    REQUIRE(bytes.ok());
    CHECK(bytes->find("\x81\x30\x84\x36") == std::string::npos);  // ¥ never as its 4-byte code
    CHECK(bytes->find("\x95\x34\xB2\x35") == std::string::npos);  // 𠮷 never as text
    CHECK(bytes->find("\xFE\x9F") == std::string::npos);          // 䶮 never as text on a GBK font
    CHECK(bytes->find("\xA3\xA4") != std::string::npos);          // ￥
    CHECK(bytes->find("\xA1\xA4") != std::string::npos);          // ·
    const Reading r = read_stream(*bytes, 576);
    CHECK(r.band_widths.size() == 1);                             // the one line holding ・ 䶮 𠮷 €
}

TEST_CASE("List items start with a bullet, never a number", "[printer][text]") {
    Document d;
    Block list;
    list.kind = Block::Kind::list;
    list.text = "接下来";
    list.items = {"工作人员核对材料。", "法定办理时限从受理之日起计算。"};
    d.blocks.push_back(list);
    const Layout layout = layout_document(d, 576);
    REQUIRE(layout.lines.size() == 3);
    for (std::size_t i = 1; i < 3; ++i) {
        REQUIRE_FALSE(layout.lines[i].cells.empty());
        CHECK(layout.lines[i].cells[0].cp == U'·');
    }
    // The bullet is A1 A4 on every Chinese font: it goes out as text, never as a raster band.
    auto bytes = encode_to_string(layout, profile("generic-58"), font(), Mode::text);
    REQUIRE(bytes.ok());
    CHECK(read_stream(*bytes, 576).band_widths.empty());
    CHECK(bytes->find("\xA1\xA4") != std::string::npos);
    CHECK(bytes->find("1. ") == std::string::npos);
    CHECK(bytes->find("2. ") == std::string::npos);
}
