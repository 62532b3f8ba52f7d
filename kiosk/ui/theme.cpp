// theme.cpp — drawing primitives and touch targets (see theme.hpp).
#include "kiosk/ui/theme.hpp"

#include <algorithm>
#include <cmath>

#include "kiosk/model/text.hpp"
#include "kiosk/ui/input.hpp"

namespace yimen::kiosk {
namespace {

FontRole bigger(FontRole r) {
    switch (r) {
        case FontRole::small: return FontRole::body;
        case FontRole::body: return FontRole::header;
        case FontRole::input: return FontRole::header;
        case FontRole::header: return FontRole::title;
        case FontRole::title: return FontRole::huge;  // 56 → 80: the 1.4–1.5× UI.md asks of 长辈模式
        default: return r;
    }
}

bool closing_punct(char32_t c) {
    switch (c) {
        case U'，': case U'。': case U'、': case U'；': case U'：': case U'？': case U'！': case U'）': case U'》':
        case U'”': case U'’': case U'…': case U',': case U'.': case U';': case U':': case U')': case U'!': case U'?':
            return true;
        default: return false;
    }
}

bool latin(char32_t c) { return c < 0x80 && c != ' ' && c != '\n'; }

}  // namespace

std::string grouped_receipt(const std::string& receipt) { return group4(receipt); }

void Ui::begin(float width, float height, bool elder) {
    W = width;
    H = height;
    elderly = elder;
    last_targets_ = std::move(targets_);
    targets_.clear();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(W, H));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.f);
    ImGui::Begin("kiosk", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    dl = ImGui::GetWindowDrawList();
    // No full-screen background quad: SDL_RenderClear paints it, and the software rasteriser pays per pixel.
}

void Ui::end() {
    ImGui::End();
    ImGui::PopStyleVar(2);
    fonts_.maybe_rebuild();
}

ImFont* Ui::font(FontRole r) const { return fonts_.font(elderly ? bigger(r) : r); }
float Ui::px(FontRole r) const { return fonts_.pixel_size(elderly ? bigger(r) : r); }

// `s` is mapped text (FontManager::map_text): every code point is in the BMP, stand-ins included, so a stand-in
// missing at this size is asked for like any other glyph.
void Ui::note(const std::string& s, FontRole r) {
    ImFont* f = font(r);
    if (!f) return;
    FontRole actual = elderly ? bigger(r) : r;
    for (char32_t c : utf8::decode(s)) {
        if (c < 0x20) continue;
        if (!f->FindGlyphNoFallback(static_cast<ImWchar>(c))) fonts_.note_missing(c, actual);
    }
}

ImVec2 Ui::measure(const std::string& s, FontRole r) {
    ImFont* f = font(r);
    if (!f) return ImVec2(0, 0);
    // Measured as drawn: a stand-in has its own advance, which ImGui never finds for the original character.
    std::string m = fonts_.map_text(s);
    return f->CalcTextSizeA(px(r), 1e9f, 0.f, m.c_str(), m.c_str() + m.size());
}

void Ui::text(float x, float y, const std::string& s, FontRole r, ImU32 col) {
    std::string m = fonts_.map_text(s);
    note(m, r);
    dl->AddText(font(r), px(r), ImVec2(std::round(x), std::round(y)), col, m.c_str(), m.c_str() + m.size());
}

void Ui::text_centered(float cx, float y, const std::string& s, FontRole r, ImU32 col) {
    auto sz = measure(s, r);
    text(cx - sz.x / 2, y, s, r, col);
}

float Ui::paragraph(float x, float y, float width, const std::string& s, FontRole r, ImU32 col, float spacing,
                    bool draw) {
    ImFont* f = font(r);
    if (!f) return 0;
    float size = px(r);
    float scale = size / f->FontSize;
    float line_h = size * spacing;
    std::string mapped = fonts_.map_text(s);
    auto cps = utf8::decode(mapped);  // all in the BMP now
    float cy = y;
    std::size_t i = 0;
    if (draw) note(mapped, r);
    while (i < cps.size()) {
        // One line: take tokens while they fit.
        std::size_t start = i, end = i;
        float w = 0;
        while (end < cps.size() && cps[end] != '\n') {
            std::size_t tok_end = end + 1;
            if (latin(cps[end]))
                while (tok_end < cps.size() && latin(cps[tok_end])) ++tok_end;
            float tw = 0;
            for (std::size_t k = end; k < tok_end; ++k)
                tw += f->GetCharAdvance(static_cast<ImWchar>(cps[k])) * scale;
            if (w + tw > width && end > start) {
                // Keep closing punctuation with the character before it.
                if (closing_punct(cps[end]) && end - start > 1) --end;
                break;
            }
            w += tw;
            end = tok_end;
        }
        if (draw && cy + line_h >= clip_y0_ && cy <= clip_y1_) {
            std::string line;
            for (std::size_t k = start; k < end; ++k) line += utf8::encode(cps[k]);
            dl->AddText(f, size, ImVec2(std::round(x), std::round(cy)), col, line.c_str(), line.c_str() + line.size());
        }
        cy += line_h;
        i = end;
        if (i < cps.size() && cps[i] == '\n') ++i;
        while (i < cps.size() && cps[i] == ' ' && i > start) ++i;
    }
    return cy - y;
}

float Ui::highlighted(float x, float y, float width, const std::string& s, FontRole r, ImU32 col, ImU32 mark) {
    // Draw plain first, then overlay the marked parts in the mark colour (same layout, so they line up).
    std::string plain, only_marks;
    bool in = false;
    for (char c : s) {
        if (c == '\x01') { in = true; continue; }
        if (c == '\x02') { in = false; continue; }
        plain += c;
    }
    float h = paragraph(x, y, width, plain, r, col);
    // Overlay: rebuild the string with unmarked characters replaced by transparent drawing is complex; instead
    // underline the marked runs by drawing them bold-coloured at their measured offsets on a single-line basis.
    ImFont* f = font(r);
    if (!f) return h;
    float size = px(r);
    float scale = size / f->FontSize;
    auto cps = utf8::decode(fonts_.map_text(s));  // the markers are below U+0020 and survive the mapping
    float cx = x, cy = y, line_h = size * 1.4f;
    in = false;
    for (char32_t c : cps) {
        if (c == 1) { in = true; continue; }
        if (c == 2) { in = false; continue; }
        float adv = f->GetCharAdvance(static_cast<ImWchar>(c)) * scale;
        if (cx + adv > x + width + 0.5f) {
            cx = x;
            cy += line_h;
        }
        if (in) {
            dl->AddRectFilled(ImVec2(cx, cy + size * 1.02f), ImVec2(cx + adv, cy + size * 1.12f), mark);
            std::string g = utf8::encode(c);
            dl->AddText(f, size, ImVec2(std::round(cx), std::round(cy)), mark, g.c_str(), g.c_str() + g.size());
        }
        cx += adv;
    }
    (void)only_marks;
    return h;
}

void Ui::card(float x, float y, float w, float h, float radius) {
    // The shadow only where it shows (the bottom edge): overdraw costs per pixel in the software renderer.
    float sy = std::max(y, y + h - 2 * radius);
    dl->AddRectFilled(ImVec2(x, sy + 4), ImVec2(x + w, y + h + 6), colour::shadow, radius);
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), colour::card, radius);
}

void Ui::progress(float x, float y, float w, int done, int total) {
    float gap = 12;
    float seg = (w - gap * static_cast<float>(total - 1)) / static_cast<float>(total);
    for (int i = 0; i < total; ++i) {
        ImU32 c = i < done - 1 ? colour::brand : i == done - 1 ? colour::amber : colour::line;
        float sx = x + static_cast<float>(i) * (seg + gap);
        dl->AddRectFilled(ImVec2(sx, y), ImVec2(sx + seg, y + 10), c, 5);
    }
}

bool Ui::hit(const std::string& label, float x, float y, float w, float h, bool* pressed) {
    // Targets scrolled out of the visible band are neither drawn nor tappable.
    float vy0 = std::max(y, clip_y0_), vy1 = std::min(y + h, clip_y1_);
    if (vy1 <= vy0) {
        if (pressed) *pressed = false;
        return false;
    }
    targets_.push_back({label, x, vy0, x + w, vy1});
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    ImGui::PushID(static_cast<int>(targets_.size()));
    ImGui::PushID(label.c_str());
    bool clicked = ImGui::InvisibleButton("t", ImVec2(std::max(w, 1.f), std::max(h, 1.f)));
    if (pressed) *pressed = ImGui::IsItemActive() && !input_.dragging();
    ImGui::PopID();
    ImGui::PopID();
    return clicked && !input_.dragging();
}

bool Ui::button(const std::string& label, float x, float y, float w, float h, ButtonStyle style, FontRole r,
                const std::string& shown) {
    bool pressed = false;
    bool clicked = hit(label, x, y, w, h, &pressed);
    ImU32 bg = colour::soft, fg = colour::brand, border = 0;
    switch (style) {
        case ButtonStyle::primary: bg = pressed ? colour::brand_dark : colour::brand; fg = colour::white; break;
        case ButtonStyle::secondary: bg = pressed ? colour::soft_pressed : colour::soft; fg = colour::brand; break;
        case ButtonStyle::plain: bg = pressed ? colour::brand_light : 0; fg = colour::brand; break;
        case ButtonStyle::danger: bg = pressed ? colour::red : colour::red_light; fg = pressed ? colour::white : colour::red; break;
        case ButtonStyle::key: bg = pressed ? colour::soft_pressed : colour::white; fg = colour::text; border = colour::line; break;
        case ButtonStyle::key_dark: bg = pressed ? colour::soft_pressed : colour::soft; fg = colour::text; border = colour::line; break;
    }
    float radius = style == ButtonStyle::key || style == ButtonStyle::key_dark ? 12.f : 20.f;
    if (bg) {
        if (style == ButtonStyle::key) dl->AddRectFilled(ImVec2(x, y + 3), ImVec2(x + w, y + h + 3), colour::shadow, radius);
        dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), bg, radius);
    }
    if (border) dl->AddRect(ImVec2(x, y), ImVec2(x + w, y + h), border, radius, 0, 1.5f);
    const std::string& t = shown.empty() ? label : shown;
    auto sz = measure(t, r);
    text(x + (w - sz.x) / 2, y + (h - px(r)) / 2 - px(r) * 0.08f, t, r, fg);
    return clicked;
}

bool Ui::tile(const std::string& title, const std::string& subtitle, float x, float y, float w, float h) {
    bool pressed = false;
    bool clicked = hit(title, x, y, w, h, &pressed);
    float inset = pressed ? 4.f : 0.f;
    card(x + inset, y + inset, w - 2 * inset, h - 2 * inset);
    if (pressed) dl->AddRect(ImVec2(x + inset, y + inset), ImVec2(x + w - inset, y + h - inset), colour::brand, 24, 0, 4);
    float th = px(FontRole::title);
    float sh = px(FontRole::small);
    float block = th + 24 + (subtitle.empty() ? 0 : sh);
    float ty = y + (h - block) / 2;
    text_centered(x + w / 2, ty, title, FontRole::title, colour::brand);
    if (!subtitle.empty()) {
        auto sz = measure(subtitle, FontRole::small);
        if (sz.x > w - 32) paragraph(x + 24, ty + th + 24, w - 48, subtitle, FontRole::small, colour::secondary, 1.3f);
        else text_centered(x + w / 2, ty + th + 24, subtitle, FontRole::small, colour::secondary);
    }
    return clicked;
}

bool Ui::chip(const std::string& label, float x, float y, float w, float h, bool selected, FontRole r) {
    bool pressed = false;
    bool clicked = hit(label, x, y, w, h, &pressed);
    ImU32 bg = selected ? colour::brand_light : colour::white;
    if (pressed) bg = colour::soft_pressed;
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), bg, 18);
    dl->AddRect(ImVec2(x, y), ImVec2(x + w, y + h), selected ? colour::brand : colour::line, 18, 0, selected ? 4.f : 2.f);
    auto sz = measure(label, r);
    float tx = x + (w - sz.x) / 2;
    if (selected) {
        // A check mark as well as the colour: state is never shown by colour alone.
        float cx = x + 28, cy = y + h / 2;
        dl->PathLineTo(ImVec2(cx - 10, cy));
        dl->PathLineTo(ImVec2(cx - 2, cy + 9));
        dl->PathLineTo(ImVec2(cx + 12, cy - 10));
        dl->PathStroke(colour::brand, 0, 5);
        tx = std::max(tx, x + 48);
    }
    text(tx, y + (h - px(r)) / 2 - px(r) * 0.08f, label, r, selected ? colour::brand : colour::text);
    return clicked;
}

bool Ui::check_row(const std::string& label, float x, float y, float w, float h, bool checked,
                   const std::string& note_text) {
    bool pressed = false;
    bool clicked = hit(label, x, y, w, h, &pressed);
    if (pressed) dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), colour::brand_light, 12);
    float box = 52;
    float bx = x + 16, by = y + (h - box) / 2;
    dl->AddRectFilled(ImVec2(bx, by), ImVec2(bx + box, by + box), checked ? colour::brand : colour::white, 10);
    dl->AddRect(ImVec2(bx, by), ImVec2(bx + box, by + box), checked ? colour::brand : colour::line, 10, 0, 3);
    if (checked) {
        dl->PathLineTo(ImVec2(bx + 12, by + 27));
        dl->PathLineTo(ImVec2(bx + 22, by + 38));
        dl->PathLineTo(ImVec2(bx + 41, by + 15));
        dl->PathStroke(colour::white, 0, 6);
    }
    float tx = bx + box + 24;
    if (note_text.empty()) {
        text(tx, y + (h - px(FontRole::body)) / 2 - 4, label, FontRole::body, colour::text);
    } else {
        text(tx, y + h / 2 - px(FontRole::body) - 2, label, FontRole::body, colour::text);
        text(tx, y + h / 2 + 6, note_text, FontRole::small, colour::secondary);
    }
    return clicked;
}

float Ui::field_height() const { return px(FontRole::small) + 12 + px(FontRole::input) + 44; }

bool Ui::field(const std::string& target, const std::string& label, const TextField& f, float x, float y, float w,
               bool focused, const std::string& feedback, ImU32 feedback_col, const std::string& caret_text) {
    text(x, y, label, FontRole::small, colour::secondary);
    float by = y + px(FontRole::small) + 12;
    float bh = px(FontRole::input) + 44;
    bool pressed = false;
    bool clicked = hit(target, x, by, w, bh, &pressed);
    ImU32 border = focused ? colour::brand : colour::line;
    if (!feedback.empty() && feedback_col == colour::green && !focused) border = colour::green;
    dl->AddRectFilled(ImVec2(x, by), ImVec2(x + w, by + bh), pressed ? colour::brand_light : colour::white, 14);
    dl->AddRect(ImVec2(x, by), ImVec2(x + w, by + bh), border, 14, 0, focused ? 4.f : 2.f);
    std::string shown = f.secret ? std::string(f.value.size() * 3, '\0') : f.value;
    if (f.secret) {
        shown.clear();
        for (std::size_t i = 0; i < f.value.size(); ++i) shown += "●";
    } else if (f.kind == InputKind::id_number || f.kind == InputKind::phone || f.kind == InputKind::receipt) {
        // Numbers people copy are grouped: ID as 6 8 4, others in fours.
        if (f.kind == InputKind::id_number) {
            shown = group_resident_id(f.value);
        } else if (f.kind != InputKind::id_number) {
            shown = group4(f.value);
        }
    }
    shown += caret_text;
    // Typed text uses the body size, whose atlas holds all of GB2312: a new name never forces a rebuild.
    const FontRole tr = FontRole::body;
    float tx = x + 22, ty = by + (bh - px(tr)) / 2 - 4;
    // Keep the end of long text visible.
    auto sz = measure(shown, tr);
    float avail = w - 44;
    ImGui::PushClipRect(ImVec2(x + 4, by + 2), ImVec2(x + w - 4, by + bh - 2), true);
    dl->PushClipRect(ImVec2(x + 4, by + 2), ImVec2(x + w - 4, by + bh - 2), true);
    float shift = sz.x > avail ? sz.x - avail : 0;
    text(tx - shift, ty, shown, tr, colour::text);
    if (focused) {
        float cx = tx - shift + sz.x + 3;
        dl->AddRectFilled(ImVec2(cx, ty + 2), ImVec2(cx + 3, ty + px(tr) + 8), colour::brand);
    }
    dl->PopClipRect();
    ImGui::PopClipRect();
    if (!feedback.empty()) text(x, by + bh + 8, feedback, FontRole::small, feedback_col);
    return clicked;
}

float Ui::begin_scroll(const std::string& id, float x, float y, float w, float h, float& offset, float content_h) {
    (void)id;
    float max_off = std::max(0.f, content_h - h);
    if (input_.dragging() && input_.drag_start_x() >= x && input_.drag_start_x() <= x + w &&
        input_.drag_start_y() >= y && input_.drag_start_y() <= y + h)
        offset -= input_.take_drag_dy();
    offset = std::clamp(offset, 0.f, max_off);
    ImGui::PushClipRect(ImVec2(x, y), ImVec2(x + w, y + h), true);
    dl->PushClipRect(ImVec2(x, y), ImVec2(x + w, y + h), true);
    clip_y0_ = y;
    clip_y1_ = y + h;
    if (max_off > 0) {
        // A slim scroll indicator so residents see there is more below.
        float bar_h = std::max(60.f, h * h / content_h);
        float bar_y = y + (h - bar_h) * (offset / max_off);
        dl->AddRectFilled(ImVec2(x + w - 10, bar_y), ImVec2(x + w - 4, bar_y + bar_h), colour::line, 3);
    }
    return y - offset;
}

void Ui::end_scroll() {
    dl->PopClipRect();
    ImGui::PopClipRect();
    clip_y0_ = -1e9f;
    clip_y1_ = 1e9f;
}

}  // namespace yimen::kiosk
