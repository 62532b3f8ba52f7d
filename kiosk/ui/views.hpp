// views.hpp — one draw function per screen (ImGui, through Ui). A view reads the app model (const: it cannot write
// it) and turns taps into intents (kiosk/model/intents.hpp); it opens no database, socket or printer. Shared chrome: header, steps, bottom buttons, keyboard.
#pragma once
#include <map>
#include <string>

#include "kiosk/model/kiosk_app.hpp"
#include "kiosk/ui/input.hpp"
#include "kiosk/ui/theme.hpp"

namespace yimen::kiosk {

// Presentation state that is not the resident's data (kept across frames, reset with the session).
struct ViewState {
    std::map<std::string, float> scroll;
    bool elderly = false;
    bool reading = false;
    std::string speak_request;    // text the read-aloud control asked to speak
    std::string last_spoken;      // with 朗读 on, each new screen title is read once
    float focus_y0 = 0, focus_y1 = 0;  // the focused field's box in screen space (this frame)
    bool focus_seen = false;
    const TextField* last_focus = nullptr;
    bool want_frame = false;      // a view asks for one more frame (auto-scroll settling)
    // The handwriting pad drawn this frame (the input layer turns presses inside it into strokes) and the stroke
    // the finger is drawing right now (logical px).
    bool ink_area = false;
    float ink_x0 = 0, ink_y0 = 0, ink_x1 = 0, ink_y1 = 0;
    const std::vector<InputLayer::Point>* ink_live = nullptr;
};

struct ViewCtx {
    Ui& ui;
    const KioskApp& app;  // what to draw
    KioskIntents& act;    // what a tap asks for
    ViewState& vs;
    const std::string& tr(const std::string& k) const { return app.tr(k); }
};

// ---- chrome (chrome.cpp) ----
float draw_header(ViewCtx& c, const std::string& title);
// A header pill that toggles (朗读, 长辈模式); true when tapped.
bool header_toggle(ViewCtx& c, const std::string& label, bool on, float x, float y, float w, float h);
// 朗读: toggles reading and reads `title` (and each new screen's title while on).
void read_aloud_toggle(ViewCtx& c, const std::string& title, float x, float y, float w, float h);
// "第 N 步，共 M 步：…" with the progress bar and the idle countdown; returns the y below it.
float draw_steps(ViewCtx& c, float y, int step, int count, const std::string& step_title);
// Bottom-left and bottom-right buttons (either may be empty). Sets the flags when tapped.
void draw_nav(ViewCtx& c, const std::string& left, const std::string& right, bool& left_tapped, bool& right_tapped);
float nav_top(const Ui& ui);
// The on-screen keyboard for the focused field, docked above the nav bar. Returns its top (or nav top).
float draw_keyboard(ViewCtx& c);
// Where the keyboard will start this frame (content ends above it).
float keyboard_top(ViewCtx& c);
void draw_idle_warning(ViewCtx& c);
// A field bound to the model: tapping focuses it; records its box for auto-scroll.
void bound_field(ViewCtx& c, const std::string& target, const TextField& f, float x, float y, float w,
                 const std::string& feedback = "", ImU32 feedback_col = colour::green);
// Scrollable content area for a screen; returns the y where content starts (already offset).
float begin_content(ViewCtx& c, const std::string& id, float top, float bottom);
// `end_y`: where the content ended (screen space, as returned by drawing from begin_content's y).
void end_content(ViewCtx& c, const std::string& id, float top, float bottom, float start_y, float end_y);
// A receipt number as a QR code drawn from modules.
void draw_qr(ViewCtx& c, const std::string& text, float x, float y, float size);
// "刚刚", "12 分钟前", "3 小时前", "2 天前": how old something is, in words.
std::string age_words(ViewCtx& c, std::int64_t ms);
// Returns the height it took (0 for an empty message).
float draw_message(ViewCtx& c, float x, float y, float w, const std::string& msg, bool error);
// A done action (green), e.g. staff's "已受理"; returns the height.
float draw_success(ViewCtx& c, float x, float y, float w, const std::string& msg);

// The ID card reader's hint, the read card to confirm, or its problem (view_idcard.cpp); returns the height.
float draw_id_card(ViewCtx& c, float x, float y, float w);

void draw_home(ViewCtx& c);
void draw_intake(ViewCtx& c);
void draw_status(ViewCtx& c);
void draw_rating(ViewCtx& c);
void draw_complaint(ViewCtx& c);
void draw_policy(ViewCtx& c);
void draw_staff(ViewCtx& c);

}  // namespace yimen::kiosk
