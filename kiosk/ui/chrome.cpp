// chrome.cpp — what every screen shares: the header with 朗读 and 长辈模式, steps and progress, the idle countdown,
// the bottom buttons, scrollable content that keeps the focused field above the keyboard, QR codes, messages.
#include <algorithm>

#include "base/qr.hpp"
#include "kiosk/model/text.hpp"
#include "kiosk/ui/views.hpp"

namespace yimen::kiosk {

bool header_toggle(ViewCtx& c, const std::string& label, bool on, float x, float y, float w, float h) {
    auto& ui = c.ui;
    bool pressed = false;
    bool tapped = ui.hit(label, x, y, w, h, &pressed);
    // On: filled and ticked, so the state is seen without remembering what the pill looked like before.
    if (on || pressed) ui.dl->AddRectFilled(ImVec2(x, y + 8), ImVec2(x + w, y + h - 8), colour::brand_dark, 20);
    ui.dl->AddRect(ImVec2(x, y + 8), ImVec2(x + w, y + h - 8), colour::rgb(0xFF, 0xFF, 0xFF, on ? 230 : 110), 20, 0,
                   on ? 3.f : 2.f);
    ui.text_centered(x + w / 2, y + (h - ui.px(FontRole::small)) / 2 - 4, (on ? "✓ " : "") + label, FontRole::small,
                     colour::white);
    return tapped;
}

void read_aloud_toggle(ViewCtx& c, const std::string& title, float x, float y, float w, float h) {
    if (header_toggle(c, c.tr("chrome.read_aloud"), c.vs.reading, x, y, w, h)) {
        c.vs.reading = !c.vs.reading;
        c.vs.speak_request = title;
    }
    if (c.vs.reading && c.vs.last_spoken != title) c.vs.speak_request = title;
    c.vs.last_spoken = title;
}

float draw_header(ViewCtx& c, const std::string& title) {
    auto& ui = c.ui;
    float h = 150;
    ui.dl->AddRectFilled(ImVec2(0, 0), ImVec2(ui.W, h), colour::brand);
    ui.text(48, (h - ui.px(FontRole::header)) / 2 - 6, title, FontRole::header, colour::white);
    // Right side: read-aloud and elderly mode, always in the same place, on the page margin.
    float bw = 200, bh = 96, gap = 16;
    float x2 = ui.W - 48 - bw, x1 = x2 - gap - bw;
    float by = (h - bh) / 2;
    read_aloud_toggle(c, title, x1, by, bw, bh);
    if (header_toggle(c, c.tr("chrome.elderly"), c.vs.elderly, x2, by, bw, bh)) c.vs.elderly = !c.vs.elderly;
    return h;
}

float draw_steps(ViewCtx& c, float y, int step, int count, const std::string& step_title) {
    auto& ui = c.ui;
    std::string line = c.app.i18n().fmt("chrome.step", {std::to_string(step), std::to_string(count)});
    if (!step_title.empty()) line = c.app.i18n().fmt("chrome.step_titled", {line, step_title});
    ui.text(48, y + 20, line, FontRole::small, colour::secondary);
    if (c.app.idle_warning()) {
        int left = c.app.idle_seconds_left();
        std::string t = c.app.i18n().fmt("chrome.countdown", {std::to_string(left)});
        auto sz = ui.measure(t, FontRole::small);
        ui.text(ui.W - 48 - sz.x, y + 20, t, FontRole::small, colour::amber_text);
    }
    ui.progress(48, y + 20 + ui.px(FontRole::small) + 18, ui.W - 96, step, count);
    return y + 20 + ui.px(FontRole::small) + 18 + 10 + 24;
}

float nav_top(const Ui& ui) { return ui.H - 40 - 128; }

void draw_nav(ViewCtx& c, const std::string& left, const std::string& right, bool& left_tapped, bool& right_tapped) {
    auto& ui = c.ui;
    float y = nav_top(ui) - 8;
    ui.dl->AddRectFilled(ImVec2(0, y - 16), ImVec2(ui.W, ui.H), colour::background);
    float w = ui.landscape() ? 520.f : (ui.W - 96 - 40) / 2;
    left_tapped = !left.empty() && ui.button(left, 48, y, w, 128, ButtonStyle::secondary);
    right_tapped = !right.empty() && ui.button(right, ui.W - 48 - w, y, w, 128, ButtonStyle::primary);
}

void bound_field(ViewCtx& c, const std::string& target, const TextField& f, float x, float y, float w,
                 const std::string& feedback, ImU32 feedback_col) {
    bool focused = c.app.focused() == &f;
    std::string pre = focused ? c.app.preedit() : "";
    std::string caret = pre.empty() ? "" : pre;
    if (c.ui.field(target, c.tr(f.label_key), f, x, y, w, focused, feedback, feedback_col, caret)) {
        c.act.focus(&f);
        c.vs.want_frame = true;
    }
    if (focused) {
        c.vs.focus_seen = true;
        c.vs.focus_y0 = y;
        c.vs.focus_y1 = y + c.ui.field_height() + (feedback.empty() ? 0 : 44);
    }
}

float begin_content(ViewCtx& c, const std::string& id, float top, float bottom) {
    float& off = c.vs.scroll[id];
    float h = c.vs.scroll[id + "#h"];
    return c.ui.begin_scroll(id, 0, top, c.ui.W, bottom - top, off, h);
}

void end_content(ViewCtx& c, const std::string& id, float top, float bottom, float start_y, float end_y) {
    c.ui.end_scroll();
    float content_h = end_y - start_y + 24;
    if (c.vs.scroll[id + "#h"] != content_h) c.vs.want_frame = true;
    c.vs.scroll[id + "#h"] = content_h;
    // Keep the field being typed into visible above the keyboard (UI.md: the keyboard never covers it).
    if (c.vs.focus_seen && c.app.focused() != c.vs.last_focus) {
        float& off = c.vs.scroll[id];
        if (c.vs.focus_y1 > bottom - 8) off += c.vs.focus_y1 - (bottom - 8);
        else if (c.vs.focus_y0 < top) off -= top - c.vs.focus_y0;
        c.vs.last_focus = c.app.focused();
        c.vs.want_frame = true;
    }
    if (!c.app.focused()) c.vs.last_focus = nullptr;
    // More below the fold: say so in words, over a fade, until the resident has scrolled to the end. An elderly
    // resident does not guess that a list continues under the buttons.
    const float view_h = bottom - top;
    if (!c.app.focused() && content_h > view_h + 8 && c.vs.scroll[id] < content_h - view_h - 8) {
        auto& ui = c.ui;
        const ImU32 clear = colour::rgb(0xF4, 0xF6, 0xF9, 0), bg = colour::background;
        ui.dl->AddRectFilledMultiColor(ImVec2(0, bottom - 96), ImVec2(ui.W, bottom), clear, clear, bg, bg);
        const std::string hint = c.tr("chrome.more_below");
        const auto sz = ui.measure(hint, FontRole::small);
        const float pw = sz.x + 56, ph = ui.px(FontRole::small) + 24;
        const float px = (ui.W - pw) / 2, py = bottom - ph - 12;
        ui.dl->AddRectFilled(ImVec2(px, py), ImVec2(px + pw, py + ph), colour::brand_light, ph / 2);
        ui.text_centered(ui.W / 2, py + 10, hint, FontRole::small, colour::brand);
    }
}

void draw_qr(ViewCtx& c, const std::string& text, float x, float y, float size) {
    auto encoded = qr::encode(text);
    if (!encoded) return;
    const qr::Matrix& code = *encoded;
    const int quiet = qr::kQuietZoneModules;
    int n = code.width + 2 * quiet;
    float m = std::floor(size / static_cast<float>(n));
    c.ui.dl->AddRectFilled(ImVec2(x, y), ImVec2(x + m * static_cast<float>(n), y + m * static_cast<float>(n)), colour::white);
    for (int r = 0; r < code.width; ++r)
        for (int col = 0; col < code.width; ++col)
            if (code.at(col, r)) {
                float px = x + m * static_cast<float>(col + quiet), py = y + m * static_cast<float>(r + quiet);
                c.ui.dl->AddRectFilled(ImVec2(px, py), ImVec2(px + m, py + m), colour::text);
            }
}

std::string age_words(ViewCtx& c, std::int64_t ms) {
    auto minutes = ms / 60000;
    if (minutes < 1) return c.tr("status.age_now");
    if (minutes < 60) return c.app.i18n().fmt("status.age_minutes", {std::to_string(minutes)});
    if (minutes < 48 * 60) return c.app.i18n().fmt("status.age_hours", {std::to_string(minutes / 60)});
    return c.app.i18n().fmt("status.age_days", {std::to_string(minutes / 1440)});
}

namespace {
enum class Tone { warning, error, success };

// One notice box for all three tones: a light band with a coloured bar on the left and the words.
float draw_notice(ViewCtx& c, float x, float y, float w, const std::string& msg, Tone tone) {
    if (msg.empty()) return 0;
    auto& ui = c.ui;
    const ImU32 band = tone == Tone::error ? colour::red_light : tone == Tone::success ? colour::green_light : colour::amber_light;
    const ImU32 bar = tone == Tone::error ? colour::red : tone == Tone::success ? colour::green : colour::amber;
    float h = ui.paragraph(x + 28, 0, w - 56, msg, FontRole::body, 0, 1.35f, false) + 32;
    ui.dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), band, 16);
    ui.dl->AddRectFilled(ImVec2(x, y), ImVec2(x + 10, y + h), bar, 4);
    ui.paragraph(x + 28, y + 16, w - 56, msg, FontRole::body, tone == Tone::error ? colour::red : colour::text, 1.35f);
    return h;
}
}  // namespace

float draw_message(ViewCtx& c, float x, float y, float w, const std::string& msg, bool error) {
    return draw_notice(c, x, y, w, msg, error ? Tone::error : Tone::warning);
}

float draw_success(ViewCtx& c, float x, float y, float w, const std::string& msg) {
    return draw_notice(c, x, y, w, msg, Tone::success);
}

void draw_idle_warning(ViewCtx& c) {
    if (!c.app.idle_warning()) return;
    auto& ui = c.ui;
    // The only modal (UI.md): its own window on top, so taps outside its button reach nothing underneath.
    ImDrawList* under = ui.dl;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(ui.W, ui.H));
    ImGui::SetNextWindowFocus();
    ImGui::Begin("idle", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBackground);
    ui.dl = ImGui::GetWindowDrawList();
    ui.dl->AddRectFilled(ImVec2(0, 0), ImVec2(ui.W, ui.H), colour::rgb(0x10, 0x1A, 0x2A, 150));
    float w = std::min(ui.W - 120, 900.f), h = 620;
    float x = (ui.W - w) / 2, y = (ui.H - h) / 2;
    ui.card(x, y, w, h);
    ui.text_centered(ui.W / 2, y + 60, c.tr("idle.title"), FontRole::title, colour::text);
    int left = c.app.idle_seconds_left();
    ui.text_centered(ui.W / 2, y + 170, std::to_string(left), FontRole::huge, colour::amber_text);
    ui.text_centered(ui.W / 2, y + 290, c.app.i18n().fmt("idle.body", {std::to_string(left)}), FontRole::body,
                     colour::secondary);
    if (ui.button(c.tr("idle.continue"), x + 60, y + h - 200, w - 120, 140, ButtonStyle::primary, FontRole::title))
        c.act.touched();
    ImGui::End();
    ui.dl = under;
}

}  // namespace yimen::kiosk
