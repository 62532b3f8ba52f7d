// escpos_reader.cpp — see escpos_reader.hpp. Written from the ESC/POS command reference; nothing here calls
// printer/'s encoder, layout or engine (only the Bitmap container and zbar through test_support).
#include "escpos_reader.hpp"

#include <qrencode.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "test_support.hpp"

namespace yimen::printer::test {

std::size_t ReadStream::count(const std::string& command) const {
    return static_cast<std::size_t>(std::count(commands.begin(), commands.end(), command));
}

int ReadStream::first(const std::string& command) const {
    const auto it = std::find(commands.begin(), commands.end(), command);
    return it == commands.end() ? -1 : static_cast<int>(it - commands.begin());
}

namespace {

std::string hex(std::string_view s, std::size_t at, std::size_t n) {
    std::string out;
    for (std::size_t i = at; i < at + n && i < s.size(); ++i) {
        char b[4];
        std::snprintf(b, sizeof b, "%s%02X", i > at ? " " : "", static_cast<unsigned char>(s[i]));
        out += b;
    }
    return out;
}

// The printer's state while reading.
struct Reader {
    Reader(std::string_view bytes, int d) : s(bytes), dots(d) { out.page = Bitmap(d, 0); }
    std::string_view s;
    int dots;
    ReadStream out;
    std::size_t i = 0;
    int y = 0;                 // the print position: rows of paper so far
    int align = 0;             // ESC a: 0 left, 1 centre, 2 right
    int spacing = 30;          // ESC 3 n (ESC 2: the default)
    int wmag = 1, hmag = 1;    // GS !
    bool kanji = false;        // between FS & and FS .
    int line_dots = 0;         // width of the characters waiting for LF
    int qr_module = 3, qr_ecc = 49;
    std::string qr_data;
    bool qr_stored = false;

    unsigned at(std::size_t k) const { return static_cast<unsigned char>(s[k]); }
    bool have(std::size_t n) const { return i + n <= s.size(); }
    void error(const std::string& what) { out.errors.push_back("byte " + std::to_string(i) + ": " + what); }
    void grow(int rows) {
        if (rows > out.page.height) out.page.add_blank_rows(rows - out.page.height);
    }
    int x_for(int width) const {
        if (width >= dots) return 0;
        return align == 1 ? (dots - width) / 2 : align == 2 ? dots - width : 0;
    }

    void print_line() {
        const int h = 24 * hmag;
        if (line_dots > dots) error("text line " + std::to_string(line_dots) + " dots wide on " + std::to_string(dots) + " dots");
        grow(y + std::max(spacing, h));
        const int x0 = x_for(line_dots);
        for (int yy = y; yy < y + h; ++yy)
            for (int xx = x0; xx < x0 + line_dots && xx < dots; ++xx) out.page.set(xx, yy);
        y += std::max(spacing, h);
        line_dots = 0;
    }

    void print_native_qr() {
        std::unique_ptr<QRinput, decltype(&QRinput_free)> in(
            QRinput_new2(0, qr_ecc == 48 ? QR_ECLEVEL_L : qr_ecc == 50 ? QR_ECLEVEL_Q : qr_ecc == 51 ? QR_ECLEVEL_H : QR_ECLEVEL_M),
            &QRinput_free);
        if (!in || QRinput_append(in.get(), QR_MODE_8, static_cast<int>(qr_data.size()),
                                  reinterpret_cast<const unsigned char*>(qr_data.data())) != 0) {
            error("QR data cannot be encoded");
            return;
        }
        std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeInput(in.get()), &QRcode_free);
        if (!code) {
            error("QR data cannot be encoded");
            return;
        }
        const int size = code->width * qr_module;
        if (size > dots) error("QR symbol " + std::to_string(size) + " dots wide on " + std::to_string(dots) + " dots");
        const int x0 = x_for(size);
        grow(y + size);
        for (int my = 0; my < code->width; ++my)
            for (int mx = 0; mx < code->width; ++mx)
                if (code->data[my * code->width + mx] & 1)
                    for (int dy = 0; dy < qr_module; ++dy)
                        for (int dx = 0; dx < qr_module; ++dx) out.page.set(x0 + mx * qr_module + dx, y + my * qr_module + dy);
        out.qr_symbols.push_back({x0, y, x0 + size, y + size, qr_module});
        out.native_qr.push_back(qr_data);
        y += size;
    }

    void raster(int m, int wb, int rows, std::string_view data) {
        const int sx = (m & 1) ? 2 : 1, sy = (m & 2) ? 2 : 1;
        if (wb * 8 * sx > dots) error("GS v 0 image " + std::to_string(wb * 8 * sx) + " dots wide on " + std::to_string(dots) + " dots");
        Bitmap band(std::min(wb * 8 * sx, dots), rows * sy);
        for (int r = 0; r < rows; ++r)
            for (int bx = 0; bx < wb * 8; ++bx)
                if (static_cast<unsigned char>(data[static_cast<std::size_t>(r * wb + bx / 8)]) & (0x80 >> (bx % 8)))
                    for (int dy = 0; dy < sy; ++dy)
                        for (int dx = 0; dx < sx; ++dx) band.set(bx * sx + dx, r * sy + dy);
        grow(y + band.height);
        out.page.blit(band, 0, y);
        // A band that holds a QR code: its ink box is the symbol (the encoder sends a QR line as its own band).
        if (!decode_qr(band).empty()) {
            int x0 = band.width, y0 = band.height, x1 = 0, y1 = 0;
            for (int yy = 0; yy < band.height; ++yy)
                for (int xx = 0; xx < band.width; ++xx)
                    if (band.ink(xx, yy)) {
                        x0 = std::min(x0, xx), y0 = std::min(y0, yy), x1 = std::max(x1, xx + 1), y1 = std::max(y1, yy + 1);
                    }
            int run = 0;
            while (x0 + run < band.width && band.ink(x0 + run, y0)) ++run;  // the finder pattern: 7 modules
            out.qr_symbols.push_back({x0, y + y0, x1, y + y1, run / 7});
        }
        y += band.height;
    }

    // GS ( k, cn = 49 (QR code).
    void qr_function(std::size_t len) {
        const unsigned cn = at(i + 5), fn = at(i + 6);
        const std::string name = "GS ( k " + std::to_string(fn);
        out.commands.push_back(name);
        if (cn != 49) return error("GS ( k for symbol " + std::to_string(cn) + ", not QR (49)");
        switch (fn) {
            case 65:
                if (len != 4 || (at(i + 7) != 49 && at(i + 7) != 50) || at(i + 8) != 0) error(name + ": bad model " + hex(s, i, 5 + len));
                break;
            case 67:
                if (len != 3 || at(i + 7) < 1 || at(i + 7) > 16) error(name + ": module size out of 1–16: " + hex(s, i, 5 + len));
                else qr_module = static_cast<int>(at(i + 7));
                break;
            case 69:
                if (len != 3 || at(i + 7) < 48 || at(i + 7) > 51) error(name + ": error level out of 48–51: " + hex(s, i, 5 + len));
                else qr_ecc = static_cast<int>(at(i + 7));
                break;
            case 80:
                if (len < 4 || at(i + 7) != 48) error(name + ": bad store command " + hex(s, i, 8));
                qr_data = std::string(s.substr(i + 8, len - 3));
                qr_stored = len >= 4;
                break;
            case 81:
                if (len != 3 || at(i + 7) != 48) error(name + ": bad print command " + hex(s, i, 5 + len));
                if (!qr_stored) error(name + ": prints a QR code with no data stored");
                else print_native_qr();
                break;
            case 82:
                if (len != 3) error(name + ": bad length");
                break;
            default:
                error("unknown QR function " + std::to_string(fn));
        }
    }

    // One command or character; false to stop (an unknown command: nothing after it can be trusted).
    bool step() {
        const unsigned c = at(i);
        auto unknown = [&](std::size_t n) {
            error("unknown command " + hex(s, i, n));
            return false;
        };
        auto truncated = [&](const std::string& name) {
            error(name + " cut short at the end of the stream");
            return false;
        };
        if (c == 0x10) {
            if (!have(3)) return truncated("DLE");
            if (at(i + 1) != 0x04 || at(i + 2) < 1 || at(i + 2) > 4) return unknown(3);
            out.commands.push_back("DLE EOT " + std::to_string(at(i + 2)));
            i += 3;
        } else if (c == 0x1B) {
            if (!have(2)) return truncated("ESC");
            const unsigned k = at(i + 1);
            if (k == '@' || k == '2') {
                out.commands.push_back(k == '@' ? "ESC @" : "ESC 2");
                if (k == '@') align = 0, wmag = hmag = 1, kanji = false, line_dots = 0;
                spacing = 30;
                i += 2;
                return true;
            }
            if (std::string_view("3aEJd").find(static_cast<char>(k)) == std::string_view::npos) return unknown(2);
            if (!have(3)) return truncated("ESC");
            const unsigned v = at(i + 2);
            out.commands.push_back(std::string("ESC ") + static_cast<char>(k));
            if (k == '3') spacing = static_cast<int>(v);
            if (k == 'a') {
                if (v > 2 && (v < 48 || v > 50)) error("ESC a " + std::to_string(v) + " out of range");
                align = static_cast<int>(v % 48);
            }
            if (k == 'J') y += static_cast<int>(v), grow(y);
            if (k == 'd') y += static_cast<int>(v) * spacing, grow(y);
            i += 3;
        } else if (c == 0x1C) {
            if (!have(2)) return truncated("FS");
            if (at(i + 1) == '&') {
                if (kanji) error("FS & while already in Kanji mode");
                kanji = true;
                out.commands.push_back("FS &");
                out.texts.emplace_back();
            } else if (at(i + 1) == '.') {
                if (!kanji) error("FS . outside Kanji mode");
                kanji = false;
                out.commands.push_back("FS .");
            } else {
                return unknown(2);
            }
            i += 2;
        } else if (c == 0x1D) {
            if (!have(2)) return truncated("GS");
            const unsigned k = at(i + 1);
            if (k == 'v') {
                if (!have(8)) return truncated("GS v 0");
                if (at(i + 2) != '0') return unknown(3);
                const unsigned m = at(i + 3);
                const int wb = static_cast<int>(at(i + 4) | (at(i + 5) << 8)), rows = static_cast<int>(at(i + 6) | (at(i + 7) << 8));
                out.commands.push_back("GS v 0");
                if (m > 3 && (m < 48 || m > 51)) error("GS v 0 mode " + std::to_string(m) + " out of range");
                if (wb < 1 || wb > 128 || rows < 1 || rows > 4095)
                    error("GS v 0 size " + std::to_string(wb) + " bytes × " + std::to_string(rows) + " rows out of range");
                if (line_dots > 0) error("GS v 0 in the middle of a text line");
                const std::size_t len = static_cast<std::size_t>(wb) * static_cast<std::size_t>(rows);
                if (!have(8 + len)) return truncated("GS v 0 data");
                out.band_widths.push_back(wb);
                if (wb >= 1 && rows >= 1) raster(static_cast<int>(m % 48), wb, rows, s.substr(i + 8, len));
                i += 8 + len;
            } else if (k == '(') {
                if (!have(5)) return truncated("GS (");
                const std::size_t len = at(i + 3) | (at(i + 4) << 8);
                if (at(i + 2) != 'k') return unknown(3);
                if (len < 3) {
                    error("GS ( k length " + std::to_string(len) + " too short");
                    return false;
                }
                if (!have(5 + len)) return truncated("GS ( k");
                qr_function(len);
                i += 5 + len;
            } else if (k == 'V') {
                if (!have(3)) return truncated("GS V");
                const unsigned m = at(i + 2);
                if (m == 65 || m == 66) {
                    if (!have(4)) return truncated("GS V");
                    out.commands.push_back("GS V " + std::to_string(m));
                    i += 4;
                } else if (m == 0 || m == 1 || m == 48 || m == 49) {
                    out.commands.push_back("GS V " + std::to_string(m));
                    i += 3;
                } else {
                    return unknown(3);
                }
            } else if (k == '!' || k == 'a' || k == 'r') {
                if (!have(3)) return truncated("GS");
                const unsigned v = at(i + 2);
                out.commands.push_back(std::string("GS ") + static_cast<char>(k));
                if (k == '!') {
                    if ((v & 0x88) != 0) error("GS ! " + std::to_string(v) + " out of range");
                    wmag = static_cast<int>((v >> 4) & 7) + 1;
                    hmag = static_cast<int>(v & 7) + 1;
                }
                if (k == 'r' && v != 1 && v != 2 && v != 49 && v != 50) error("GS r " + std::to_string(v) + " out of range");
                i += 3;
            } else {
                return unknown(2);
            }
        } else if (c == 0x0A) {
            print_line();
            ++i;
        } else if (c == 0x0D) {
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            return unknown(1);
        } else if (c < 0x80) {
            ++out.text_bytes;
            if (kanji) out.texts.back() += static_cast<char>(c);
            line_dots += 12 * wmag;
            ++i;
        } else {
            if (!kanji) {
                error("byte " + hex(s, i, 1) + " outside Kanji mode");
                ++i;
                return true;
            }
            // GB18030: two bytes (81–FE, 40–7E/80–FE) or four (81–FE, 30–39, 81–FE, 30–39).
            std::size_t n = 0;
            if (have(2) && c >= 0x81 && c <= 0xFE) {
                const unsigned b = at(i + 1);
                if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE)) n = 2;
                else if (b >= 0x30 && b <= 0x39 && have(4) && at(i + 2) >= 0x81 && at(i + 2) <= 0xFE && at(i + 3) >= 0x30 &&
                         at(i + 3) <= 0x39)
                    n = 4;
            }
            if (n == 0) {
                error("invalid GB18030 " + hex(s, i, 4));
                return false;
            }
            out.text_bytes += n;
            out.texts.back() += std::string(s.substr(i, n));
            line_dots += 24 * wmag;
            i += n;
        }
        return true;
    }
};

}  // namespace

ReadStream read_escpos(std::string_view bytes, int dots) {
    Reader r(bytes, dots);
    while (r.i < bytes.size() && r.step()) {
    }
    if (r.line_dots > 0) r.error("text at the end of the stream without LF (never printed)");
    if (r.kanji) r.error("Kanji mode still on at the end of the stream");
    return r.out;
}

int quiet_zone_modules(const Bitmap& page, const ReadStream::Symbol& s) {
    if (s.module <= 0) return -1;
    // Grow a frame around the symbol dot by dot until it meets ink; outside the page counts as blank paper.
    int k = 0;
    for (; k < 10 * s.module; ++k) {
        const int d = k + 1;
        bool ink = false;
        for (int y = s.y0 - d; y < s.y1 + d && !ink; ++y)
            for (int x = s.x0 - d; x < s.x1 + d && !ink; ++x) {
                const bool ring = y == s.y0 - d || y == s.y1 + d - 1 || x == s.x0 - d || x == s.x1 + d - 1;
                if (ring && page.ink(x, y)) ink = true;
            }
        if (ink) break;
    }
    return k / s.module;
}

}  // namespace yimen::printer::test
