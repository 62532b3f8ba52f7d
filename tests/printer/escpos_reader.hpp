// escpos_reader.hpp — an ESC/POS stream reader written for the tests from the command reference, sharing no code
// with printer/'s encoder or the virtual printer's engine. It walks a whole stream (status queries, job, cut,
// acknowledgement), lists every command, checks each one's length and parameters, and draws the paper the way a
// printer would: raster bands as sent, native QR codes re-encoded with libqrencode from the stored data and the
// module size / error level the stream asked for, and each text line as a solid box over its character cells (so
// anything printed too close to a QR code shows up as ink in its quiet zone).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "printer/bitmap.hpp"

namespace yimen::printer::test {

struct ReadStream {
    std::vector<std::string> errors;    // unknown commands, bad lengths or parameters, stray bytes; empty = clean
    std::vector<std::string> commands;  // in order: "ESC @", "GS a", "FS &", "GS v 0", "GS ( k 80", "GS V 66", …
    std::vector<std::string> texts;     // the bytes of each FS & … FS . segment
    std::size_t text_bytes = 0;         // printable bytes sent as text (inside or outside FS & … FS .)
    std::vector<int> band_widths;       // GS v 0: bytes across
    std::vector<std::string> native_qr; // payloads printed with GS ( k
    Bitmap page;                        // the paper, dots wide
    // Every QR symbol on the page: its box in dots and module size, for the quiet-zone check.
    struct Symbol {
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // ink box, x1/y1 exclusive
        int module = 0;
    };
    std::vector<Symbol> qr_symbols;

    std::size_t count(const std::string& command) const;
    // Index of the first occurrence, or -1.
    int first(const std::string& command) const;
};

ReadStream read_escpos(std::string_view bytes, int dots);

// Blank dots around the symbol on each side (the smallest of the four), in modules; -1 if it touches the page edge.
int quiet_zone_modules(const Bitmap& page, const ReadStream::Symbol& s);

}  // namespace yimen::printer::test
