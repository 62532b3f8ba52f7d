// glyphs.cpp — PUA stand-ins and their FreeType rendering (see glyphs.hpp).
#include "kiosk/ui/glyphs.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H

#include <cmath>
#include <filesystem>

#include "kiosk/model/text.hpp"

namespace yimen::kiosk {

char32_t PuaMap::assign(char32_t c) {
    if (auto it = to_.find(c); it != to_.end()) return it->second;
    if (from_.size() >= kPuaCount) return 0;
    char32_t pua = kPuaFirst + static_cast<char32_t>(from_.size());
    from_.push_back(c);
    to_.emplace(c, pua);
    return pua;
}

char32_t PuaMap::original(char32_t pua) const {
    if (!reserved(pua)) return 0;
    std::size_t i = pua - kPuaFirst;
    return i < from_.size() ? from_[i] : 0;
}

bool needs_bmp_mapping(std::string_view utf8) {
    // 0xF0–0xF4 lead every 4-byte sequence; 0xEE leads U+E000–U+EFFF, which holds the reserved range.
    for (char ch : utf8) {
        auto b = static_cast<unsigned char>(ch);
        if (b >= 0xF0 || b == 0xEE) return true;
    }
    return false;
}

std::string map_to_bmp(std::string_view utf8, PuaMap& map, const std::function<bool(char32_t)>& drawable) {
    if (!needs_bmp_mapping(utf8)) return std::string(utf8);
    std::string out;
    out.reserve(utf8.size());
    for (char32_t c : utf8::decode(utf8)) {
        if (PuaMap::reserved(c)) {
            c = U'□';
        } else if (c >= 0x10000) {
            char32_t pua = drawable(c) ? map.assign(c) : 0;
            c = pua ? pua : U'□';
        }
        out += utf8::encode(c);
    }
    return out;
}

std::vector<FontFile> default_fallback_fonts() {
    return {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
            {"/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf", 0}};
}

struct GlyphRasteriser::Impl {
    FT_Library lib = nullptr;
    FT_Face main = nullptr;
    int hhea_ascent = 0;   // font units, from the table stb_truetype reads
    int hhea_descent = 0;
    struct Fallback {
        FontFile file;
        FT_Face face = nullptr;
        bool tried = false;
    };
    std::vector<Fallback> fallbacks;

    ~Impl() {
        for (auto& f : fallbacks)
            if (f.face) FT_Done_Face(f.face);
        if (main) FT_Done_Face(main);
        if (lib) FT_Done_FreeType(lib);
    }

    FT_Face fallback(std::size_t i) {
        auto& f = fallbacks[i];
        if (!f.tried) {
            f.tried = true;
            std::error_code ec;
            if (std::filesystem::is_regular_file(f.file.path, ec) &&
                FT_New_Face(lib, f.file.path.c_str(), f.file.face, &f.face) != 0)
                f.face = nullptr;
        }
        return f.face;
    }

    // The face that draws `c` and its glyph index: the font first, then the fallbacks in order.
    FT_Face face_for(char32_t c, FT_UInt& index) {
        if (main && (index = FT_Get_Char_Index(main, c)) != 0) return main;
        for (std::size_t i = 0; i < fallbacks.size(); ++i) {
            FT_Face f = fallback(i);
            if (f && (index = FT_Get_Char_Index(f, c)) != 0) return f;
        }
        return nullptr;
    }
};

GlyphRasteriser::GlyphRasteriser(const unsigned char* data, std::size_t size, int face, std::vector<FontFile> fallbacks)
    : impl_(std::make_unique<Impl>()) {
    if (FT_Init_FreeType(&impl_->lib) != 0) {
        impl_->lib = nullptr;
        return;
    }
    if (data && size > 0 &&
        FT_New_Memory_Face(impl_->lib, data, static_cast<FT_Long>(size), face, &impl_->main) == 0) {
        if (auto* hhea = static_cast<TT_HoriHeader*>(FT_Get_Sfnt_Table(impl_->main, FT_SFNT_HHEA))) {
            impl_->hhea_ascent = hhea->Ascender;
            impl_->hhea_descent = hhea->Descender;
        }
        if (impl_->hhea_ascent - impl_->hhea_descent <= 0) {
            impl_->hhea_ascent = impl_->main->ascender;
            impl_->hhea_descent = impl_->main->descender;
        }
    } else {
        impl_->main = nullptr;
    }
    for (auto& f : fallbacks) impl_->fallbacks.push_back({std::move(f), nullptr, false});
}

GlyphRasteriser::~GlyphRasteriser() = default;

bool GlyphRasteriser::ok() const { return impl_->main != nullptr && impl_->hhea_ascent - impl_->hhea_descent > 0; }

bool GlyphRasteriser::covers(char32_t c) {
    if (!impl_->lib) return false;
    FT_UInt index = 0;
    return impl_->face_for(c, index) != nullptr;
}

float GlyphRasteriser::ascent(float size) const {
    if (!ok()) return 0;
    // imgui_draw.cpp (1.86, stb_truetype builder): scale = size / (ascent − descent), Ascent = floor(a·scale ± 1).
    float scale = size / static_cast<float>(impl_->hhea_ascent - impl_->hhea_descent);
    float a = static_cast<float>(impl_->hhea_ascent);
    return std::floor(a * scale + (a > 0 ? 1.f : -1.f));
}

std::optional<GlyphImage> GlyphRasteriser::render(char32_t c, float size) {
    if (!ok()) return std::nullopt;
    FT_UInt index = 0;
    FT_Face face = impl_->face_for(c, index);
    if (!face) return std::nullopt;
    // The em of ImGui's scale for the kiosk's font; a fallback gets the same em so its characters match in size.
    double em = static_cast<double>(size) * impl_->main->units_per_EM /
                static_cast<double>(impl_->hhea_ascent - impl_->hhea_descent);
    if (FT_Set_Char_Size(face, 0, static_cast<FT_F26Dot6>(std::lround(em * 64.0)), 72, 72) != 0) return std::nullopt;
    // Unhinted, like stb_truetype, so the character has the same weight as its neighbours.
    if (FT_Load_Glyph(face, index, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP | FT_LOAD_RENDER) != 0) return std::nullopt;
    const FT_GlyphSlot slot = face->glyph;
    const FT_Bitmap& bm = slot->bitmap;
    if (bm.pixel_mode != FT_PIXEL_MODE_GRAY || bm.pitch < 0) return std::nullopt;
    GlyphImage img;
    img.width = static_cast<int>(bm.width);
    img.height = static_cast<int>(bm.rows);
    img.left = slot->bitmap_left;
    img.top = slot->bitmap_top;
    img.advance = std::round(static_cast<float>(slot->linearHoriAdvance) / 65536.f);
    img.alpha.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height));
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            unsigned v = bm.buffer[static_cast<std::ptrdiff_t>(y) * bm.pitch + x];
            // FreeType may use fewer grey levels than 256; stretch to the atlas' 0–255.
            if (bm.num_grays != 256 && bm.num_grays > 1) v = v * 255u / static_cast<unsigned>(bm.num_grays - 1);
            img.alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)] =
                static_cast<unsigned char>(v);
        }
    return img;
}

}  // namespace yimen::kiosk
