// fonts.cpp — atlas building and swapping (see fonts.hpp).
#include "kiosk/ui/fonts.hpp"

#include <SDL.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "kiosk/model/text.hpp"

namespace yimen::kiosk {
namespace {

constexpr float kSizes[] = {28.f, 36.f, 40.f, 48.f, 56.f, 80.f};

// What every size holds from the start: the space, which is also what a glyph not in the atlas yet is drawn as.
// Everything else, digits and Latin letters included, is asked for by the frames that draw it: a screen's first frame
// notes exactly its glyphs (a few hundred at most), and one rebuild of that size is faster than rasterising a
// guessed superset up front (kiosk_bench prints both).
std::set<char32_t> base_set() { return {U' ', U'\u3000'}; }

}  // namespace

FontManager::FontManager() = default;

FontManager::~FontManager() {
    if (worker_.joinable()) worker_.join();
    if (texture_) SDL_DestroyTexture(texture_);
    delete atlas_;
    if (ttf_) munmap(const_cast<unsigned char*>(ttf_), ttf_size_);
}

float FontManager::pixel_size(FontRole r) const { return kSizes[static_cast<int>(r)]; }

void FontManager::start(const std::string& font_path, int face, std::string start_text) {
    face_ = face;
    start_text_ = std::move(start_text);
    // Mapped, not read: only the pages of the glyphs actually rasterised are ever loaded (the .ttc is 19.5 MB), and
    // they are the page cache's, shared with every other process using the font.
    int fd = ::open(font_path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size <= 0) {
        if (fd >= 0) ::close(fd);
        failed_ = true;
        return;
    }
    void* map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
        failed_ = true;
        return;
    }
    ttf_ = static_cast<const unsigned char*>(map);
    ttf_size_ = static_cast<std::size_t>(st.st_size);
    // The main font is not its own fallback.
    std::erase_if(fallbacks_, [&](const FontFile& fb) { return fb.path == font_path && fb.face == face; });
    build_async(extra_);
}

void FontManager::build_async(Sets extra) {
    if (worker_.joinable()) worker_.join();
    building_ = true;
    // Copies: the worker must not read what the main thread goes on changing.
    worker_ = std::thread([this, extra = std::move(extra), pua = pua_.originals(),
                           fallbacks = fallbacks_] {
        auto t0 = std::chrono::steady_clock::now();
        auto atlas = std::make_unique<ImFontAtlas>();
        atlas->Flags |= ImFontAtlasFlags_NoMouseCursors;
        atlas->TexDesiredWidth = 4096;

        // Base sets (base_set) everywhere; the start text (the home screen's strings) at the text sizes. Everything
        // else is what frames asked for (extra), rasterised on demand.
        const auto start = utf8::decode(start_text_);

        auto to_ranges = [](const std::set<char32_t>& s) {
            ImFontGlyphRangesBuilder b;
            for (char32_t c : s)
                if (c > 0 && c < 0x10000 && !PuaMap::reserved(c)) b.AddChar(static_cast<ImWchar>(c));
            auto v = std::make_unique<ImVector<ImWchar>>();
            b.BuildRanges(v.get());
            return v;
        };
        std::vector<std::unique_ptr<ImVector<ImWchar>>> ranges;  // alive until Build()
        ImFont* made[static_cast<int>(FontRole::count)] = {};
        for (int i = 0; i < static_cast<int>(FontRole::count); ++i) {
            auto role = static_cast<FontRole>(i);
            std::set<char32_t> want = base_set();
            if (role != FontRole::input && role != FontRole::huge) want.insert(start.begin(), start.end());
            want.insert(extra[static_cast<std::size_t>(i)].begin(), extra[static_cast<std::size_t>(i)].end());
            ranges.push_back(to_ranges(want));
            ImFontConfig cfg;
            // Debian's 1.86 copies the font data on AddFont when the atlas does not own it (19.5 MB per size,
            // measured): claim ownership so it keeps our pointer, and give it back right after Build().
            cfg.FontDataOwnedByAtlas = true;
            cfg.FontNo = face_;
            cfg.OversampleH = 1;
            cfg.OversampleV = 1;
            cfg.PixelSnapH = true;
            made[i] = atlas->AddFontFromMemoryTTF(const_cast<unsigned char*>(ttf_), static_cast<int>(ttf_size_),
                                                  kSizes[i], &cfg, ranges.back()->Data);
            // A glyph not in the atlas yet is drawn blank (not '?') for the few milliseconds until the rebuild that
            // adds it goes live.
            if (made[i]) made[i]->FallbackChar = static_cast<ImWchar>(' ');
        }
        // Stand-ins for characters outside the BMP (glyphs.hpp), only at the sizes they were shown in: a custom rect
        // each, with a 1 px empty border so nothing bleeds into a neighbour, filled after Build().
        struct Custom {
            int rect;
            GlyphImage image;
        };
        std::vector<Custom> custom;
        std::unique_ptr<GlyphRasteriser> ft;
        for (int i = 0; i < static_cast<int>(FontRole::count); ++i)
            for (char32_t c : extra[static_cast<std::size_t>(i)]) {
                if (!PuaMap::reserved(c) || c - kPuaFirst >= pua.size() || !made[i]) continue;
                if (!ft) ft = std::make_unique<GlyphRasteriser>(ttf_, ttf_size_, face_, fallbacks);
                auto image = ft->render(pua[c - kPuaFirst], kSizes[i]);
                if (!image) continue;  // no font has it: the text mapping shows □ for such characters anyway
                ImVec2 offset(static_cast<float>(image->left - 1),
                              ft->ascent(kSizes[i]) - static_cast<float>(image->top + 1));
                int rect = atlas->AddCustomRectFontGlyph(made[i], static_cast<ImWchar>(c), image->width + 2,
                                                         image->height + 2, image->advance, offset);
                custom.push_back({rect, std::move(*image)});
            }
        bool ok = atlas->Build();
        for (auto& cfg : atlas->ConfigData) cfg.FontDataOwnedByAtlas = false;  // ttf_ stays ours
        if (ok && atlas->TexPixelsAlpha8) {
            for (const auto& g : custom) {
                const ImFontAtlasCustomRect* r = atlas->GetCustomRectByIndex(g.rect);
                if (!r->IsPacked()) continue;
                for (int y = 0; y < g.image.height; ++y) {
                    auto row = static_cast<std::ptrdiff_t>(r->Y + 1 + y) * atlas->TexWidth + r->X + 1;
                    std::memcpy(atlas->TexPixelsAlpha8 + row,
                                g.image.alpha.data() + static_cast<std::ptrdiff_t>(y) * g.image.width,
                                static_cast<std::size_t>(g.image.width));
                }
            }
        }
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        if (ok) atlas->GetTexDataAsRGBA32(&px, &w, &h);
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::lock_guard lk(mu_);
        if (!ok) {
            failed_ = true;
        } else {
            built_ = std::move(atlas);
            stats_.width = w;
            stats_.height = h;
            stats_.glyphs = 0;
            for (auto* f : made) stats_.glyphs += f ? f->Glyphs.Size : 0;
            stats_.build_ms = ms;
            ++stats_.builds;
        }
        building_ = false;
    });
}

bool FontManager::poll(SDL_Renderer* renderer) {
    std::unique_ptr<ImFontAtlas> next;
    {
        std::lock_guard lk(mu_);
        next = std::move(built_);
    }
    if (!next) return false;
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    next->GetTexDataAsRGBA32(&px, &w, &h);
    SDL_Texture* tex = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, w, h);
    if (!tex) {
        failed_ = true;
        return false;
    }
    SDL_UpdateTexture(tex, nullptr, px, 4 * w);
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    next->SetTexID(reinterpret_cast<ImTextureID>(tex));
    next->ClearTexData();  // the pixels live in the texture now
    if (texture_) SDL_DestroyTexture(texture_);
    texture_ = tex;
    retired_.reset(atlas_);
    atlas_ = next.release();
    for (int i = 0; i < static_cast<int>(FontRole::count); ++i) fonts_[i] = atlas_->Fonts[i];
    // The build's scratch memory (tens of MB, freed on the worker's malloc arena) goes back to the system.
    malloc_trim(0);
    if (ImGui::GetCurrentContext()) {
        ImGui::GetIO().Fonts = atlas_;
        ImGui::GetIO().FontDefault = fonts_[static_cast<int>(FontRole::body)];
    }
    return true;
}

std::string FontManager::map_text(const std::string& s) {
    if (!needs_bmp_mapping(s)) return s;
    return map_to_bmp(s, pua_, [this](char32_t c) {
        if (!ttf_) return false;
        if (!coverage_) coverage_ = std::make_unique<GlyphRasteriser>(ttf_, ttf_size_, face_, fallbacks_);
        return coverage_->covers(c);
    });
}

bool FontManager::inspect_built(const std::function<void(const ImFontAtlas&)>& f) const {
    std::lock_guard lk(mu_);
    if (!built_) return false;
    f(*built_);
    return true;
}

void FontManager::note_missing(char32_t c, FontRole r) {
    // Outside the BMP ImWchar (16-bit in Debian's build) cannot name it: text is mapped to stand-ins first.
    if (c < 0x20 || c >= 0x10000) return;
    auto i = static_cast<std::size_t>(r);
    if (extra_[i].count(c)) return;        // asked for already (or the font lacks it): never loop
    pending_[i].insert(c);
}

void FontManager::maybe_rebuild() {
    bool any = false;
    for (auto& p : pending_) any = any || !p.empty();
    if (!any || building_ || !ttf_) return;
    {
        std::lock_guard lk(mu_);
        if (built_) return;
    }
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        extra_[i].insert(pending_[i].begin(), pending_[i].end());
        pending_[i].clear();
    }
    build_async(extra_);
}

void FontManager::wait_build() {
    while (building_) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

bool FontManager::settled() const {
    if (building_ || !atlas_) return false;
    for (const auto& p : pending_)
        if (!p.empty()) return false;
    std::lock_guard lk(mu_);
    return !built_;
}

AtlasStats FontManager::stats() const {
    std::lock_guard lk(mu_);
    return stats_;
}

}  // namespace yimen::kiosk
