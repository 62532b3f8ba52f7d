// view_complaint.cpp — 投诉建议: category, text (pinyin keyboard), anonymous or a contact number; then the 投诉回执
// number and its query code, shown large.
#include "kiosk/model/text.hpp"
#include "kiosk/ui/targets.hpp"
#include "kiosk/ui/views.hpp"

namespace yimen::kiosk {

void draw_complaint(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    auto& s = app.complaint;
    draw_header(c, c.tr("home.complaint"));
    float top = 170;
    float bottom = keyboard_top(c);
    float x = 48, w = ui.W - 96;
    float y0 = begin_content(c, "complaint", top, bottom);
    float y = y0 + 8;
    bool left = false, right = false;
    std::string left_label = c.tr("nav.home"), right_label;
    if (s.phase == ComplaintPhase::form) {
        ui.text(x, y, c.tr("complaint.title"), FontRole::title, colour::text);
        y += ui.px(FontRole::title) + 16;
        y += ui.paragraph(x, y, w, c.tr("complaint.sub"), FontRole::small, colour::secondary, 1.35f) + 24;
        ui.text(x, y, c.tr("complaint.category"), FontRole::body, colour::text);
        y += ui.px(FontRole::body) + 20;
        float cx = x, h = 92, gap = 16;
        for (auto& code : complaint_categories()) {
            std::string label = c.tr("complaint.cat." + code);
            float cw = ui.measure(label, FontRole::body).x + 96;
            if (cx + cw > x + w && cx > x) {
                cx = x;
                y += h + gap;
            }
            if (ui.chip(label, cx, y, cw, h, s.category == code)) c.act.complaint_category(code);
            cx += cw + gap;
        }
        y += h + 32;
        bound_field(c, target::complaint_text, s.text, x, y, w);
        y += ui.field_height() + 16;
        if (utf8::length(s.text.value) > 12) {
            float ph = ui.paragraph(x + 28, 0, w - 56, s.text.value, FontRole::body, 0, 1.4f, false);
            ui.card(x, y, w, ph + 40, 16);
            ui.paragraph(x + 28, y + 20, w - 56, s.text.value, FontRole::body, colour::text);
            y += ph + 60;
        }
        y += 8;
        if (ui.check_row(c.tr("complaint.anonymous"), x, y, w, 110, s.anonymous, c.tr("complaint.anonymous_note")))
            c.act.complaint_toggle_anonymous();
        y += 126;
        if (!s.anonymous) {
            bound_field(c, target::phone, s.contact, x, y, w);
            y += ui.field_height() + 24;
        }
        if (!s.error.empty()) {
            y += draw_message(c, x, y, w, s.error, true) + 24;
        }
        right_label = c.tr("complaint.submit");
    } else {
        ui.text(x, y, c.tr("complaint.done"), FontRole::title, colour::green);
        y += ui.px(FontRole::title) + 28;
        ui.card(x, y, w, 470);
        ui.text(x + 36, y + 32, c.tr("done.number"), FontRole::small, colour::secondary);
        ui.text(x + 36, y + 80, group4(s.receipt_number), FontRole::huge, colour::text);
        ui.text(x + 36, y + 210, c.tr("complaint.code"), FontRole::small, colour::secondary);
        ui.text(x + 36, y + 258, s.query_code, FontRole::huge, colour::brand);
        ui.paragraph(x + 36, y + 380, w - 72, c.tr("complaint.code_note"), FontRole::small, colour::secondary, 1.35f);
        y += 500;
        if (app.printing.busy || !app.printing.message.empty()) {
            y += (!app.printing.busy && app.printing.ok)
                     ? draw_success(c, x, y, w, app.printing.message)  // printed: good news, in green
                     : draw_message(c, x, y, w, app.printing.busy ? c.tr("print.printing") : app.printing.message,
                                    !app.printing.busy && !app.printing.ok);
            y += 24;
        }
        left_label = c.tr("nav.finish");  // bottom-left, as on every screen
        right_label.clear();
    }
    end_content(c, "complaint", top, bottom, y0, y);
    draw_keyboard(c);
    draw_nav(c, left_label, right_label, left, right);
    if (left) c.act.go_home();
    if (right) {
        if (s.phase == ComplaintPhase::form) c.act.complaint_submit();
        else c.act.go_home();
    }
}

}  // namespace yimen::kiosk
