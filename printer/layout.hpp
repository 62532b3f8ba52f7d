// layout.hpp — a Document laid out on the printer's cell grid (Font A: 12×24 dots half width, 24×24 full width,
// double size = both doubled): 32, 42 or 48 half-width columns (384, 512 or 576 dots). Text mode prints exactly these lines with the
// printer's font, raster mode draws them, and the virtual printer redraws what it decodes with the same code.
#pragma once
#include <string>
#include <vector>

#include "base/result.hpp"
#include "printer/bitmap.hpp"
#include "printer/document.hpp"
#include "printer/font.hpp"
#include "printer/profile.hpp"
#include "base/qr.hpp"

namespace yimen::printer {

inline constexpr int kCellH = 24;       // dots
inline constexpr int kHalfCellW = 12;   // dots
inline constexpr int kLineGap = 6;      // dots between text lines (ESC 3 n = 24·mag + gap)
inline constexpr int kQrQuietModules = 4;  // blank modules around a QR code on every side (ISO/IEC 18004)

struct Cell {
    char32_t cp = U' ';
    int cols = 1;  // 1 = half width (single byte), 2 = full width; before magnification
};

struct Line {
    enum class Kind { text, qr, feed };
    Kind kind = Kind::text;
    std::vector<Cell> cells;  // text
    int mag = 1;
    bool bold = false;
    Align align = Align::left;
    std::string qr;           // QR payload
    int module = 4;           // QR dots per module
    int height = 0;           // dots the paper advances for this line
};

struct Layout {
    int dots_across = 576;    // printable dots: 384, 512 or 576
    std::vector<Line> lines;
    int dots() const { return dots_across; }
    int columns() const { return dots_columns(dots_across); }
    int total_height() const;
};

int cell_cols(char32_t cp);  // 1 for ASCII, else 2 (GB18030 2-byte characters are full width)
int qr_module_for(int dots); // dots per QR module: 5 on 58 mm, 6 on 80 mm
// List items start with this bullet (U+00B7, GB2312 A1 A4: text on every font; ・ U+30FB would be 4 bytes).
inline constexpr const char* kBullet = "· ";
Layout layout_document(const Document& d, int dots);
inline Layout layout_document(const Document& d, PaperWidth paper) { return layout_document(d, paper_dots(paper)); }

// QR matrices come from base/qr.hpp (ECC level M, byte mode, ECI 26 only for a non-ASCII payload), the one
// implementation the kiosk's screen uses too.
using QrMatrix = qr::Matrix;
inline Result<QrMatrix> make_qr(const std::string& payload) { return qr::encode(payload); }
inline bool qr_needs_eci(const std::string& payload) { return qr::needs_eci(payload); }

// Width in dots of a text line as printed (cells × cell width × magnification).
int text_width(const Line& l);
int align_offset(Align a, int line_width, int paper_dots);
// Draws a text or QR line with its top at y. Feeds draw nothing.
void draw_line(Bitmap& target, int y, const Line& l, Font& font);
// The line alone as a full-width band of l.height rows.
Bitmap render_line(const Line& l, int dots, Font& font);
// The whole receipt as the paper will look (the preview).
Bitmap render_layout(const Layout& layout, Font& font);

}  // namespace yimen::printer
