// bitmap.hpp — a 1-bit-per-dot picture of paper (one byte per dot for simplicity), PNG in and out, and the
// packed row format of `GS v 0`.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace yimen::printer {

struct Bitmap {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> px;  // 1 = ink

    Bitmap() = default;
    Bitmap(int w, int h) : width(w), height(h), px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0) {}
    bool ink(int x, int y) const {
        return x >= 0 && y >= 0 && x < width && y < height && px[static_cast<std::size_t>(y * width + x)];
    }
    void set(int x, int y) {
        if (x >= 0 && y >= 0 && x < width && y < height) px[static_cast<std::size_t>(y * width + x)] = 1;
    }
    void blit(const Bitmap& src, int x, int y);  // ORs src in at (x, y), clipped
    void append(const Bitmap& band);             // adds band's rows below (band no wider than this)
    void add_blank_rows(int rows);
};

Status write_png(const Bitmap& b, const std::string& path);
Result<Bitmap> read_png(const std::string& path);
// GS v 0 rows: MSB first, 1 = ink, ceil(width/8) bytes a row.
std::string pack_rows(const Bitmap& b);
Bitmap unpack_rows(std::string_view data, int width_bytes, int rows);
// Dots that differ (pictures of different size: every dot of the larger counts).
std::size_t diff_dots(const Bitmap& a, const Bitmap& b);

}  // namespace yimen::printer
