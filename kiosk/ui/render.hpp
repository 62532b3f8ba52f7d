// render.hpp — draws ImGui's draw data with SDL_Renderer. Like Debian's imgui_impl_sdlrenderer (which still sets up
// the backend), but triangles that only sample the atlas' white pixel (every shape: cards, buttons, bars) go to
// SDL_RenderGeometry without a texture. SDL's software renderer fills those several times faster than textured
// triangles, which is most of a 1080×1920 frame.
#pragma once
#include <imgui.h>

#include <string>

struct SDL_Renderer;
struct SDL_Surface;

namespace yimen::kiosk {

// `direct`: the software renderer's own surface (the window surface), or nullptr with any other renderer. When given,
// blended shapes are drawn into it directly instead of through SDL's per-triangle temporary surfaces.
void render_draw_data(SDL_Renderer* renderer, ImDrawData* draw_data, SDL_Surface* direct = nullptr);

// Writes `w` × `h` RGBA pixels (rows `stride` bytes apart) as a PNG with libpng at zlib level 1 and the Up filter:
// a 1080×1920 screen in ~25 ms, where stb_image_write's encoder takes ~400 ms (measured, this machine). Screenshots
// are part of what kiosk_bench compares with headless Chromium, which encodes its PNG just as fast. False on failure.
bool write_png(const std::string& path, int w, int h, const unsigned char* rgba, int stride);

}  // namespace yimen::kiosk
