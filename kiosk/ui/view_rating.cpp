// view_rating.cpp — 满意度评价: five faces drawn as vector shapes (the kiosk has no emoji font), stars for the
// sub-indicators, reasons and a call-back number for low grades, then the awareness quiz with explanations.
#include <cmath>

#include "kiosk/model/text.hpp"
#include "kiosk/ui/targets.hpp"
#include "kiosk/ui/views.hpp"

namespace yimen::kiosk {
namespace {

void face(ImDrawList* dl, ImVec2 c, float r, int level, bool selected) {
    ImU32 col = colour::brand;
    dl->AddCircleFilled(c, r, colour::white, 48);
    dl->AddCircle(c, r, col, 48, selected ? 8.f : 3.f);
    if (selected) dl->AddCircle(c, r + 12, col, 48, 5.f);
    float e = r * 0.32f;
    dl->AddCircleFilled(ImVec2(c.x - e, c.y - r * 0.2f), r * 0.09f, col, 16);
    dl->AddCircleFilled(ImVec2(c.x + e, c.y - r * 0.2f), r * 0.09f, col, 16);
    float mw = r * 0.45f, my = c.y + r * 0.3f;
    float curve = level == 5 ? 0.3f : level == 4 ? 0.18f : level == 3 ? 0.f : level == 2 ? -0.15f : -0.3f;
    if (curve == 0.f) {
        dl->AddLine(ImVec2(c.x - mw, my), ImVec2(c.x + mw, my), col, 5);
        return;
    }
    float yy = curve < 0 ? my + r * 0.08f : my - r * 0.05f;
    dl->AddBezierQuadratic(ImVec2(c.x - mw, yy), ImVec2(c.x, yy + curve * r * 1.6f), ImVec2(c.x + mw, yy), col, 5, 24);
}

void star(ImDrawList* dl, ImVec2 c, float r, bool filled) {
    ImVec2 pts[10];
    for (int i = 0; i < 10; ++i) {
        float a = -3.14159265f / 2 + static_cast<float>(i) * 3.14159265f / 5;
        float rr = i % 2 == 0 ? r : r * 0.45f;
        pts[i] = ImVec2(c.x + std::cos(a) * rr, c.y + std::sin(a) * rr);
    }
    if (filled) {
        // A star is concave: fill it as a fan of triangles around the centre, without anti-aliasing (each
        // triangle's fringe would show as a seam inside); the outline below smooths the outer edge.
        const ImDrawListFlags flags = dl->Flags;
        dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
        for (int i = 0; i < 10; ++i) dl->AddTriangleFilled(c, pts[i], pts[(i + 1) % 10], colour::amber);
        dl->Flags = flags;
    }
    dl->AddPolyline(pts, 10, filled ? colour::amber : colour::muted, ImDrawFlags_Closed, 3);
}

}  // namespace

void draw_rating(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    auto& r = app.rating;
    const auto& model = app.data().rating;
    draw_header(c, c.tr("home.rating"));
    float top = 170;
    float bottom = keyboard_top(c);
    float x = 48, w = ui.W - 96;
    float y0 = begin_content(c, "rating", top, bottom);
    float y = y0 + 8;
    bool left = false, right = false;
    std::string left_label, right_label;

    if (r.phase == RatingPhase::grade) {
        ui.text(x, y, c.tr("rating.title"), FontRole::title, colour::text);
        y += ui.px(FontRole::title) + 16;
        y += ui.paragraph(x, y, w, c.tr("rating.sub"), FontRole::small, colour::secondary, 1.35f) + 16;
        bound_field(c, target::receipt, r.receipt, x, y, w);
        y += ui.field_height() + 32;
        float n = static_cast<float>(model.levels().size());
        float slot = w / n;
        float rad = std::min(84.f, slot / 2 - 14);
        for (std::size_t i = 0; i < model.levels().size(); ++i) {
            const auto& lv = model.levels()[i];
            float cx = x + slot * (static_cast<float>(i) + 0.5f);
            bool sel = r.level == lv.level;
            bool pressed = false;
            if (ui.hit(lv.name, cx - slot / 2 + 4, y, slot - 8, rad * 2 + 90, &pressed)) {
                c.act.rating_grade(lv.level);
            }
            face(ui.dl, ImVec2(cx, y + rad + 12), pressed ? rad - 4 : rad, lv.level, sel);
            ui.text_centered(cx, y + 2 * rad + 40, lv.name, FontRole::small, sel ? colour::brand : colour::text);
        }
        y += 2 * rad + 120;

        float ch = 96 + static_cast<float>(model.sub_indicators().size()) * 100;
        ui.card(x, y, w, ch);
        ui.text(x + 36, y + 28, c.tr("rating.subs"), FontRole::small, colour::secondary);
        float ry = y + 84;
        for (auto& sub : model.sub_indicators()) {
            ui.text(x + 36, ry + 16, sub.name, FontRole::body, colour::text);
            auto found = r.subs.find(sub.code);
            int v = found != r.subs.end() ? found->second : 0;
            for (int k = 1; k <= 5; ++k) {
                float sx = x + 400 + static_cast<float>(k - 1) * 100;
                if (ui.hit(sub.name + " " + std::to_string(k), sx, ry, 88, 88)) c.act.rating_sub(sub.code, k);
                star(ui.dl, ImVec2(sx + 44, ry + 44), 34, k <= v);
            }
            ry += 100;
        }
        y += ch + 32;
        if (r.level > 0 && model.is_low(r.level)) {
            ui.text(x, y, c.tr("rating.reasons"), FontRole::body, colour::text);
            y += ui.px(FontRole::body) + 20;
            float cx = x, h = 88, gap = 16;
            for (auto& reason : model.low_grade_reasons()) {
                float cw = ui.measure(reason.name, FontRole::body).x + 96;
                if (cx + cw > x + w && cx > x) {
                    cx = x;
                    y += h + gap;
                }
                bool sel = r.reasons.count(reason.code) > 0;
                if (ui.chip(reason.name, cx, y, cw, h, sel)) c.act.rating_toggle_reason(reason.code);
                cx += cw + gap;
            }
            y += h + 32;
            bound_field(c, target::callback_phone, r.phone, x, y, w);
            y += ui.field_height() + 24;
        }
        float qh = ui.paragraph(0, 0, w - 72, c.tr("rating.quiz_note"), FontRole::small, 0, 1.4f, false) + 48;
        ui.card(x, y, w, qh, 20);
        ui.paragraph(x + 36, y + 24, w - 72, c.tr("rating.quiz_note"), FontRole::small, colour::secondary, 1.4f);
        y += qh + 24;
        if (!r.error.empty()) {
            y += draw_message(c, x, y, w, r.error, true) + 24;
        }
        left_label = c.tr("rating.skip");
        right_label = c.tr("rating.submit");
    } else if (r.phase == RatingPhase::quiz && r.question < static_cast<int>(r.questions.size())) {
        const auto* q = r.questions[static_cast<std::size_t>(r.question)];
        ui.text(x, y, app.i18n().fmt("quiz.progress", {std::to_string(r.question + 1), std::to_string(r.questions.size())}),
                FontRole::small, colour::secondary);
        y += ui.px(FontRole::small) + 20;
        y += ui.paragraph(x, y, w, q->text, FontRole::header, colour::text, 1.4f) + 24;
        for (std::size_t i = 0; i < q->choices.size(); ++i) {
            float ph = ui.paragraph(0, 0, w - 140, q->choices[i], FontRole::body, 0, 1.4f, false);
            float h = std::max(110.f, ph + 44);
            bool chosen = r.chosen == static_cast<int>(i);
            bool right_one = r.chosen >= 0 && q->answer == static_cast<int>(i);
            bool pressed = false;
            std::string label = std::string(1, static_cast<char>('A' + i)) + " " + q->choices[i];
            if (ui.hit(label, x, y, w, h, &pressed) && r.chosen < 0) c.act.rating_answer(static_cast<int>(i));
            ImU32 bg = right_one ? colour::rgb(0xE8, 0xF5, 0xE9) : chosen ? colour::red_light : pressed ? colour::brand_light : colour::white;
            ui.dl->AddRectFilled(ImVec2(x, y), ImVec2(x + w, y + h), bg, 18);
            ui.dl->AddRect(ImVec2(x, y), ImVec2(x + w, y + h), right_one ? colour::green : chosen ? colour::red : colour::line, 18, 0, 2.5f);
            ui.text(x + 30, y + 22, std::string(1, static_cast<char>('A' + i)), FontRole::header, colour::brand);
            ui.paragraph(x + 100, y + 22, w - 140, q->choices[i], FontRole::body, colour::text, 1.4f);
            // The right answer and the resident's choice are said in words too, not by colour alone.
            if (right_one || chosen) {
                std::string tag = c.tr(right_one ? "quiz.correct_tag" : "quiz.your_choice");
                auto tsz = ui.measure(tag, FontRole::small);
                ui.text(x + w - tsz.x - 28, y + h - ui.px(FontRole::small) - 16, tag, FontRole::small,
                        right_one ? colour::green : colour::red);
            }
            y += h + 18;
        }
        if (r.chosen >= 0) {
            bool ok = r.chosen == q->answer;
            std::string verdict = c.tr(ok ? "quiz.right" : "quiz.wrong");
            ui.text(x, y + 8, verdict, FontRole::header, ok ? colour::green : colour::red);
            y += ui.px(FontRole::header) + 24;
            y += ui.paragraph(x, y, w, q->explanation, FontRole::body, colour::text, 1.45f) + 16;
            right_label = r.question + 1 < static_cast<int>(r.questions.size()) ? c.tr("quiz.next") : c.tr("quiz.finish");
        }
        left_label = c.tr("quiz.stop");
    } else {
        ui.text(x, y, c.tr("rating.thanks"), FontRole::title, colour::green);
        y += ui.px(FontRole::title) + 24;
        y += ui.paragraph(x, y, w, c.tr("rating.thanks_sub"), FontRole::body, colour::text, 1.4f) + 16;
        if (!r.answers.empty())
            y += ui.paragraph(x, y, w,
                              r.correct == 0 ? c.tr("quiz.score_zero")
                                             : app.i18n().fmt("quiz.score", {std::to_string(r.correct),
                                                                             std::to_string(r.answers.size())}),
                              FontRole::body, colour::brand, 1.4f);
        left_label = c.tr("nav.finish");  // bottom-left, as on every screen
        right_label.clear();
    }
    end_content(c, "rating", top, bottom, y0, y);
    draw_keyboard(c);
    draw_nav(c, left_label, right_label, left, right);
    if (r.phase == RatingPhase::grade) {
        if (left) c.act.go_home();
        if (right) {
            c.act.rating_submit();
            c.vs.scroll["rating"] = 0;
        }
    } else if (r.phase == RatingPhase::quiz) {
        if (left) c.act.rating_finish();
        if (right) {
            c.act.rating_next();
            c.vs.scroll["rating"] = 0;
        }
    } else if (left || right) {
        c.act.go_home();
    }
}

}  // namespace yimen::kiosk
