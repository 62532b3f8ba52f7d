// bitmap.cpp — pixels, PNG through the system stb (libstb has stbi_write_png and stbi_load compiled in).
#include "printer/bitmap.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>

namespace yimen::printer {

void Bitmap::blit(const Bitmap& src, int x, int y) {
    for (int sy = 0; sy < src.height; ++sy) {
        const int ty = y + sy;
        if (ty < 0 || ty >= height) continue;
        for (int sx = 0; sx < src.width; ++sx) {
            const int tx = x + sx;
            if (tx < 0 || tx >= width) continue;
            if (src.px[static_cast<std::size_t>(sy * src.width + sx)]) px[static_cast<std::size_t>(ty * width + tx)] = 1;
        }
    }
}

void Bitmap::add_blank_rows(int rows) {
    if (rows <= 0) return;
    height += rows;
    px.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
}

void Bitmap::append(const Bitmap& band) {
    const int y = height;
    add_blank_rows(band.height);
    blit(band, 0, y);
}

Status write_png(const Bitmap& b, const std::string& path) {
    std::vector<std::uint8_t> gray(b.px.size());
    std::transform(b.px.begin(), b.px.end(), gray.begin(), [](std::uint8_t v) { return v ? 0 : 255; });
    const int w = std::max(b.width, 1), h = std::max(b.height, 1);
    if (b.px.empty()) gray.assign(static_cast<std::size_t>(w * h), 255);
    if (!stbi_write_png(path.c_str(), w, h, 1, gray.data(), w))
        return Error{"write_failed", "无法写入图片 " + path + "，请检查目录是否存在、磁盘是否已满。"};
    return Ok{};
}

Result<Bitmap> read_png(const std::string& path) {
    int w = 0, h = 0, n = 0;
    unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 1);
    if (!data) return Error{"read_failed", "无法读取图片 " + path + "。"};
    Bitmap b(w, h);
    for (std::size_t i = 0; i < b.px.size(); ++i) b.px[i] = data[i] < 128 ? 1 : 0;
    stbi_image_free(data);
    return b;
}

std::string pack_rows(const Bitmap& b) {
    const int wb = (b.width + 7) / 8;
    std::string out(static_cast<std::size_t>(wb * b.height), '\0');
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x)
            if (b.px[static_cast<std::size_t>(y * b.width + x)])
                out[static_cast<std::size_t>(y * wb + x / 8)] |= static_cast<char>(0x80 >> (x % 8));
    return out;
}

Bitmap unpack_rows(std::string_view data, int width_bytes, int rows) {
    Bitmap b(width_bytes * 8, rows);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < width_bytes * 8; ++x) {
            const auto i = static_cast<std::size_t>(y * width_bytes + x / 8);
            if (i < data.size() && (static_cast<unsigned char>(data[i]) & (0x80 >> (x % 8)))) b.set(x, y);
        }
    return b;
}

std::size_t diff_dots(const Bitmap& a, const Bitmap& b) {
    const int w = std::max(a.width, b.width), h = std::max(a.height, b.height);
    std::size_t d = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            if (a.ink(x, y) != b.ink(x, y) || x >= std::min(a.width, b.width) || y >= std::min(a.height, b.height)) ++d;
    return d;
}

}  // namespace yimen::printer
