// escpos.cpp — ESC/POS encoding of a layout, streamed line by line.
#include "printer/escpos.hpp"

#include <algorithm>

#include "printer/gb18030.hpp"

namespace yimen::printer::escpos {

namespace {
char byte(int v) { return static_cast<char>(static_cast<unsigned char>(v & 0xFF)); }
}  // namespace

std::string init() { return {ESC, '@'}; }
std::string dle_eot(int n) { return {DLE, EOT, byte(n)}; }
std::string gs_r1() { return {GS, 'r', 1}; }
std::string gs_a(int mask) { return {GS, 'a', byte(mask)}; }

std::string feed_dots(int dots) {
    std::string s;
    while (dots > 0) {
        const int n = std::min(dots, 255);
        s += {ESC, 'J', byte(n)};
        dots -= n;
    }
    return s;
}

std::string raster_band(const Bitmap& b) {
    const int wb = (b.width + 7) / 8;
    std::string s{GS, 'v', '0', 0, byte(wb), byte(wb >> 8), byte(b.height), byte(b.height >> 8)};
    s += pack_rows(b);
    return s;
}

std::string cut_after_feed(int n) { return {GS, 'V', 66, byte(n)}; }

}  // namespace yimen::printer::escpos

namespace yimen::printer {

using namespace escpos;

namespace {

std::string qr_native(const std::string& payload, int module) {
    auto fn = [](int f, const std::string& params) {
        const int len = static_cast<int>(params.size()) + 2;
        return std::string{GS, '(', 'k', static_cast<char>(len & 0xFF), static_cast<char>(len >> 8), '1',
                           static_cast<char>(f)} + params;
    };
    std::string s;
    s += fn(65, std::string{'2', 0});                        // model 2
    s += fn(67, std::string(1, static_cast<char>(module)));  // module size in dots
    s += fn(69, std::string(1, '1'));                        // error correction M
    s += fn(80, "0" + payload);                              // store the data
    s += fn(81, "0");                                        // print it
    return s;
}

}  // namespace

Status encode_job(const Layout& layout, const PrinterProfile& profile, Font& font, const EncodeOptions& opt,
                  const ByteSink& sink, EncodeStats* stats) {
    EncodeStats local;
    EncodeStats& st = stats ? *stats : local;
    Gb18030 gb;
    const int dots = layout.dots();
    int index = 0;
    std::string out = init();
    if (profile.status && profile.auto_status_back) out += gs_a(kAsbMask);
    int spacing = -1, align = -1, size = -1, bold = -1;
    auto emit = [&](std::string& bytes) -> Status {
        if (bytes.empty()) return Ok{};
        ++index;
        if (opt.on_produced) opt.on_produced(index);
        st.bytes += bytes.size();
        auto r = sink(bytes);
        bytes.clear();
        return r;
    };
    for (const auto& line : layout.lines) {
        if (line.kind == Line::Kind::feed) {
            out += feed_dots(line.height);
            continue;
        }
        // A printer without a usable Chinese font (coverage none) never gets text, whatever mode was asked for.
        bool as_raster = opt.mode == Mode::raster || !profile.text_capable();
        if (!as_raster && line.kind == Line::Kind::text)
            as_raster = std::any_of(line.cells.begin(), line.cells.end(),
                                    [&](const Cell& c) { return !gb.covered(c.cp, profile.coverage); });
        if (!as_raster && line.kind == Line::Kind::qr) as_raster = !profile.native_qr || qr_needs_eci(line.qr);
        if (as_raster) {
            if (align != 0) { out += {ESC, 'a', 0}; align = 0; }
            out += raster_band(render_line(line, dots, font));
            ++st.bands;
        } else if (line.kind == Line::Kind::qr) {
            if (align != 1) { out += {ESC, 'a', 1}; align = 1; }
            out += qr_native(line.qr, line.module);
            ++st.native_qr;
        } else {
            const int a = line.align == Align::center ? 1 : line.align == Align::right ? 2 : 0;
            if (spacing != line.height) { out += {ESC, '3', static_cast<char>(line.height)}; spacing = line.height; }
            if (align != a) { out += {ESC, 'a', static_cast<char>(a)}; align = a; }
            const int sz = (line.mag - 1) * 0x11;
            if (size != sz) { out += {GS, '!', static_cast<char>(sz)}; size = sz; }
            if (bold != (line.bold ? 1 : 0)) { bold = line.bold ? 1 : 0; out += {ESC, 'E', static_cast<char>(bold)}; }
            out += {FS, '&'};
            for (const auto& c : line.cells) out += gb.encode(c.cp);
            out += {FS, '.', LF};
            ++st.text_lines;
        }
        if (auto r = emit(out); !r) return r;
    }
    if (opt.cut && profile.cutter) out += cut_after_feed(0);
    return emit(out);
}

Result<std::string> encode_to_string(const Layout& layout, const PrinterProfile& profile, Font& font, Mode mode,
                                     EncodeStats* stats) {
    std::string all;
    EncodeOptions opt;
    opt.mode = mode;
    auto r = encode_job(layout, profile, font, opt, [&](std::string_view b) -> Status {
        all.append(b);
        return Ok{};
    }, stats);
    if (!r) return r.error();
    return all;
}

}  // namespace yimen::printer
