// render.cpp — see render.hpp.
#include "kiosk/ui/render.hpp"

#include <SDL.h>

namespace yimen::kiosk {

void render_draw_data(SDL_Renderer* renderer, ImDrawData* dd) {
    if (!dd || dd->CmdListsCount == 0) return;
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    const ImVec2 off = dd->DisplayPos;
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
            const ImDrawVert* vb = list->VtxBuffer.Data + cmd->VtxOffset;
            const ImDrawIdx* ib = list->IdxBuffer.Data + cmd->IdxOffset;
            const int nv = list->VtxBuffer.Size - static_cast<int>(cmd->VtxOffset);
            auto* tex = static_cast<SDL_Texture*>(cmd->GetTexID());
            const unsigned tris = cmd->ElemCount / 3;
            auto solid = [&](unsigned t) {
                for (unsigned k = 0; k < 3; ++k) {
                    const ImDrawVert& v = vb[ib[t * 3 + k]];
                    if (v.uv.x != white.x || v.uv.y != white.y) return false;
                }
                return true;
            };
            auto flush = [&](unsigned from, unsigned to, bool run_solid) {
                if (to <= from) return;
                SDL_RenderGeometryRaw(renderer, run_solid ? nullptr : tex, &vb->pos.x, sizeof(ImDrawVert),
                                      reinterpret_cast<const SDL_Color*>(&vb->col), sizeof(ImDrawVert), &vb->uv.x,
                                      sizeof(ImDrawVert), nv, ib + from * 3, static_cast<int>((to - from) * 3),
                                      sizeof(ImDrawIdx));
            };
            unsigned start = 0;
            bool run = tris > 0 && solid(0);
            for (unsigned t = 1; t < tris; ++t) {
                bool s = solid(t);
                if (s != run) {
                    flush(start, t, run);
                    start = t;
                    run = s;
                }
            }
            flush(start, tris, run);
        }
    }
    SDL_RenderSetClipRect(renderer, nullptr);
}

}  // namespace yimen::kiosk
