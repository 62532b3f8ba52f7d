// fonts.hpp — the glyph atlas (RECIPES.md §10 1c–1d), rasterised on demand. Noto Sans CJK SC is mapped, not read.
// The start atlas holds the space at every size and the start text at the text sizes (the kiosk passes none): it
// builds in a few milliseconds. Every character a frame draws and the atlas lacks is noted (note_missing) and the
// atlas is rebuilt with it on a worker; until the rebuild goes live the character is blank. So the home screen's
// first frame asks for exactly its ~150 glyphs and the next one draws them, instead of the first frame waiting for
// thousands of glyphs nobody looks at (the old GB2312 atlas: 9,646 glyphs, 4096 × 2048, ~1.5 s, 32 MB of texture).
// Building is CPU work on a worker thread; only the texture upload runs on the main thread. Characters outside the
// BMP are drawn through PUA stand-ins whose glyphs FreeType rasterises into the atlas (glyphs.hpp).
//
// Why on demand, and not the other options (figures from kiosk_bench on this 2-core machine under load):
// - the old start (UI strings at four sizes, then GB2312 at body size): 9,646 glyphs, 4096 × 2048, ~1.5 s on a
//   worker and a 32 MB RGBA texture; idle PSS 97 MB. On demand: the home screen is 121 glyphs, 4096 × 64, in two
//   builds (the second ~20 ms), first complete home frame ~85 ms; idle PSS ~38 MB (~56 MB after a whole intake).
// - an atlas cached on disk (keyed by font file, size and glyph set, loaded as pixels) would save that ~20 ms build
//   but not the on-demand rebuilds, which are still needed for every name and candidate; ImGui 1.86 has no API to
//   load glyph tables, so it would mean filling ImFont's internals by hand, plus invalidating the cache. Not worth it.
// - the cost of on demand: a character new to the atlas is blank for one rebuild (20–50 ms on a worker); a full
//   session (bench: the policy search, a whole intake typed in pinyin) ends with ~1,100 glyphs in a 4096 × 256 atlas.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/ui/glyphs.hpp"

struct ImFont;
struct ImFontAtlas;
struct SDL_Renderer;
struct SDL_Texture;

namespace yimen::kiosk {

enum class FontRole { small = 0, body, input, header, title, huge, count };

struct AtlasStats {
    int width = 0;
    int height = 0;
    int glyphs = 0;
    double build_ms = 0;
    int builds = 0;
};

class FontManager {
public:
    FontManager();
    ~FontManager();
    FontManager(const FontManager&) = delete;
    FontManager& operator=(const FontManager&) = delete;

    // Fonts for characters the kiosk's font lacks (default: default_fallback_fonts()); before start().
    void set_fallback_fonts(std::vector<FontFile> files) { fallbacks_ = std::move(files); }
    // Maps the font file and starts the first build; `start_text` is what the first screen shows (its glyphs are in
    // the start atlas at every text size).
    void start(const std::string& font_path, int face, std::string start_text);
    // Main thread, once per loop: uploads a finished build and swaps it in. True when a new atlas is live.
    bool poll(SDL_Renderer* renderer);
    bool ready() const { return atlas_ != nullptr; }
    ImFontAtlas* atlas() const { return atlas_; }
    ImFont* font(FontRole r) const { return fonts_[static_cast<int>(r)]; }
    float pixel_size(FontRole r) const;
    // A character some text wanted at a size and did not find: the next rebuild adds it.
    void note_missing(char32_t c, FontRole r);
    // The text as the atlas can draw it: characters outside the BMP become PUA stand-ins (□ when no font has them).
    // Main thread. Draw and measure only mapped text, and never map it twice.
    std::string map_text(const std::string& s);
    // The character a stand-in draws, or 0.
    char32_t pua_original(char32_t pua) const { return pua_.original(pua); }
    // Tests and the bench: `f` sees the finished atlas still waiting for upload (poll() clears its pixels). False
    // when there is none.
    bool inspect_built(const std::function<void(const ImFontAtlas&)>& f) const;
    // Starts a rebuild if glyphs are missing and none is running.
    void maybe_rebuild();
    bool building() const { return building_.load(); }
    // Waits for the current build (tests, bench).
    void wait_build();
    // Every glyph asked for is in the live atlas: nothing pending, building or waiting for upload. After a frame, true
    // means that frame drew all its text (kiosk_bench's "first complete frame").
    bool settled() const;
    AtlasStats stats() const;
    bool failed() const { return failed_.load(); }

private:
    using Sets = std::vector<std::set<char32_t>>;
    void build_async(Sets extra);

    const unsigned char* ttf_ = nullptr;  // the font file, mapped read-only
    std::size_t ttf_size_ = 0;
    int face_ = 2;
    std::vector<FontFile> fallbacks_ = default_fallback_fonts();
    PuaMap pua_;                               // main thread; each build gets a copy of its table
    std::unique_ptr<GlyphRasteriser> coverage_;  // main thread, on the first non-BMP character (reads ttf_)
    std::string start_text_;
    Sets extra_ = Sets(static_cast<int>(FontRole::count));    // glyphs asked for beyond the base sets, per size
    Sets pending_ = Sets(static_cast<int>(FontRole::count));  // missing since the last rebuild started
    ImFontAtlas* atlas_ = nullptr;       // live (main thread)
    ImFont* fonts_[static_cast<int>(FontRole::count)] = {};
    SDL_Texture* texture_ = nullptr;

    mutable std::mutex mu_;
    std::unique_ptr<ImFontAtlas> built_; // finished, waiting for upload
    std::thread worker_;
    std::atomic<bool> building_{false};
    std::atomic<bool> failed_{false};
    AtlasStats stats_;
    std::unique_ptr<ImFontAtlas> retired_;  // the previous atlas, freed one swap later
};

}  // namespace yimen::kiosk
