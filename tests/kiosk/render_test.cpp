// render_test.cpp — the kiosk's own ImGui renderer: the fast paths (opaque spans, translucent spans, fringes drawn
// straight into the surface) must produce the same picture as SDL drawing every triangle itself.
#include <catch2/catch.hpp>

#include <SDL.h>
#include <imgui.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "kiosk/ui/render.hpp"

namespace {

struct Canvas {
    SDL_Surface* surface = nullptr;
    SDL_Renderer* renderer = nullptr;
    SDL_Texture* font = nullptr;
    Canvas(int w, int h) {
        surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
        renderer = SDL_CreateSoftwareRenderer(surface);
        unsigned char* pixels = nullptr;
        int fw = 0, fh = 0;
        ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &fw, &fh);
        font = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ABGR8888, SDL_TEXTUREACCESS_STATIC, fw, fh);
        SDL_UpdateTexture(font, nullptr, pixels, fw * 4);
        SDL_SetTextureBlendMode(font, SDL_BLENDMODE_BLEND);
    }
    ~Canvas() {
        SDL_DestroyTexture(font);
        SDL_DestroyRenderer(renderer);
        SDL_FreeSurface(surface);
    }
    Uint32 at(int x, int y) const {
        return static_cast<const Uint32*>(surface->pixels)[static_cast<std::ptrdiff_t>(y) * surface->pitch / 4 + x];
    }
};

// A frame like the kiosk's: a card with its shadow, a bordered key, a round badge, a translucent overlay, text.
// Every coordinate sits a quarter pixel off the grid: an anti-aliased fringe whose edge runs exactly through pixel
// centres is covered or not depending on the last bit of the tessellation's sin/cos, which glibc computes with
// different code on CPUs with and without FMA — the comparison below must not hinge on that bit.
ImDrawData* draw_scene() {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(400, 300);
    io.DeltaTime = 1.f / 60.f;
    ImGui::NewFrame();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    auto at = [](float x, float y) { return ImVec2(x + 0.25f, y + 0.25f); };
    dl->AddRectFilled(at(23, 26), at(223, 146), IM_COL32(20, 40, 80, 40), 16.f);
    dl->AddRectFilled(at(20, 20), at(220, 140), IM_COL32(255, 255, 255, 255), 16.f);
    dl->AddRect(at(240.5f, 30.5f), at(380.5f, 110.5f), IM_COL32(31, 78, 140, 255), 12.f, 0, 3.f);
    dl->AddCircleFilled(at(300, 200), 40.f, IM_COL32(200, 60, 40, 255), 48);
    dl->AddRectFilled(at(0, 160), at(180, 300), IM_COL32(0, 0, 0, 96), 0.f);
    dl->AddText(at(30, 60), IM_COL32(20, 30, 40, 255), "Yimen 1234");
    ImGui::Render();
    return ImGui::GetDrawData();
}

}  // namespace

TEST_CASE("the fast renderer draws what SDL's own triangle path draws", "[kiosk][render]") {
    ImGuiContext* ctx = ImGui::CreateContext();
    ImGui::GetIO().Fonts->AddFontDefault();
    Canvas sdl_only(400, 300), fast(400, 300);
    for (Canvas* c : {&sdl_only, &fast}) {
        SDL_SetRenderDrawColor(c->renderer, 0xF4, 0xF6, 0xF9, 0xFF);
        SDL_RenderClear(c->renderer);
        ImGui::GetIO().Fonts->SetTexID(c->font);  // each renderer has its own copy of the atlas
        yimen::kiosk::render_draw_data(c->renderer, draw_scene(), c == &fast ? c->surface : nullptr);
        SDL_RenderPresent(c->renderer);
    }
    auto level_gap = [](Uint32 a, Uint32 b) {
        int d = 0;
        for (int shift : {0, 8, 16})
            d = std::max(d, std::abs(static_cast<int>((a >> shift) & 0xFF) - static_cast<int>((b >> shift) & 0xFF)));
        return d;
    };
    // A rim pixel has a neighbour of a clearly different colour in either picture: the anti-aliased edges. There the
    // two rasterisers legitimately disagree, and by how much depends on the machine: SDL rounds its blends with the
    // CPU's SIMD path, and the last bit of the tessellation's sin/cos (glibc's FMA or SSE2 code) decides whether a
    // fringe row through pixel centres is drawn. A count of differing pixels therefore cannot be the criterion (one
    // machine had 1212 against a limit of 1200). What an edge rounded either way can never do is leave the range of
    // colours around it: so each pixel of the fast picture must lie (within 8 levels per channel) between the darkest
    // and lightest values of the 3×3 block around the same place in SDL's picture, and the other way round. The other
    // way round needs a wider margin, for a reason in SDL: its rasteriser is not watertight, so where two translucent
    // triangles share an edge (a shape's fill and its fringe) it blends that pixel column twice, which the fast path
    // (top-left rule) does not. One extra blend of the shadow (alpha 40/255 over ~190 levels) is 30 levels here, so
    // 40. A wrong colour or blend, a missing 3 px border or badge (≥ 150 levels), a doubled fringe or an edge moved by
    // two pixels or more breaks one of the two.
    auto on_rim = [&](const Canvas& c, int x, int y) {
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const int nx = x + dx, ny = y + dy;
                if (nx >= 0 && ny >= 0 && nx < 400 && ny < 300 && level_gap(c.at(x, y), c.at(nx, ny)) > 8) return true;
            }
        return false;
    };
    auto within_neighbourhood = [](const Canvas& c, int x, int y, Uint32 p, int margin) {
        for (int shift : {0, 8, 16}) {
            int lo = 255, hi = 0;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = std::clamp(x + dx, 0, 399), ny = std::clamp(y + dy, 0, 299);
                    const int v = static_cast<int>((c.at(nx, ny) >> shift) & 0xFF);
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            const int v = static_cast<int>((p >> shift) & 0xFF);
            if (v < lo - margin || v > hi + margin) return false;
        }
        return true;
    };
    int differing = 0, off_rim = 0, unexplained = 0, worst = 0, changed = 0;
    for (int y = 0; y < 300; ++y)
        for (int x = 0; x < 400; ++x) {
            const Uint32 a = sdl_only.at(x, y), b = fast.at(x, y);
            if (b != 0xF4F6F9) ++changed;
            const int d = level_gap(a, b);
            worst = std::max(worst, d);
            if (d <= 8) continue;
            ++differing;
            if (!on_rim(sdl_only, x, y) && !on_rim(fast, x, y)) ++off_rim;
            if (!within_neighbourhood(sdl_only, x, y, b, 8) || !within_neighbourhood(fast, x, y, a, 40)) ++unexplained;
        }
    if (std::getenv("YIMEN_RENDER_DUMP")) { SDL_SaveBMP(sdl_only.surface, "/tmp/r_sdl.bmp"); SDL_SaveBMP(fast.surface, "/tmp/r_fast.bmp"); }
    INFO("pixels differing by more than 8 levels: " << differing << " (" << off_rim << " off the rims, " << unexplained
                                                    << " outside the other picture's 3×3 range), worst " << worst);
    CHECK(changed > 20000);                 // the scene was drawn at all
    // Inside shapes, both paths agree exactly (within 8 levels): a wrong blend or a missing span differs off the rims.
    CHECK(off_rim == 0);
    // On the rims, every difference is an edge rounded the other way, never a colour that is not there.
    CHECK(unexplained == 0);
    // Inside the card (opaque span), inside the shadow-only strip, under the overlay, on the badge.
    CHECK(fast.at(120, 100) == sdl_only.at(120, 100));
    CHECK(fast.at(120, 100) == 0xFFFFFF);
    CHECK(fast.at(300, 200) == 0xC83C28);
    CHECK(fast.at(10, 290) == sdl_only.at(10, 290));
    // The badge's rim is anti-aliased: between its red and the background, not a hard step.
    int blended_rim = 0;
    for (int x = 255; x < 265; ++x) {
        Uint32 p = fast.at(x, 200);
        int r = static_cast<int>(p >> 16 & 0xFF);
        if (r > 0xC8 && r < 0xF4) ++blended_rim;
    }
    CHECK(blended_rim >= 1);
    ImGui::DestroyContext(ctx);
}

TEST_CASE("blended fringes: a pixel centre on an edge shared by two triangles is blended exactly once", "[kiosk][render]") {
    ImGuiContext* ctx = ImGui::CreateContext();
    ImGui::GetIO().Fonts->AddFontDefault();
    Canvas fast(64, 64);
    SDL_SetRenderDrawColor(fast.renderer, 0xF4, 0xF6, 0xF9, 0xFF);
    SDL_RenderClear(fast.renderer);
    ImGui::GetIO().Fonts->SetTexID(fast.font);
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(64, 64);
    io.DeltaTime = 1.f / 60.f;
    ImGui::NewFrame();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    const ImVec2 uv = io.Fonts->TexUvWhitePixel;
    // A translucent square as two triangles whose colours differ by one step (so they take the per-pixel path), with
    // corners on pixel centres: the diagonal and the sides pass exactly through centres.
    const ImU32 a = IM_COL32(200, 0, 0, 128), b = IM_COL32(200, 0, 1, 128);
    dl->PrimReserve(6, 4);
    const auto base = static_cast<ImDrawIdx>(dl->_VtxCurrentIdx);
    dl->PrimWriteVtx(ImVec2(8.5f, 8.5f), uv, a);
    dl->PrimWriteVtx(ImVec2(40.5f, 8.5f), uv, b);
    dl->PrimWriteVtx(ImVec2(40.5f, 40.5f), uv, a);
    dl->PrimWriteVtx(ImVec2(8.5f, 40.5f), uv, b);
    for (int i : {0, 1, 2, 0, 2, 3}) dl->PrimWriteIdx(static_cast<ImDrawIdx>(base + i));
    ImGui::Render();
    yimen::kiosk::render_draw_data(fast.renderer, ImGui::GetDrawData(), fast.surface);
    SDL_RenderPresent(fast.renderer);
    // Every pixel whose centre is inside or on the top/left sides has the one blended colour; none is skipped or
    // blended twice (the diagonal, the shared edge, is the test).
    const Uint32 expect = fast.at(20, 30);
    int odd = 0;
    for (int y = 8; y < 40; ++y)
        for (int x = 8; x < 40; ++x) {
            Uint32 p = fast.at(x, y);
            int dr = std::abs(static_cast<int>(p >> 16 & 0xFF) - static_cast<int>(expect >> 16 & 0xFF));
            int dg = std::abs(static_cast<int>(p >> 8 & 0xFF) - static_cast<int>(expect >> 8 & 0xFF));
            if (dr > 1 || dg > 1) ++odd;
        }
    CHECK(odd == 0);
    CHECK(fast.at(40, 20) == 0xF4F6F9);  // the right side is not the square's (centre on a right edge)
    CHECK(fast.at(20, 40) == 0xF4F6F9);  // nor the bottom
    CHECK(expect != 0xF4F6F9);
    ImGui::DestroyContext(ctx);
}
