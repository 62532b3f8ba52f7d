// font.cpp — FreeType rasterising of Noto Sans CJK SC (or any configured face) into cell bitmaps.
#include "printer/font.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>

namespace yimen::printer {

struct Font::Impl {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    ~Impl() {
        if (face) FT_Done_Face(face);
        if (lib) FT_Done_FreeType(lib);
    }
};

Font::~Font() = default;

Result<std::shared_ptr<Font>> Font::shared(const FontConfig& cfg) {
    static std::mutex registry_mu;
    static std::map<std::pair<std::string, int>, std::weak_ptr<Font>> registry;
    std::lock_guard lock(registry_mu);
    auto& slot = registry[{cfg.path, cfg.face_index}];
    if (auto f = slot.lock()) return f;
    std::shared_ptr<Font> f(new Font());
    f->impl_ = std::make_unique<Impl>();
    if (FT_Init_FreeType(&f->impl_->lib))
        return Error{"font", "字体引擎无法启动，请联系技术人员。"};
    if (FT_New_Face(f->impl_->lib, cfg.path.c_str(), cfg.face_index, &f->impl_->face))
        return Error{"font", "找不到打印用的中文字体 " + cfg.path + "，请安装 fonts-noto-cjk 或在设置中指定字体文件。"};
    slot = f;
    return f;
}

bool Font::has_glyph(char32_t cp) {
    std::lock_guard lock(mu_);
    return FT_Get_Char_Index(impl_->face, cp) != 0;
}

const Bitmap& Font::cell(char32_t cp, int w, int h) {
    std::lock_guard lock(mu_);
    const auto key = std::make_tuple(cp, w, h);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    Bitmap out(w, h);
    FT_Face face = impl_->face;
    const FT_UInt index = FT_Get_Char_Index(face, cp);
    if (cp == U' ' || cp == 0x3000) {
        // blank cell
    } else if (index == 0) {
        const int m = std::max(1, w / 6);
        for (int x = m; x < w - m; ++x) { out.set(x, h / 8); out.set(x, h - h / 8 - 1); }
        for (int y = h / 8; y < h - h / 8; ++y) { out.set(m, y); out.set(w - m - 1, y); }
    } else {
        FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(h));
        FT_Set_Transform(face, nullptr, nullptr);
        double scale = 1.0;
        if (!FT_Load_Glyph(face, index, FT_LOAD_DEFAULT)) {
            const double adv = static_cast<double>(face->glyph->advance.x) / 64.0;
            if (adv > w) scale = w / adv;
        }
        FT_Matrix m{static_cast<FT_Fixed>(scale * 65536.0), 0, 0, 0x10000};
        FT_Set_Transform(face, &m, nullptr);
        if (!FT_Load_Glyph(face, index, FT_LOAD_RENDER | FT_LOAD_NO_BITMAP)) {
            const FT_GlyphSlot g = face->glyph;
            const double adv = static_cast<double>(g->advance.x) / 64.0;
            const int x0 = static_cast<int>((w - adv) / 2.0 + 0.5) + g->bitmap_left;
            const int baseline = h * 7 / 8;
            const int y0 = baseline - g->bitmap_top;
            const auto& bm = g->bitmap;
            for (unsigned r = 0; r < bm.rows; ++r)
                for (unsigned c = 0; c < bm.width; ++c) {
                    const unsigned char v = bm.buffer[static_cast<std::ptrdiff_t>(r) * bm.pitch + c];
                    if (v >= 128) out.set(x0 + static_cast<int>(c), y0 + static_cast<int>(r));
                }
        }
        FT_Set_Transform(face, nullptr, nullptr);
    }
    return cache_.emplace(key, std::move(out)).first->second;
}

}  // namespace yimen::printer
