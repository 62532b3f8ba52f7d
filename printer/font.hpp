// font.hpp — FreeType glyphs drawn into printer cells (12×24 or 24×24 dots, magnified), shared by the preview,
// the raster encoder and the virtual printer so all three produce the same dots. Thread-safe.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "base/result.hpp"
#include "printer/bitmap.hpp"
#include "printer/profile.hpp"

namespace yimen::printer {

class Font {
public:
    ~Font();
    Font(const Font&) = delete;
    Font& operator=(const Font&) = delete;

    // One Font per (path, face) for the whole process: the .ttc is large and glyphs are cached.
    static Result<std::shared_ptr<Font>> shared(const FontConfig& cfg);

    // The glyph inside a cell of w×h dots: narrowed to fit when wider, baseline at 7/8 of the height.
    // A character the font lacks comes back as an empty box so it is visibly missing, never silently dropped.
    const Bitmap& cell(char32_t cp, int w, int h);
    bool has_glyph(char32_t cp);

private:
    Font() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::mutex mu_;
    std::map<std::tuple<char32_t, int, int>, Bitmap> cache_;
};

}  // namespace yimen::printer
