// render.cpp — see render.hpp.
#include "kiosk/ui/render.hpp"

#include <SDL.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace yimen::kiosk {
namespace {

// Fills runs of one-colour triangles (opaque, or translucent like shadows) as horizontal spans merged into rectangles. ImGui fills a rounded card
// as a fan of triangles from one corner; SDL's software rasteriser tests every pixel of each triangle's bounding
// box, so a fan costs about (triangles × card area). Spans cost about the card's height, and the rectangles they
// merge into are filled at memset speed. Pixels are covered when their centre is inside (the usual top-left rule
// up to rounding), like SDL's own rasteriser.
class SpanFiller {
public:
    void begin(SDL_Renderer* r, const SDL_Rect& clip, ImU32 colour) {
        renderer_ = r;
        clip_ = clip;
        colour_ = colour;
        if (rows_.size() < static_cast<std::size_t>(clip.y + clip.h)) rows_.resize(static_cast<std::size_t>(clip.y + clip.h));
        y_lo_ = clip.y + clip.h;
        y_hi_ = clip.y - 1;
    }
    ImU32 colour() const { return colour_; }
    // The software renderer's surface at scale 1 (or nullptr): spans are then written into it directly. SDL's
    // SDL_FillRect uses non-temporal stores, so every card it fills is evicted from the cache and read back from
    // memory by the blends and glyphs drawn over it; that was a quarter of a keyboard frame (perf).
    void set_direct(SDL_Surface* s) { direct_ = s; }
    bool direct() const { return direct_ != nullptr; }

    void add(const ImVec2& a, const ImVec2& b, const ImVec2& c) {
        float ymin = std::min({a.y, b.y, c.y}), ymax = std::max({a.y, b.y, c.y});
        int r0 = std::max(clip_.y, static_cast<int>(std::ceil(ymin - 0.5f)));
        int r1 = std::min(clip_.y + clip_.h, static_cast<int>(std::ceil(ymax - 0.5f)));
        const ImVec2* v[3] = {&a, &b, &c};
        for (int y = r0; y < r1; ++y) {
            float yc = static_cast<float>(y) + 0.5f;
            float xs[2];
            int n = 0;
            for (int e = 0; e < 3 && n < 2; ++e) {
                const ImVec2& p = *v[e];
                const ImVec2& q = *v[(e + 1) % 3];
                if ((p.y <= yc && yc < q.y) || (q.y <= yc && yc < p.y))
                    xs[n++] = p.x + (yc - p.y) * (q.x - p.x) / (q.y - p.y);
            }
            if (n < 2) continue;
            float xl = std::min(xs[0], xs[1]), xr = std::max(xs[0], xs[1]);
            int x0 = std::max(clip_.x, static_cast<int>(std::ceil(xl - 0.5f)));
            int x1 = std::min(clip_.x + clip_.w, static_cast<int>(std::ceil(xr - 0.5f)));
            if (x1 <= x0) continue;
            rows_[static_cast<std::size_t>(y)].push_back({x0, x1});
            y_lo_ = std::min(y_lo_, y);
            y_hi_ = std::max(y_hi_, y);
        }
    }

    void flush() {
        if (y_hi_ < y_lo_) return;
        rects_.clear();
        open_.clear();
        const std::vector<Interval>* prev = nullptr;
        for (int y = y_lo_; y <= y_hi_; ++y) {
            auto& row = rows_[static_cast<std::size_t>(y)];
            merge(row);
            if (prev && *prev == row) {
                for (auto& r : open_) ++r.h;
            } else {
                rects_.insert(rects_.end(), open_.begin(), open_.end());
                open_.clear();
                for (const auto& iv : row) open_.push_back(SDL_Rect{iv.x0, y, iv.x1 - iv.x0, 1});
            }
            prev = &row;
        }
        rects_.insert(rects_.end(), open_.begin(), open_.end());
        for (int y = y_lo_; y <= y_hi_; ++y) rows_[static_cast<std::size_t>(y)].clear();
        y_lo_ = clip_.y + clip_.h;
        y_hi_ = clip_.y - 1;
        if (rects_.empty()) return;
        // Spans of one batch never overlap (merged above), so a translucent colour is blended exactly once.
        const auto alpha = static_cast<Uint8>(colour_ >> IM_COL32_A_SHIFT);
        if (direct_) {
            fill_direct(alpha);
            return;
        }
        SDL_SetRenderDrawBlendMode(renderer_, alpha == 0xFF ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(renderer_, static_cast<Uint8>(colour_ >> IM_COL32_R_SHIFT),
                               static_cast<Uint8>(colour_ >> IM_COL32_G_SHIFT),
                               static_cast<Uint8>(colour_ >> IM_COL32_B_SHIFT), alpha);
        SDL_RenderFillRects(renderer_, rects_.data(), static_cast<int>(rects_.size()));
    }

private:
    void fill_direct(Uint8 alpha) {
        const SDL_PixelFormat* f = direct_->format;
        const Uint32 r = colour_ >> IM_COL32_R_SHIFT & 0xFF, g = colour_ >> IM_COL32_G_SHIFT & 0xFF,
                     b = colour_ >> IM_COL32_B_SHIFT & 0xFF;
        const Uint32 opaque = (r << f->Rshift) | (g << f->Gshift) | (b << f->Bshift) | f->Amask;
        const Uint32 a = alpha, inv = 255u - a;
        for (const SDL_Rect& rc : rects_) {
            const int x0 = std::max(rc.x, 0), x1 = std::min(rc.x + rc.w, direct_->w);
            const int y0 = std::max(rc.y, 0), y1 = std::min(rc.y + rc.h, direct_->h);
            for (int y = y0; y < y1; ++y) {
                auto* row = reinterpret_cast<Uint32*>(static_cast<Uint8*>(direct_->pixels) +
                                                      static_cast<std::ptrdiff_t>(y) * direct_->pitch);
                if (a == 0xFF) {
                    if (x1 > x0) SDL_memset4(row + x0, opaque, static_cast<std::size_t>(x1 - x0));  // rep stosd
                    continue;
                }
                for (int x = x0; x < x1; ++x) {
                    const Uint32 d = row[x];
                    auto mix = [&](Uint32 src, Uint32 shift) {
                        return ((src * a + (d >> shift & 0xFF) * inv + 127u) / 255u) << shift;
                    };
                    row[x] = mix(r, f->Rshift) | mix(g, f->Gshift) | mix(b, f->Bshift) | (d & f->Amask);
                }
            }
        }
    }

    struct Interval {
        int x0, x1;
        bool operator==(const Interval&) const = default;
    };
    static void merge(std::vector<Interval>& row) {
        if (row.size() < 2) return;
        std::sort(row.begin(), row.end(), [](const Interval& l, const Interval& r) { return l.x0 < r.x0; });
        std::size_t out = 0;
        for (std::size_t i = 1; i < row.size(); ++i) {
            if (row[i].x0 <= row[out].x1) row[out].x1 = std::max(row[out].x1, row[i].x1);
            else row[++out] = row[i];
        }
        row.resize(out + 1);
    }

    SDL_Renderer* renderer_ = nullptr;
    SDL_Surface* direct_ = nullptr;
    SDL_Rect clip_{};
    ImU32 colour_ = 0;
    int y_lo_ = 0, y_hi_ = -1;
    std::vector<std::vector<Interval>> rows_;
    std::vector<SDL_Rect> rects_, open_;
};


// Draws blended untextured triangles (ImGui's anti-aliasing fringes: 1 px bands whose alpha falls from opaque to
// zero) straight into the software renderer's surface. SDL would give each one a temporary surface and a blit; the
// keyboard alone has thousands of them, so that overhead was most of its frame. Colour and alpha are interpolated per
// pixel; a pixel centre on an edge shared by two triangles belongs to one of them (top-left rule).
class DirectBlender {
public:
    // A 32-bit surface with 8-bit channels that needs no locking, or nullptr (then SDL draws these triangles).
    static bool usable(const SDL_Surface* s) {
        return s && s->format->BytesPerPixel == 4 && !SDL_MUSTLOCK(s) && s->format->Rloss == 0 &&
               s->format->Gloss == 0 && s->format->Bloss == 0;
    }

    DirectBlender(SDL_Surface* s, float scale_x, float scale_y) : s_(s), sx_(scale_x), sy_(scale_y) {}

    void set_clip(const SDL_Rect& logical) {
        int x0 = static_cast<int>(std::floor(static_cast<float>(logical.x) * sx_));
        int y0 = static_cast<int>(std::floor(static_cast<float>(logical.y) * sy_));
        int x1 = static_cast<int>(std::ceil(static_cast<float>(logical.x + logical.w) * sx_));
        int y1 = static_cast<int>(std::ceil(static_cast<float>(logical.y + logical.h) * sy_));
        cx0_ = std::max(0, x0);
        cy0_ = std::max(0, y0);
        cx1_ = std::min(s_->w, x1);
        cy1_ = std::min(s_->h, y1);
    }

    void triangle(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c) {
        struct P {
            float x, y;
        };
        P p[3] = {{a.pos.x * sx_, a.pos.y * sy_}, {b.pos.x * sx_, b.pos.y * sy_}, {c.pos.x * sx_, c.pos.y * sy_}};
        ImU32 col[3] = {a.col, b.col, c.col};
        float area = (p[1].x - p[0].x) * (p[2].y - p[0].y) - (p[1].y - p[0].y) * (p[2].x - p[0].x);
        if (area == 0.f) return;
        if (area < 0.f) {  // one winding, so "inside" is w ≥ 0 for every edge
            std::swap(p[1], p[2]);
            std::swap(col[1], col[2]);
            area = -area;
        }
        int x0 = std::max(cx0_, static_cast<int>(std::floor(std::min({p[0].x, p[1].x, p[2].x}))));
        int x1 = std::min(cx1_, static_cast<int>(std::ceil(std::max({p[0].x, p[1].x, p[2].x}))));
        int y0 = std::max(cy0_, static_cast<int>(std::floor(std::min({p[0].y, p[1].y, p[2].y}))));
        int y1 = std::min(cy1_, static_cast<int>(std::ceil(std::max({p[0].y, p[1].y, p[2].y}))));
        if (x1 <= x0 || y1 <= y0) return;
        // Edge i is opposite vertex i; w_i(x, y) is the signed area with that edge, linear in x and y.
        float ex[3], ey[3], e0[3];
        bool top_left[3];
        for (int i = 0; i < 3; ++i) {
            const P& u = p[(i + 1) % 3];
            const P& v = p[(i + 2) % 3];
            ex[i] = -(v.y - u.y);
            ey[i] = v.x - u.x;
            e0[i] = -(ex[i] * u.x + ey[i] * u.y);
            // With this winding (clockwise on a y-down screen) a top edge runs left to right, a left edge upwards.
            top_left[i] = (u.y == v.y && v.x > u.x) || v.y < u.y;
        }
        float ch[3][4];
        for (int i = 0; i < 3; ++i) {
            ch[i][0] = static_cast<float>(col[i] >> IM_COL32_R_SHIFT & 0xFF);
            ch[i][1] = static_cast<float>(col[i] >> IM_COL32_G_SHIFT & 0xFF);
            ch[i][2] = static_cast<float>(col[i] >> IM_COL32_B_SHIFT & 0xFF);
            ch[i][3] = static_cast<float>(col[i] >> IM_COL32_A_SHIFT & 0xFF);
        }
        const SDL_PixelFormat* f = s_->format;
        const float inv = 1.f / area;
        const Uint32 rs = f->Rshift, gs = f->Gshift, bs = f->Bshift, keep = f->Amask;
        for (int y = y0; y < y1; ++y) {
            auto* row = reinterpret_cast<Uint32*>(static_cast<Uint8*>(s_->pixels) + static_cast<std::ptrdiff_t>(y) * s_->pitch);
            const float yc = static_cast<float>(y) + 0.5f;
            const float xc0 = static_cast<float>(x0) + 0.5f;
            float w0 = ex[0] * xc0 + ey[0] * yc + e0[0];
            float w1 = ex[1] * xc0 + ey[1] * yc + e0[1];
            float w2 = ex[2] * xc0 + ey[2] * yc + e0[2];
            for (int x = x0; x < x1; ++x, w0 += ex[0], w1 += ex[1], w2 += ex[2]) {
                if (!(w0 > 0.f || (w0 == 0.f && top_left[0])) || !(w1 > 0.f || (w1 == 0.f && top_left[1])) ||
                    !(w2 > 0.f || (w2 == 0.f && top_left[2])))
                    continue;
                const float l0 = w0 * inv, l1 = w1 * inv, l2 = w2 * inv;
                const float alpha = (l0 * ch[0][3] + l1 * ch[1][3] + l2 * ch[2][3]) * (1.f / 255.f);
                if (alpha <= 0.f) continue;
                const Uint32 d = row[x];
                auto mix = [&](int k, Uint32 shift) {
                    const float src = l0 * ch[0][k] + l1 * ch[1][k] + l2 * ch[2][k];
                    const auto dst = static_cast<float>(d >> shift & 0xFF);
                    return static_cast<Uint32>(dst + (src - dst) * alpha + 0.5f) << shift;
                };
                row[x] = mix(0, rs) | mix(1, gs) | mix(2, bs) | (d & keep);
            }
        }
    }

private:
    SDL_Surface* s_;
    float sx_, sy_;
    int cx0_ = 0, cy0_ = 0, cx1_ = 0, cy1_ = 0;
};

}  // namespace

void render_draw_data(SDL_Renderer* renderer, ImDrawData* dd, SDL_Surface* direct) {
    if (!dd || dd->CmdListsCount == 0) return;
    static SpanFiller spans;  // the main thread's only renderer; its row buffers are reused frame to frame
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    const ImVec2 off = dd->DisplayPos;
    float scale_x = 1.f, scale_y = 1.f;
    SDL_RenderGetScale(renderer, &scale_x, &scale_y);
    if (!DirectBlender::usable(direct)) direct = nullptr;
    DirectBlender blender(direct, scale_x, scale_y);
    spans.set_direct(direct && scale_x == 1.f && scale_y == 1.f ? direct : nullptr);
    // SDL queues its commands (batching is on for a window's renderer): flush them before writing pixels ourselves.
    // The caller's SDL_RenderClear may still be queued, so the first direct write flushes too.
    bool sdl_pending = true;
    SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND);
    for (int n = 0; n < dd->CmdListsCount; ++n) {
        const ImDrawList* list = dd->CmdLists[n];
        for (int c = 0; c < list->CmdBuffer.Size; ++c) {
            const ImDrawCmd* cmd = &list->CmdBuffer[c];
            if (cmd->UserCallback) {
                if (cmd->UserCallback != ImDrawCallback_ResetRenderState) cmd->UserCallback(list, cmd);
                continue;
            }
            ImVec2 mn(cmd->ClipRect.x - off.x, cmd->ClipRect.y - off.y);
            ImVec2 mx(cmd->ClipRect.z - off.x, cmd->ClipRect.w - off.y);
            if (mn.x < 0) mn.x = 0;
            if (mn.y < 0) mn.y = 0;
            if (mx.x <= mn.x || mx.y <= mn.y) continue;
            SDL_Rect clip{static_cast<int>(mn.x), static_cast<int>(mn.y), static_cast<int>(mx.x - mn.x),
                          static_cast<int>(mx.y - mn.y)};
            SDL_RenderSetClipRect(renderer, &clip);
            if (direct) blender.set_clip(clip);
            const ImDrawVert* vb = list->VtxBuffer.Data + cmd->VtxOffset;
            const ImDrawIdx* ib = list->IdxBuffer.Data + cmd->IdxOffset;
            const int nv = list->VtxBuffer.Size - static_cast<int>(cmd->VtxOffset);
            auto* tex = static_cast<SDL_Texture*>(cmd->GetTexID());
            const unsigned tris = cmd->ElemCount / 3;
            // Each triangle is one of four kinds. SDL's software renderer fills a *blended* untextured triangle
            // through a temporary surface the size of its bounding box (then blits it), so opaque triangles must not
            // be drawn blended; opaque one-colour triangles (the bodies of cards, buttons, keys) become spans.
            enum Kind { textured, solid_spans, solid_opaque, solid_blended };
            auto kind = [&](unsigned t) {
                bool opaque = true;
                const ImU32 first = vb[ib[t * 3]].col;
                bool uniform = true;
                for (unsigned k = 0; k < 3; ++k) {
                    const ImDrawVert& v = vb[ib[t * 3 + k]];
                    if (v.uv.x != white.x || v.uv.y != white.y) return textured;
                    if ((v.col >> IM_COL32_A_SHIFT & 0xFF) != 0xFF) opaque = false;
                    if (v.col != first) uniform = false;
                }
                if (uniform) return solid_spans;  // one colour, opaque or not (shadows, dimming)
                return opaque ? solid_opaque : solid_blended;
            };
            auto flush = [&](unsigned from, unsigned to, Kind k) {
                if (to <= from) return;
                if (k == solid_spans) {
                    if (spans.direct() && sdl_pending) SDL_RenderFlush(renderer);  // SDL's queue first, then ours
                    if (spans.direct()) sdl_pending = false;
                    for (unsigned t = from; t < to; ++t) {
                        const ImU32 col = vb[ib[t * 3]].col;
                        if (col != spans.colour()) {
                            spans.flush();
                            spans.begin(renderer, clip, col);
                        }
                        spans.add(vb[ib[t * 3]].pos, vb[ib[t * 3 + 1]].pos, vb[ib[t * 3 + 2]].pos);
                    }
                    spans.flush();
                    if (!spans.direct()) sdl_pending = true;
                    return;
                }
                if (k == solid_blended && direct) {
                    if (sdl_pending) SDL_RenderFlush(renderer);
                    sdl_pending = false;
                    for (unsigned t = from; t < to; ++t)
                        blender.triangle(vb[ib[t * 3]], vb[ib[t * 3 + 1]], vb[ib[t * 3 + 2]]);
                    return;
                }
                sdl_pending = true;
                if (k != textured)
                    SDL_SetRenderDrawBlendMode(renderer, k == solid_opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
                SDL_RenderGeometryRaw(renderer, k == textured ? tex : nullptr, &vb->pos.x, sizeof(ImDrawVert),
                                      reinterpret_cast<const SDL_Color*>(&vb->col), sizeof(ImDrawVert), &vb->uv.x,
                                      sizeof(ImDrawVert), nv, ib + from * 3, static_cast<int>((to - from) * 3),
                                      sizeof(ImDrawIdx));
            };
            spans.begin(renderer, clip, tris > 0 ? vb[ib[0]].col : 0);
            unsigned start = 0;
            Kind run = tris > 0 ? kind(0) : textured;
            for (unsigned t = 1; t < tris; ++t) {
                Kind k = kind(t);
                if (k != run) {
                    flush(start, t, run);
                    start = t;
                    run = k;
                }
            }
            flush(start, tris, run);
        }
    }
    SDL_RenderSetClipRect(renderer, nullptr);
    SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND);
}

bool write_png(const std::string& path, int w, int h, const unsigned char* rgba, int stride) {
    if (w <= 0 || h <= 0 || !rgba) return false;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    volatile bool ok = false;  // set after setjmp: volatile, or a longjmp could leave it clobbered
    // libpng reports errors by longjmp: nothing with a destructor lives between here and the end.
    if (png && info && setjmp(png_jmpbuf(png)) == 0) {
        png_init_io(png, f);
        png_set_compression_level(png, 1);
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
        png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 8, PNG_COLOR_TYPE_RGBA,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
        png_write_info(png, info);
        for (int y = 0; y < h; ++y)
            png_write_row(png, rgba + static_cast<std::ptrdiff_t>(y) * stride);
        png_write_end(png, nullptr);
        ok = true;
    }
    png_destroy_write_struct(png ? &png : nullptr, info ? &info : nullptr);
    return std::fclose(f) == 0 && ok;
}

}  // namespace yimen::kiosk
