// keyboard_view.cpp — the on-screen keyboards: pinyin (letters into librime, a candidate bar with paging), latin,
// and pads for digits, ID numbers (with X), money (with a point) and receipt numbers. Keys are touch targets
// labelled "key-<k>" and candidates "cand-<n>", so scripts type through the same keys a resident taps.
#include <algorithm>

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
        auto& app = c.app;
        if (k == "backspace") app.backspace();
        else if (k == "space") app.space();
        else if (k == "done") app.keyboard_done();
        else if (k == "abc") app.toggle_latin();
        else app.type_char(k[0]);
    }
}

}  // namespace

float keyboard_top(ViewCtx& c) {
    TextField* f = c.app.focused();
    float bottom = nav_top(c.ui) - 24;
    if (!f) return nav_top(c.ui) - 16;
    return bottom - (f->kind == InputKind::chinese ? pinyin_height(c.ui) : pad_height(c.ui)) - 8;
}

float draw_keyboard(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    TextField* f = app.focused();
    float bottom = nav_top(ui) - 24;
    if (!f) return nav_top(ui);
    bool pinyin = f->kind == InputKind::chinese;
    float h = pinyin ? pinyin_height(ui) : pad_height(ui);
    float top = bottom - h;
    ui.dl->AddRectFilled(ImVec2(0, top - 8), ImVec2(ui.W, bottom + 16), colour::rgb(0xDD, 0xE3, 0xEA));
    float gap = 12, margin = 16;
    const float kh = key_h(ui), rg = row_gap(ui);
    if (pinyin) {
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
                    app.pick_candidate(static_cast<int>(i));
                cx += w + 10;
            }
            if (less && ui.button("cand-prev", ui.W - margin - 2 * 88 - gap, cy + 6, 88, bar_h(ui) - 18, ButtonStyle::key_dark,
                                  FontRole::header, "‹"))
                app.candidate_page(false);
            if (more && ui.button("cand-next", ui.W - margin - 88, cy + 6, 88, bar_h(ui) - 18, ButtonStyle::key_dark,
                                  FontRole::header, "›"))
                app.candidate_page(true);
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
        key(c, "abc", app.latin() ? "中" : "英", margin, y, w1, kh, ButtonStyle::key_dark, FontRole::body);
        key(c, "space", c.tr("kb.space"), margin + w1 + gap, y, ui.W - 2 * margin - 2 * (w1 + gap), kh,
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
