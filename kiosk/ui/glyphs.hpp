// glyphs.hpp — characters outside the Basic Multilingual Plane on screen (RECIPES.md §10 1d). Debian's ImGui 1.86
// has a 16-bit ImWchar, so 𠮷 (U+20BB7) and the other Ext B–G characters of people's names cannot be atlas glyphs. Each
// one seen gets a stand-in code point in a Private Use Area range that Noto Sans CJK leaves empty; the atlas build
// (fonts.cpp) adds a custom glyph there whose pixels FreeType rasterises from the real character.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace yimen::kiosk {

// U+E000–U+E1FF: Noto Sans CJK (every face of the .ttc) and WenQuanYi Micro Hei map nothing in the PUA (checked with
// FreeType's cmap walk), so these never shadow a real glyph. 512 distinct characters are far more than a hall sees.
inline constexpr char32_t kPuaFirst = 0xE000;
inline constexpr std::size_t kPuaCount = 0x200;

// Stand-ins, allocated on first sight and kept for the process: a character keeps its stand-in, so text measured
// in one frame and drawn in the next agree, and the atlas never has to forget one.
class PuaMap {
public:
    // The stand-in for `c`, or 0 when the range is used up.
    char32_t assign(char32_t c);
    // The character a stand-in draws, or 0 when `pua` stands for nothing (yet).
    char32_t original(char32_t pua) const;
    static bool reserved(char32_t c) { return c >= kPuaFirst && c < kPuaFirst + kPuaCount; }
    // originals()[i] is the character behind kPuaFirst + i (a copy for the atlas worker).
    const std::vector<char32_t>& originals() const { return from_; }

private:
    std::unordered_map<char32_t, char32_t> to_;
    std::vector<char32_t> from_;
};

// True when `utf8` holds a 4-byte sequence or something in the reserved range: only then is mapping needed.
bool needs_bmp_mapping(std::string_view utf8);

// The text as Debian's ImGui can draw it: every character outside the BMP becomes its stand-in when `drawable` says
// some font has it (and the range has room), else □; a code point that already lies in the reserved range becomes □
// too, so stray input can never show a character someone else typed.
std::string map_to_bmp(std::string_view utf8, PuaMap& map, const std::function<bool(char32_t)>& drawable);

// A font file for FreeType; `face` indexes a collection (.ttc).
struct FontFile {
    std::string path;
    int face = 0;
};

// The fallbacks tried, in order, for a character the kiosk's font lacks. Noto Sans CJK SC (fonts-noto-cjk) serves a
// kiosk configured with another font; BabelStone Han (fonts-babelstone-han, 50 MB installed, so not in
// scripts/packages.txt) covers far more of Ext B–G when a hall installs it. Files that are absent are skipped. On a
// stock kiosk with Noto as its font nothing else installed covers more (Noto's Sans and Serif faces share one plane-2
// cmap; WenQuanYi has none): a character Noto lacks stays □.
std::vector<FontFile> default_fallback_fonts();

// One rendered character, placed the way ImGui's stb_truetype builder places its glyphs.
struct GlyphImage {
    int width = 0;
    int height = 0;
    int left = 0;        // pen position to the bitmap's left column
    int top = 0;         // baseline to the bitmap's top row, up positive
    float advance = 0;   // rounded, as the atlas' PixelSnapH fonts have it
    std::vector<unsigned char> alpha;  // width × height coverage, row by row
};

// FreeType faces: the kiosk's font from memory (the atlas' own copy: `data` must outlive this) and the fallbacks from
// their files, opened on first need. Not thread-safe: each thread makes its own.
class GlyphRasteriser {
public:
    GlyphRasteriser(const unsigned char* data, std::size_t size, int face, std::vector<FontFile> fallbacks);
    ~GlyphRasteriser();
    GlyphRasteriser(const GlyphRasteriser&) = delete;
    GlyphRasteriser& operator=(const GlyphRasteriser&) = delete;

    bool ok() const;
    // Some face (the font or a fallback) has a glyph for `c`.
    bool covers(char32_t c);
    // The line's ascent at `size` px exactly as ImGui 1.86 computes it for the atlas font, so a custom glyph's
    // offset puts it on the same baseline.
    float ascent(float size) const;
    // `c` at the atlas' pixel size `size` (ImGui's: ascent − descent = size), nullopt when no face has it.
    std::optional<GlyphImage> render(char32_t c, float size);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace yimen::kiosk
