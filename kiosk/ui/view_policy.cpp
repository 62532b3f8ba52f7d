// view_policy.cpp — 政策查询: search box and categories, results with highlighted snippets, an article in large
// text that scrolls by dragging (a drag is never a tap).
#include "kiosk/model/text.hpp"
#include "kiosk/ui/targets.hpp"
#include "kiosk/ui/views.hpp"

namespace yimen::kiosk {

void draw_policy(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    auto& p = app.policy;
    draw_header(c, c.tr("home.policy"));
    float x = 48, w = ui.W - 96;
    bool left = false, right = false;
    std::string left_label = c.tr("nav.home"), right_label;
    if (!p.open_article.empty()) {
        const Article* art = nullptr;
        for (auto& a : app.data().articles)
            if (a.id == p.open_article) art = &a;
        float top = 170, bottom = nav_top(ui) - 16;
        float y0 = begin_content(c, "article:" + p.open_article, top, bottom);
        float y = y0 + 8;
        if (art) {
            y += ui.paragraph(x, y, w, art->title, FontRole::title, colour::text, 1.3f) + 16;
            // Markdown, lightly: headings larger, list marks as dots, emphasis marks dropped.
            std::string body = art->body_markdown;
            std::size_t pos = 0;
            while (pos <= body.size()) {
                auto nl = body.find('\n', pos);
                std::string line = body.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
                pos = nl == std::string::npos ? body.size() + 1 : nl + 1;
                std::string clean;
                for (std::size_t i = 0; i < line.size(); ++i)
                    if (line[i] != '*' && line[i] != '`') clean += line[i];
                auto t = trim(clean);
                if (t.empty()) {
                    y += 20;
                    continue;
                }
                if (t.rfind("#", 0) == 0) {
                    while (!t.empty() && t[0] == '#') t.erase(0, 1);
                    y += 12;
                    y += ui.paragraph(x, y, w, trim(t), FontRole::header, colour::brand, 1.35f) + 8;
                } else if (t.rfind("- ", 0) == 0) {
                    y += ui.paragraph(x + 40, y, w - 40, "· " + t.substr(2), FontRole::body, colour::text, 1.5f);
                } else {
                    y += ui.paragraph(x, y, w, t, FontRole::body, colour::text, 1.5f);
                }
            }
        }
        end_content(c, "article:" + p.open_article, top, bottom, y0, y);
        left_label = c.tr("policy.back_to_list");
        draw_nav(c, left_label, right_label, left, right);
        if (left) c.act.policy_close();
        return;
    }
    float top = 170;
    float bottom = keyboard_top(c);
    float y0 = begin_content(c, "policy", top, bottom);
    float y = y0 + 8;
    ui.text(x, y, c.tr("policy.title"), FontRole::title, colour::text);
    y += ui.px(FontRole::title) + 24;
    float bw = 200;
    bound_field(c, target::search, p.query, x, y, w - bw - 24);
    if (ui.button(c.tr("policy.search"), x + w - bw, y + ui.px(FontRole::small) + 12, bw, ui.px(FontRole::input) + 44,
                  ButtonStyle::primary, FontRole::body))
        c.act.policy_search();
    y += ui.field_height() + 24;
    struct Cat {
        const char* code;
        const char* key;
    };
    static const Cat cats[] = {{"dibao", "policy.cat.dibao"}, {"tekun", "policy.cat.tekun"},
                               {"linshi_jinan", "policy.cat.linshi"}, {"general", "policy.cat.general"}};
    float cx = x, h = 88;
    for (auto& cat : cats) {
        std::string label = c.tr(cat.key);
        float cw = ui.measure(label, FontRole::body).x + 96;
        if (cx + cw > x + w) {
            cx = x;
            y += h + 16;
        }
        if (ui.chip(label, cx, y, cw, h, p.category == cat.code)) c.act.policy_category(cat.code);
        cx += cw + 16;
    }
    y += h + 28;
    if (!p.searched_for.empty())
        ui.text(x, y, app.i18n().fmt("policy.results", {p.searched_for, std::to_string(p.hits.size())}), FontRole::small,
                colour::secondary);
    y += ui.px(FontRole::small) + 20;
    for (auto& hit : p.hits) {
        float sh = ui.paragraph(0, 0, w - 72, hit.snippet, FontRole::small, 0, 1.4f, false);
        float ch = 40 + ui.px(FontRole::header) * 1.3f + sh + 24;
        bool pressed = false;
        if (ui.hit(hit.title, x, y, w, ch, &pressed)) c.act.policy_open(hit.id);
        ui.card(x, y, w, ch, 20);
        if (pressed) ui.dl->AddRect(ImVec2(x, y), ImVec2(x + w, y + ch), colour::brand, 20, 0, 4);
        ui.paragraph(x + 36, y + 24, w - 72, hit.title, FontRole::header, colour::brand, 1.3f);
        ui.highlighted(x + 36, y + 28 + ui.px(FontRole::header) * 1.3f, w - 72, hit.snippet, FontRole::small,
                       colour::secondary, colour::amber_text);
        y += ch + 20;
    }
    if (p.hits.empty() && !p.searched_for.empty()) {
        y += draw_message(c, x, y, w, c.tr("policy.none"), false) + 24;
    }
    end_content(c, "policy", top, bottom, y0, y);
    draw_keyboard(c);
    draw_nav(c, left_label, right_label, left, right);
    if (left) c.act.go_home();
}

}  // namespace yimen::kiosk
