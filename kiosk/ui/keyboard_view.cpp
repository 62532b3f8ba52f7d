// keyboard_view.cpp — the on-screen keyboards: pinyin (letters into librime, a candidate bar with paging), latin,
// a handwriting pad (zinnia),
// and pads for digits, ID numbers (with X), money (with a point) and receipt numbers. Keys are touch targets
// labelled "key-<k>" and candidates "cand-<n>", so scripts type through the same keys a resident taps.
#include <algorithm>
#include <vector>

#include "kiosk/ui/views.hpp"

namespace yimen::kiosk {
namespace {

// Landscape keeps the keyboard compact so the field being typed into stays visible above it (UI.md).
float key_h(const Ui& ui) { return ui.landscape() ? 70.f : 104.f; }
float row_gap(const Ui& ui) { return ui.landscape() ? 10.f : 14.f; }
float bar_h(const Ui& ui) { return ui.landscape() ? 90.f : 110.f; }
float pinyin_height(const Ui& ui) { return bar_h(ui) + 4 * (key_h(ui) + row_gap(ui)) + 10; }
float pad_height(const Ui& ui) { return 4 * (key_h(ui) + row_gap(ui)) + 10; }

void key(ViewCtx& c, const std::string& k, const std::string& shown, float x, float y, float w, float h,
         ButtonStyle style, FontRole role = FontRole::header) {
    if (c.ui.button("key-" + k, x, y, w, h, style, role, shown)) {
        auto& act = c.act;
        if (k == "backspace") act.backspace();
        else if (k == "space") act.space();
        else if (k == "done") act.keyboard_done();
        else if (k == "abc") act.toggle_latin();
        else if (k == "handwriting") act.toggle_handwriting();
        else if (k == "rewrite") act.handwriting_clear();
        else act.type_char(k[0]);
    }
}


// The handwriting pad: candidates in the bar above, a large pad with a 米字格 guide on the left, and 重写 / 删除 /
// 拼音 / 完成 on the right. Presses inside the pad are pen strokes (the input layer keeps every point).
void draw_handwriting(ViewCtx& c, float top, float margin, float gap) {
    auto& ui = c.ui;
    auto& app = c.app;
    auto& hw = app.handwriting;
    const float kh = key_h(ui), rg = row_gap(ui);
    float cy = top + 6;
    if (!hw.error.empty()) {
        ui.text(margin + 8, cy + 24, hw.error, FontRole::small, colour::red);
    } else if (hw.candidates.empty()) {
        ui.text(margin + 8, cy + 24, c.tr(hw.strokes.empty() ? "kb.hw_hint" : "kb.hw_recognising"), FontRole::small,
                colour::secondary);
    } else {
        float cx = margin;
        for (std::size_t i = 0; i < hw.candidates.size(); ++i) {
            auto sz = ui.measure(hw.candidates[i], FontRole::header);
            float w = std::max(96.f, sz.x + 36);
            if (cx + w > ui.W - margin) break;
            if (ui.button("cand-" + std::to_string(i + 1), cx, cy + 6, w, bar_h(ui) - 18,
                          i == 0 ? ButtonStyle::primary : ButtonStyle::key, FontRole::header, hw.candidates[i]))
                c.act.handwriting_pick(static_cast<int>(i));
            cx += w + 10;
        }
    }
    const float y0 = top + bar_h(ui);
    const float area_h = 4 * (kh + rg) - rg;
    // Wide enough to write in comfortably, but not a letterbox (the recogniser sees a square around the strokes);
    // the buttons beside it keep a sensible width, and in landscape the pair is centred under the field.
    const float buttons_w = ui.landscape() ? 360.f : 0.f;
    float pad_w = std::min({ui.W * 0.62f, ui.W - 2 * margin - gap - 240, area_h * (ui.landscape() ? 2.f : 1.5f)});
    const float group_w = ui.landscape() ? pad_w + gap + buttons_w : ui.W - 2 * margin;
    const float gx = ui.landscape() ? (ui.W - group_w) / 2 : margin;
    const ImVec2 p0(gx, y0), p1(gx + pad_w, y0 + area_h);
    ui.dl->AddRectFilled(p0, p1, colour::white, 16);
    ui.dl->AddRect(p0, p1, colour::rgb(0xB8, 0xC4, 0xD2), 16, 0, 2.f);
    // 米字格: where a character goes, as on a school exercise book.
    const ImU32 guide = colour::rgb(0xE2, 0xE7, 0xEE);
    const float mx = (p0.x + p1.x) / 2, my = (p0.y + p1.y) / 2;
    ui.dl->AddLine(ImVec2(p0.x + 12, my), ImVec2(p1.x - 12, my), guide, 2.f);
    ui.dl->AddLine(ImVec2(mx, p0.y + 12), ImVec2(mx, p1.y - 12), guide, 2.f);
    const float half = area_h / 2 - 12;
    ui.dl->AddLine(ImVec2(mx - half, my - half), ImVec2(mx + half, my + half), guide, 2.f);
    ui.dl->AddLine(ImVec2(mx - half, my + half), ImVec2(mx + half, my - half), guide, 2.f);
    const ImU32 ink = colour::rgb(0x1A, 0x22, 0x2E);
    const float pen = ui.landscape() ? 7.f : 9.f;
    auto stroke = [&](const std::vector<ImVec2>& pts) {
        if (pts.size() == 1) ui.dl->AddCircleFilled(pts[0], pen / 2, ink, 12);
        else ui.dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), ink, 0, pen);
    };
    std::vector<ImVec2> pts;
    for (const auto& s : hw.strokes) {
        pts.clear();
        for (const auto& p : s) pts.emplace_back(p0.x + static_cast<float>(p.x), p0.y + static_cast<float>(p.y));
        stroke(pts);
    }
    if (c.vs.ink_live && !c.vs.ink_live->empty()) {
        pts.clear();
        for (const auto& p : *c.vs.ink_live) pts.emplace_back(p.x, p.y);
        stroke(pts);
    }
    ui.record_target("handwriting-pad", p0.x, p0.y, pad_w, area_h);
    c.vs.ink_area = true;
    c.vs.ink_x0 = p0.x;
    c.vs.ink_y0 = p0.y;
    c.vs.ink_x1 = p1.x;
    c.vs.ink_y1 = p1.y;

    const float bx = p1.x + gap, bw = ui.landscape() ? buttons_w : ui.W - margin - bx;
    float by = y0;
    key(c, "rewrite", c.tr("kb.rewrite"), bx, by, bw, kh, ButtonStyle::key_dark, FontRole::body);
    by += kh + rg;
    key(c, "backspace", c.tr("kb.backspace"), bx, by, bw, kh, ButtonStyle::key_dark, FontRole::body);
    by += kh + rg;
    key(c, "handwriting", c.tr("kb.pinyin"), bx, by, bw, kh, ButtonStyle::key_dark, FontRole::body);
    by += kh + rg;
    key(c, "done", c.tr("kb.done"), bx, by, bw, kh, ButtonStyle::primary, FontRole::body);
}

}  // namespace

float keyboard_top(ViewCtx& c) {
    const TextField* f = c.app.focused();
    float bottom = nav_top(c.ui) - 24;
    if (!f) return nav_top(c.ui) - 16;
    return bottom - (f->kind == InputKind::chinese ? pinyin_height(c.ui) : pad_height(c.ui)) - 8;
}

float draw_keyboard(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    const TextField* f = app.focused();
    float bottom = nav_top(ui) - 24;
    if (!f) return nav_top(ui);
    bool pinyin = f->kind == InputKind::chinese;
    float h = pinyin ? pinyin_height(ui) : pad_height(ui);
    float top = bottom - h;
    ui.dl->AddRectFilled(ImVec2(0, top - 8), ImVec2(ui.W, bottom + 16), colour::rgb(0xDD, 0xE3, 0xEA));
    float gap = 12, margin = 16;
    const float kh = key_h(ui), rg = row_gap(ui);
    if (pinyin && app.handwriting.on) {
        draw_handwriting(c, top, margin, gap);
    } else if (pinyin) {
        // Candidate bar: preedit on the left, candidates, paging.
        float cy = top + 6;
        std::string pre = app.preedit();
        float cx = margin;
        if (!app.pinyin_ready()) {
            ui.text(margin + 8, cy + 24, c.tr("kb.loading"), FontRole::small, colour::secondary);
        } else if (!pre.empty() && !app.latin()) {
            auto sz = ui.measure(pre, FontRole::small);
            ui.dl->AddRectFilled(ImVec2(cx, cy + 14), ImVec2(cx + sz.x + 32, cy + 82), colour::brand, 12);
            ui.text(cx + 16, cy + 26, pre, FontRole::small, colour::white);
            cx += sz.x + 48;
            auto cands = app.candidates();
            bool more = app.candidates_more(), less = app.candidates_less();
            float right_reserved = (more || less) ? 2 * 88 + gap : 0;
            for (std::size_t i = 0; i < cands.size(); ++i) {
                // Candidates at body size: its atlas holds GB2312, so paging never forces a rebuild.
                auto sz2 = ui.measure(cands[i], FontRole::body);
                float w = std::max(88.f, sz2.x + 36);
                if (cx + w > ui.W - margin - right_reserved) break;
                if (ui.button("cand-" + std::to_string(i + 1), cx, cy + 6, w, bar_h(ui) - 18, ButtonStyle::key, FontRole::body,
                              cands[i]))
                    c.act.pick_candidate(static_cast<int>(i));
                cx += w + 10;
            }
            if (less && ui.button("cand-prev", ui.W - margin - 2 * 88 - gap, cy + 6, 88, bar_h(ui) - 18, ButtonStyle::key_dark,
                                  FontRole::header, "‹"))
                c.act.candidate_page(false);
            if (more && ui.button("cand-next", ui.W - margin - 88, cy + 6, 88, bar_h(ui) - 18, ButtonStyle::key_dark,
                                  FontRole::header, "›"))
                c.act.candidate_page(true);
        } else {
            ui.text(margin + 8, cy + 24, app.latin() ? c.tr("kb.latin_hint") : c.tr("kb.pinyin_hint"),
                    FontRole::small, colour::secondary);
        }
        float y = top + bar_h(ui);
        const char* rows[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
        float kw = (ui.W - 2 * margin - 9 * gap) / 10;
        for (int r = 0; r < 3; ++r) {
            std::string row = rows[r];
            float rw = static_cast<float>(row.size()) * kw + static_cast<float>(row.size() - 1) * gap;
            float x = r == 2 ? margin + kw * 1.5f + gap : (ui.W - rw) / 2;
            for (char ch : row) {
                std::string k(1, ch);
                key(c, k, k, x, y, kw, kh, ButtonStyle::key);
                x += kw + gap;
            }
            if (r == 2) key(c, "backspace", c.tr("kb.backspace"), x, y, ui.W - margin - x, kh, ButtonStyle::key_dark, FontRole::body);
            y += kh + rg;
        }
        float w1 = kw * 2 + gap;
        key(c, "abc", app.latin() ? c.tr("kb.to_chinese") : c.tr("kb.to_latin"), margin, y, w1, kh, ButtonStyle::key_dark, FontRole::body);
        // 手写 for residents who cannot type pinyin (UI.md): one tap away on every Chinese field.
        key(c, "handwriting", c.tr("kb.handwriting"), margin + w1 + gap, y, w1, kh, ButtonStyle::key_dark,
            FontRole::body);
        key(c, "space", c.tr("kb.space"), margin + 2 * (w1 + gap), y, ui.W - 2 * margin - 3 * (w1 + gap), kh,
            ButtonStyle::key, FontRole::body);
        key(c, "done", c.tr("kb.done"), ui.W - margin - w1, y, w1, kh, ButtonStyle::primary, FontRole::body);
    } else {
        // Pads: 3 columns of wide keys, with a done key on the right.
        float done_w = 220;
        float kw = (ui.W - 2 * margin - done_w - 3 * gap) / 3;
        float y = top + 12;
        std::string extra = f->kind == InputKind::money ? "." :
                            (f->kind == InputKind::id_number || f->kind == InputKind::receipt) ? "X" : "";
        const char* digits = "123456789";
        for (int i = 0; i < 9; ++i) {
            float x = margin + static_cast<float>(i % 3) * (kw + gap);
            float ky = y + static_cast<float>(i / 3) * (kh + rg);
            std::string k(1, digits[i]);
            key(c, k, k, x, ky, kw, kh, ButtonStyle::key, FontRole::title);
        }
        float ky = y + 3 * (kh + rg);
        if (!extra.empty()) key(c, extra, extra, margin, ky, kw, kh, ButtonStyle::key_dark, FontRole::title);
        key(c, "0", "0", margin + kw + gap, ky, kw, kh, ButtonStyle::key, FontRole::title);
        key(c, "backspace", c.tr("kb.backspace"), margin + 2 * (kw + gap), ky, kw, kh, ButtonStyle::key_dark, FontRole::header);
        key(c, "done", c.tr("kb.done"), ui.W - margin - done_w, y, done_w, 4 * kh + 3 * rg, ButtonStyle::primary,
            FontRole::header);
    }
    return top - 8;
}

}  // namespace yimen::kiosk
