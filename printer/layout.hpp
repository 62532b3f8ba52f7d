// layout.hpp — a Document laid out on the printer's cell grid (Font A: 12×24 dots half width, 24×24 full width,
// double size = both doubled): 32 or 48 half-width columns. Text mode prints exactly these lines with the
// printer's font, raster mode draws them, and the virtual printer redraws what it decodes with the same code.
#pragma once
#include <string>
#include <vector>

#include "base/result.hpp"
#include "printer/bitmap.hpp"
#include "printer/document.hpp"
#include "printer/font.hpp"
#include "printer/profile.hpp"

namespace yimen::printer {

inline constexpr int kCellH = 24;       // dots
inline constexpr int kHalfCellW = 12;   // dots
inline constexpr int kLineGap = 6;      // dots between text lines (ESC 3 n = 24·mag + gap)
inline constexpr int kQrQuiet = 12;     // blank dots fed above and below a QR code

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
    PaperWidth paper = PaperWidth::mm80;
    std::vector<Line> lines;
    int dots() const { return paper_dots(paper); }
    int total_height() const;
};

int cell_cols(char32_t cp);  // 1 for ASCII, else 2 (GB18030 2-byte characters are full width)
int qr_module_for(PaperWidth p);
Layout layout_document(const Document& d, PaperWidth paper);

struct QrMatrix {
    int width = 0;
    std::vector<std::uint8_t> dark;  // width × width
};
// ECC level M, byte mode; a non-ASCII payload gets an ECI 26 (UTF-8) header so readers decode it as UTF-8.
Result<QrMatrix> make_qr(const std::string& payload);
bool qr_needs_eci(const std::string& payload);

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
