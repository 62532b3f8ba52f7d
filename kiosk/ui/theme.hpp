// theme.hpp — the kiosk's look (UI.md): light, large, calm. Everything is drawn with ImGui's draw list at absolute
// positions; ImGui supplies hit-testing and the active (pressed) state. Each touch target's rectangle is recorded
// as it is drawn, under its label, so scripts and UI tests can tap by label.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

#include "kiosk/model/fields.hpp"
#include "kiosk/ui/fonts.hpp"

namespace yimen::kiosk {

class InputLayer;

namespace colour {
inline constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) {
    return (a << 24) | (b << 16) | (g << 8) | r;
}
inline constexpr ImU32 background = rgb(0xF4, 0xF6, 0xF9);
inline constexpr ImU32 card = rgb(0xFF, 0xFF, 0xFF);
inline constexpr ImU32 shadow = rgb(0x1F, 0x2D, 0x3D, 20);
inline constexpr ImU32 brand = rgb(0x1F, 0x4E, 0x8C);
inline constexpr ImU32 brand_dark = rgb(0x16, 0x3A, 0x6A);
inline constexpr ImU32 brand_light = rgb(0xE6, 0xEE, 0xF8);
inline constexpr ImU32 amber = rgb(0xF0, 0xA5, 0x00);
inline constexpr ImU32 amber_light = rgb(0xFD, 0xF3, 0xDC);
inline constexpr ImU32 amber_text = rgb(0x8A, 0x5A, 0x00);  // amber as text: 5:1 on the background, not 2:1
inline constexpr ImU32 green = rgb(0x2E, 0x7D, 0x32);
inline constexpr ImU32 green_light = rgb(0xE8, 0xF5, 0xE9);
inline constexpr ImU32 red = rgb(0xC6, 0x28, 0x28);
inline constexpr ImU32 red_light = rgb(0xFD, 0xEC, 0xEC);
inline constexpr ImU32 text = rgb(0x1A, 0x22, 0x33);
inline constexpr ImU32 secondary = rgb(0x55, 0x5F, 0x6D);
inline constexpr ImU32 muted = rgb(0x5F, 0x69, 0x78);  // still readable (5:1) for steps not reached yet
inline constexpr ImU32 line = rgb(0xC9, 0xD1, 0xDC);
inline constexpr ImU32 soft = rgb(0xE3, 0xE8, 0xEF);
inline constexpr ImU32 soft_pressed = rgb(0xCC, 0xD5, 0xE1);
inline constexpr ImU32 white = rgb(0xFF, 0xFF, 0xFF);
inline constexpr ImU32 footer = rgb(0xE6, 0xEB, 0xF2);
}  // namespace colour

enum class ButtonStyle { primary, secondary, plain, danger, key, key_dark };

struct TouchTarget {
    std::string label;
    float x0, y0, x1, y1;
    float cx() const { return (x0 + x1) / 2; }
    float cy() const { return (y0 + y1) / 2; }
};

class Ui {
public:
    Ui(FontManager& fonts, InputLayer& input) : fonts_(fonts), input_(input) {}

    void begin(float width, float height, bool elderly);
    void end();
    float W = 1080, H = 1920;
    bool elderly = false;
    bool landscape() const { return W > H; }
    ImDrawList* dl = nullptr;

    ImFont* font(FontRole r) const;
    float px(FontRole r) const;

    // ---- text -------------------------------------------------------------------------------------------------
    ImVec2 measure(const std::string& s, FontRole r);
    void text(float x, float y, const std::string& s, FontRole r, ImU32 col);
    void text_centered(float cx, float y, const std::string& s, FontRole r, ImU32 col);
    // Wrapped text (CJK by character, Latin by word, no closing punctuation at a line start); returns the height.
    float paragraph(float x, float y, float width, const std::string& s, FontRole r, ImU32 col, float spacing = 1.4f,
                    bool draw = true);
    // Text with \x01…\x02 highlight markers (search snippets).
    float highlighted(float x, float y, float width, const std::string& s, FontRole r, ImU32 col, ImU32 mark);

    // ---- shapes -----------------------------------------------------------------------------------------------
    void card(float x, float y, float w, float h, float radius = 24.f);
    // A card behind content whose height is known only after drawing it: card_begin(), draw, card_end(box).
    void card_begin() {
        dl->ChannelsSplit(2);
        dl->ChannelsSetCurrent(1);
    }
    void card_end(float x, float y, float w, float h, float radius = 24.f) {
        dl->ChannelsSetCurrent(0);
        card(x, y, w, h, radius);
        dl->ChannelsMerge();
    }
    void progress(float x, float y, float w, int done, int total);

    // ---- touch targets ----------------------------------------------------------------------------------------
    // A hit area with pressed feedback; true on the frame it was tapped. `label` is how scripts address it.
    bool hit(const std::string& label, float x, float y, float w, float h, bool* pressed = nullptr);
    bool button(const std::string& label, float x, float y, float w, float h, ButtonStyle style,
                FontRole r = FontRole::header, const std::string& shown = "");
    bool tile(const std::string& title, const std::string& subtitle, float x, float y, float w, float h);
    bool chip(const std::string& label, float x, float y, float w, float h, bool selected,
              FontRole r = FontRole::body);
    bool check_row(const std::string& label, float x, float y, float w, float h, bool checked,
                   const std::string& note = "");
    // A text field drawn from plain data; tapping it focuses it. `target` labels the hit area.
    bool field(const std::string& target, const std::string& label, const TextField& f, float x, float y, float w,
               bool focused, const std::string& feedback = "", ImU32 feedback_col = colour::green,
               const std::string& caret_text = "");
    float field_height() const;

    // ---- scrolling ----------------------------------------------------------------------------------------------
    // Content drawn between begin_scroll and end_scroll moves by `offset`; a drag that started inside scrolls it.
    float begin_scroll(const std::string& id, float x, float y, float w, float h, float& offset, float content_h);
    void end_scroll();

    // A labelled area that is not a button (the handwriting pad), so scripts and tests can find it.
    void record_target(const std::string& label, float x, float y, float w, float h) {
        targets_.push_back({label, x, y, x + w, y + h});
    }
    const std::vector<TouchTarget>& targets() const { return targets_; }
    const std::vector<TouchTarget>& last_targets() const { return last_targets_; }
    FontManager& fonts() { return fonts_; }

private:
    void note(const std::string& s, FontRole r);

    FontManager& fonts_;
    InputLayer& input_;
    std::vector<TouchTarget> targets_;
    std::vector<TouchTarget> last_targets_;
    float clip_y0_ = -1e9f, clip_y1_ = 1e9f;
};

// Draws the digits of a receipt number in groups of four.
std::string grouped_receipt(const std::string& receipt);

}  // namespace yimen::kiosk
