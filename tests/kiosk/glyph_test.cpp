// glyph_test.cpp — characters outside the BMP on the kiosk screen (kiosk/ui/glyphs.hpp): the text mapping to PUA
// stand-ins, their FreeType pixels in the atlas on the font's baseline, and 𠮷 drawn end to end through the theme and
// the renderer, not as □.
#include <catch2/catch.hpp>

#include <SDL.h>
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "kiosk/model/config.hpp"
#include "kiosk/model/text.hpp"
#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/glyphs.hpp"
#include "kiosk/ui/input.hpp"
#include "kiosk/ui/render.hpp"
#include "kiosk/ui/theme.hpp"

using namespace yimen;
using namespace yimen::kiosk;

namespace {

constexpr char32_t kJi = 0x20BB7;  // 𠮷, in Noto Sans CJK SC

const std::string& noto_path() {
    static const std::string p = KioskConfig{}.font_path;
    return p;
}
int noto_face() { return KioskConfig{}.font_face; }

// A software renderer on a plain surface: poll() uploads the atlas to it and the pixels can be read back.
struct Canvas {
    int w, h;
    SDL_Surface* surface = nullptr;
    SDL_Renderer* renderer = nullptr;
    Canvas(int width, int height) : w(width), h(height) {
        surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
        renderer = SDL_CreateSoftwareRenderer(surface);
    }
    ~Canvas() {
        if (renderer) SDL_DestroyRenderer(renderer);
        if (surface) SDL_FreeSurface(surface);
    }
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;
    Uint32 at(int x, int y) const {
        return static_cast<const Uint32*>(surface->pixels)[static_cast<std::ptrdiff_t>(y) * surface->pitch / 4 + x];
    }
};

// Lets the start build and any rebuild the test asked for finish and go live.
void settle(FontManager& fm, SDL_Renderer* r) {
    for (int i = 0; i < 8; ++i) {
        fm.wait_build();
        bool swapped = fm.poll(r);
        if (!swapped && !fm.building()) break;
    }
}

// A glyph's coverage as stored in the atlas.
struct Pixels {
    int w = 0, h = 0;
    std::vector<int> a;
    long sum() const {
        long s = 0;
        for (int v : a) s += v;
        return s;
    }
    int inked() const {
        int n = 0;
        for (int v : a) n += v > 128;
        return n;
    }
};

Pixels glyph_pixels(const ImFontAtlas& atlas, const ImFontGlyph* g) {
    Pixels p;
    int x0 = static_cast<int>(std::lround(g->U0 * static_cast<float>(atlas.TexWidth)));
    int y0 = static_cast<int>(std::lround(g->V0 * static_cast<float>(atlas.TexHeight)));
    int x1 = static_cast<int>(std::lround(g->U1 * static_cast<float>(atlas.TexWidth)));
    int y1 = static_cast<int>(std::lround(g->V1 * static_cast<float>(atlas.TexHeight)));
    p.w = x1 - x0;
    p.h = y1 - y0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            std::ptrdiff_t i = static_cast<std::ptrdiff_t>(y) * atlas.TexWidth + x;
            p.a.push_back(atlas.TexPixelsAlpha8 ? atlas.TexPixelsAlpha8[i] : atlas.TexPixelsRGBA32[i] >> 24);
        }
    return p;
}

// The ImGui context the kiosk would have, on the manager's atlas; gone even when a check fails.
struct Context {
    ImGuiContext* ctx;
    explicit Context(FontManager& fm) : ctx(ImGui::CreateContext(fm.atlas())) {
        ImGui::GetIO().IniFilename = nullptr;
        ImGui::GetIO().LogFilename = nullptr;
        ImGui::GetIO().FontDefault = fm.font(FontRole::body);
    }
    ~Context() { ImGui::DestroyContext(ctx); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
};

}  // namespace

TEST_CASE("glyphs: text mapping turns characters outside the BMP into PUA stand-ins", "[kiosk][glyph]") {
    PuaMap map;
    auto every_font = [](char32_t) { return true; };
    auto cps = utf8::decode(map_to_bmp("吉𠮷祥", map, every_font));
    REQUIRE(cps.size() == 3);
    CHECK(cps[0] == U'吉');
    CHECK(cps[2] == U'祥');
    CHECK(PuaMap::reserved(cps[1]));
    CHECK(cps[1] < 0x10000);
    CHECK(map.original(cps[1]) == kJi);

    // Stable, and one stand-in per character.
    auto again = utf8::decode(map_to_bmp("𠮷", map, every_font));
    REQUIRE(again.size() == 1);
    CHECK(again[0] == cps[1]);
    auto other = utf8::decode(map_to_bmp("𪚥", map, every_font));
    REQUIRE(other.size() == 1);
    CHECK(other[0] != cps[1]);
    CHECK(map.original(other[0]) == U'𪚥');

    // No font for it: □, and nothing allocated. A stray code point in the reserved range never shows a stand-in.
    CHECK(map_to_bmp("𠀀", map, [](char32_t) { return false; }) == "□");
    CHECK(map.originals().size() == 2);
    CHECK(map_to_bmp(utf8::encode(cps[1]), map, every_font) == "□");
    // Text in the BMP is left alone.
    CHECK(map_to_bmp("申请 ABC，１２", map, every_font) == "申请 ABC，１２");
    CHECK_FALSE(needs_bmp_mapping("申请 ABC，１２"));
    CHECK(needs_bmp_mapping("吉𠮷"));

    // The kiosk's own font decides what is drawable: Noto has 𠮷; nothing has the noncharacter U+2FFFE.
    FontManager fm;
    fm.start(noto_path(), noto_face(), "吉祥");
    REQUIRE_FALSE(fm.failed());
    auto real = utf8::decode(fm.map_text("吉𠮷祥"));
    REQUIRE(real.size() == 3);
    CHECK(PuaMap::reserved(real[1]));
    CHECK(fm.pua_original(real[1]) == kJi);
    CHECK(fm.map_text("吉" + utf8::encode(0x2FFFE)) == "吉□");
    fm.wait_build();
}

TEST_CASE("glyphs: the atlas holds a FreeType-rasterised stand-in on the font's baseline", "[kiosk][glyph]") {
    Canvas canvas(64, 64);
    REQUIRE(canvas.renderer);
    FontManager fm;
    fm.start(noto_path(), noto_face(), "吉祥");
    REQUIRE_FALSE(fm.failed());
    settle(fm, canvas.renderer);
    auto cps = utf8::decode(fm.map_text("𠮷"));
    REQUIRE(cps.size() == 1);
    char32_t pua = cps[0];
    REQUIRE(PuaMap::reserved(pua));
    fm.note_missing(pua, FontRole::body);
    fm.note_missing(U'□', FontRole::body);  // on demand, like every glyph beyond the start text
    fm.maybe_rebuild();
    fm.wait_build();

    bool inspected = fm.inspect_built([&](const ImFontAtlas& atlas) {
        const ImFont* body = atlas.Fonts[static_cast<int>(FontRole::body)];
        const ImFontGlyph* g = body->FindGlyphNoFallback(static_cast<ImWchar>(pua));
        const ImFontGlyph* ji = body->FindGlyphNoFallback(static_cast<ImWchar>(U'吉'));
        const ImFontGlyph* box = body->FindGlyphNoFallback(static_cast<ImWchar>(U'□'));
        REQUIRE(g);
        REQUIRE(ji);
        REQUIRE(box);
        // Only where it was shown: the title size never asked for it.
        CHECK_FALSE(atlas.Fonts[static_cast<int>(FontRole::title)]->FindGlyphNoFallback(static_cast<ImWchar>(pua)));

        Pixels p = glyph_pixels(atlas, g);
        Pixels b = glyph_pixels(atlas, box);
        Pixels j = glyph_pixels(atlas, ji);
        INFO("stand-in " << p.w << "x" << p.h << " inked " << p.inked() << ", □ " << b.w << "x" << b.h);
        CHECK(p.inked() > 40);  // really rasterised, not a blank rect
        CHECK((p.w != b.w || p.h != b.h || p.a != b.a));
        // 𠮷 is 吉 with 土 for 士 on top: about as much ink.
        CHECK(static_cast<double>(p.sum()) == Approx(static_cast<double>(j.sum())).epsilon(0.3));

        // In the line like its neighbours: an ideograph's full advance, the same baseline band as 吉.
        CHECK(g->AdvanceX == Approx(ji->AdvanceX).margin(1.0));
        CHECK(g->Y0 == Approx(ji->Y0).margin(3.0));
        CHECK(g->Y1 == Approx(ji->Y1).margin(3.0));
        CHECK(g->X0 >= -1.f);
        CHECK(g->X1 <= g->AdvanceX + 2.f);
    });
    REQUIRE(inspected);
}

TEST_CASE("glyphs: FreeType places and sizes characters the way the atlas builder does", "[kiosk][glyph]") {
    Canvas canvas(64, 64);
    REQUIRE(canvas.renderer);
    FontManager fm;
    fm.start(noto_path(), noto_face(), "吉祥");
    REQUIRE_FALSE(fm.failed());
    fm.wait_build();
    std::FILE* f = std::fopen(noto_path().c_str(), "rb");
    REQUIRE(f);
    std::fseek(f, 0, SEEK_END);
    std::vector<unsigned char> ttf(static_cast<std::size_t>(std::ftell(f)));
    std::fseek(f, 0, SEEK_SET);
    REQUIRE(std::fread(ttf.data(), 1, ttf.size(), f) == ttf.size());
    std::fclose(f);
    GlyphRasteriser ft(ttf.data(), ttf.size(), noto_face(), {});
    REQUIRE(ft.ok());
    CHECK(ft.covers(kJi));
    CHECK_FALSE(ft.covers(0x2FFFE));

    bool inspected = fm.inspect_built([&](const ImFontAtlas& atlas) {
        for (auto role : {FontRole::small, FontRole::body, FontRole::title}) {
            const ImFont* font = atlas.Fonts[static_cast<int>(role)];
            float size = fm.pixel_size(role);
            INFO("size " << size);
            CHECK(ft.ascent(size) == font->Ascent);
            const ImFontGlyph* ji = font->FindGlyphNoFallback(static_cast<ImWchar>(U'吉'));
            REQUIRE(ji);
            auto img = ft.render(U'吉', size);
            REQUIRE(img);
            CHECK(img->advance == ji->AdvanceX);
            CHECK(static_cast<float>(img->left) == Approx(ji->X0).margin(1.0));
            CHECK(ft.ascent(size) - static_cast<float>(img->top) == Approx(ji->Y0).margin(1.0));
            CHECK(static_cast<float>(img->width) == Approx(ji->X1 - ji->X0).margin(1.0));
            CHECK(static_cast<float>(img->height) == Approx(ji->Y1 - ji->Y0).margin(1.0));
            // Same size of character: the ink agrees within a tenth.
            long ink = 0;
            for (unsigned char v : img->alpha) ink += v;
            long atlas_ink = glyph_pixels(atlas, ji).sum();
            CHECK(static_cast<double>(ink) == Approx(static_cast<double>(atlas_ink)).epsilon(0.1));
        }
    });
    REQUIRE(inspected);
    CHECK_FALSE(ft.render(0x2FFFE, 36.f));
    GlyphRasteriser none(nullptr, 0, 0, {});
    CHECK_FALSE(none.ok());
    CHECK_FALSE(none.render(U'吉', 36.f));
}

TEST_CASE("glyphs: a character the kiosk's font lacks comes from a fallback font", "[kiosk][glyph]") {
    // WenQuanYi Micro Hei (scripts/packages.txt) has nothing outside the BMP; Noto Sans CJK does.
    const std::string wqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    if (!std::filesystem::exists(wqy)) {
        WARN("fonts-wqy-microhei is not installed: fallback not checked");
        return;
    }
    {
        FontManager alone;
        alone.set_fallback_fonts({});
        alone.start(wqy, 0, "吉");
        REQUIRE_FALSE(alone.failed());
        CHECK(alone.map_text("𠮷") == "□");
        alone.wait_build();
    }
    Canvas canvas(64, 64);
    REQUIRE(canvas.renderer);
    FontManager fm;
    fm.set_fallback_fonts({{noto_path(), noto_face()}});
    fm.start(wqy, 0, "吉");
    REQUIRE_FALSE(fm.failed());
    settle(fm, canvas.renderer);
    auto cps = utf8::decode(fm.map_text("𠮷"));
    REQUIRE(cps.size() == 1);
    REQUIRE(PuaMap::reserved(cps[0]));
    fm.note_missing(cps[0], FontRole::body);
    fm.maybe_rebuild();
    fm.wait_build();
    bool inspected = fm.inspect_built([&](const ImFontAtlas& atlas) {
        const ImFont* body = atlas.Fonts[static_cast<int>(FontRole::body)];
        const ImFontGlyph* g = body->FindGlyphNoFallback(static_cast<ImWchar>(cps[0]));
        REQUIRE(g);
        CHECK(glyph_pixels(atlas, g).inked() > 40);
    });
    REQUIRE(inspected);
}

TEST_CASE("glyphs: 𠮷 is drawn, measured and wrapped as itself on the kiosk screen", "[kiosk][glyph]") {
    Canvas canvas(240, 120);
    REQUIRE(canvas.renderer);
    FontManager fm;
    fm.start(noto_path(), noto_face(), "吉祥");
    REQUIRE_FALSE(fm.failed());
    settle(fm, canvas.renderer);
    REQUIRE(fm.ready());
    Context context(fm);
    InputLayer input;
    Ui ui(fm, input);

    // One frame as the kiosk draws it; the theme asks for missing glyphs and the rebuild goes live after it.
    auto frame = [&](const std::string& s) {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(static_cast<float>(canvas.w), static_cast<float>(canvas.h));
        io.DeltaTime = 1.f / 60.f;
        ImGui::NewFrame();
        ui.begin(static_cast<float>(canvas.w), static_cast<float>(canvas.h), false);
        ui.text(20, 30, s, FontRole::body, colour::text);
        ui.end();
        ImGui::Render();
        SDL_SetRenderDrawColor(canvas.renderer, 0xFF, 0xFF, 0xFF, 0xFF);
        SDL_RenderClear(canvas.renderer);
        render_draw_data(canvas.renderer, ImGui::GetDrawData(), canvas.surface);
        SDL_RenderPresent(canvas.renderer);
        if (const char* dump = std::getenv("YIMEN_GLYPH_DUMP"))  // look at it: DIR/glyph-<text>.bmp
            SDL_SaveBMP(canvas.surface, (std::string(dump) + "/glyph-" + s + ".bmp").c_str());
        std::vector<Uint32> px;
        for (int y = 0; y < canvas.h; ++y)
            for (int x = 0; x < canvas.w; ++x) px.push_back(canvas.at(x, y));
        return px;
    };
    frame("吉𠮷祥");
    CHECK_FALSE(fm.settled());  // the stand-in was asked for at body size: building, or built and not yet live
    settle(fm, canvas.renderer);
    for (int round = 0; round < 3; ++round) {  // □ comes on demand too: asked for by a frame, live after the rebuild
        frame("吉□祥");
        frame("吉　祥");
        settle(fm, canvas.renderer);
        if (fm.settled()) break;
    }
    auto with_ji = frame("吉𠮷祥");
    auto with_box = frame("吉□祥");
    auto with_space = frame("吉　祥");
    CHECK_FALSE(fm.building());

    // Columns of the middle character: 20 + one advance … 20 + two.
    float adv = ui.font(FontRole::body)->GetCharAdvance(static_cast<ImWchar>(U'吉'));
    REQUIRE(adv > 20.f);
    int mx0 = 20 + static_cast<int>(adv), mx1 = 20 + static_cast<int>(2 * adv);
    int differs_from_box = 0, inked = 0, outside_differs = 0;
    for (int y = 0; y < canvas.h; ++y)
        for (int x = 0; x < canvas.w; ++x) {
            auto i = static_cast<std::size_t>(y * canvas.w + x);
            bool middle = x >= mx0 && x < mx1;
            if (middle && with_ji[i] != with_box[i]) ++differs_from_box;
            if (middle && with_ji[i] != with_space[i]) ++inked;
            if (!middle && with_ji[i] != with_box[i]) ++outside_differs;
        }
    INFO("middle pixels differing from □: " << differs_from_box << ", inked: " << inked);
    CHECK(differs_from_box > 100);
    CHECK(inked > 100);
    CHECK(outside_differs == 0);  // 吉 and 祥 stay where they were: the stand-in advances a full ideograph

    // Measuring and wrapping use the stand-in's advance.
    CHECK(ui.measure("吉𠮷祥", FontRole::body).x == Approx(3 * adv));
    float line = ui.px(FontRole::body) * 1.4f;
    CHECK(ui.paragraph(0, 0, 3 * adv + 1, "吉𠮷祥", FontRole::body, colour::text, 1.4f, false) == Approx(line));
    CHECK(ui.paragraph(0, 0, 2.5f * adv, "吉𠮷祥", FontRole::body, colour::text, 1.4f, false) == Approx(2 * line));
    CHECK(ui.paragraph(0, 0, 1.5f * adv, "吉𠮷祥", FontRole::body, colour::text, 1.4f, false) == Approx(3 * line));
}
