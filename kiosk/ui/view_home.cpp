// view_home.cpp — the home screen: the hall's name, date and hotline; five large service tiles and 长辈模式;
// the staff entry and the language switch at the bottom.
#include "kiosk/model/text.hpp"
#include "kiosk/ui/views.hpp"

namespace yimen::kiosk {

void draw_home(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    std::string title = app.config().hall_name + " · " + c.tr("home.title");
    // The title leaves room on the right for 朗读 (长辈模式 is a tile on this screen).
    const float title_w = ui.W - 96 - 216;
    float th = ui.paragraph(48, 56, title_w, title, FontRole::header, colour::white, 1.3f, false);
    float header_h = 56 + th + 16 + ui.px(FontRole::small) + 56;
    ui.dl->AddRectFilled(ImVec2(0, 0), ImVec2(ui.W, header_h), colour::brand);
    ui.paragraph(48, 56, title_w, title, FontRole::header, colour::white, 1.3f);
    read_aloud_toggle(c, title, ui.W - 48 - 200, 40, 200, 96);
    auto today = app.clock().today();
    std::string date = app.i18n().fmt("home.date", {std::to_string(today.year), std::to_string(today.month),
                                                    std::to_string(today.day),
                                                    c.tr("weekday." + std::to_string(today.iso_weekday()))});
    ui.text(48, 56 + th + 16, date + " · " + c.tr("home.hotline") + " " + app.config().hotline, FontRole::small,
            colour::rgb(0xDC, 0xE6, 0xF3));

    struct TileDef {
        std::string title, sub;
        int action;
    };
    std::vector<TileDef> tiles = {{c.tr("home.apply"), c.tr("home.apply_sub"), 0},
                                  {c.tr("home.policy"), c.tr("home.policy_sub"), 1},
                                  {c.tr("home.status"), c.tr("home.status_sub"), 2},
                                  {c.tr("home.rating"), c.tr("home.rating_sub"), 3},
                                  {c.tr("home.complaint"), c.tr("home.complaint_sub"), 4},
                                  {c.tr("home.elderly"), c.tr(c.vs.elderly ? "home.elderly_on" : "home.elderly_sub"), 5}};
    int cols = ui.landscape() ? 3 : 2;
    float margin = 48, gap = 40;
    float tw = (ui.W - 2 * margin - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    float footer_h = 120;
    int rows = (static_cast<int>(tiles.size()) + cols - 1) / cols;
    float avail = ui.H - header_h - footer_h - 2 * margin;
    float tile_h = std::min(360.f, (avail - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
    float y0 = header_h + margin;
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        float x = margin + static_cast<float>(static_cast<int>(i) % cols) * (tw + gap);
        float y = y0 + static_cast<float>(static_cast<int>(i) / cols) * (tile_h + gap);
        if (ui.tile(tiles[i].title, tiles[i].sub, x, y, tw, tile_h)) {
            switch (tiles[i].action) {
                case 0: c.act.intake_start(false); break;
                case 1: c.act.go(Screen::policy); break;
                case 2: c.act.go(Screen::status); break;
                case 3: c.act.go(Screen::rating); break;
                case 4: c.act.go(Screen::complaint); break;
                case 5: c.vs.elderly = !c.vs.elderly; break;
                default: break;
            }
        }
        if (tiles[i].action == 5 && c.vs.elderly)
            ui.dl->AddRect(ImVec2(x, y), ImVec2(x + tw, y + tile_h), colour::amber, 24, 0, 5);
    }
    float after = y0 + static_cast<float>(rows) * (tile_h + gap);
    if (!app.notice.empty()) draw_message(c, margin, after, ui.W - 2 * margin, app.notice, false);

    float fy = ui.H - footer_h;
    ui.dl->AddRectFilled(ImVec2(0, fy), ImVec2(ui.W, ui.H), colour::footer);
    auto staff_label = c.tr("home.staff");
    const auto& lang_label = c.tr("home.other_language");  // each language named in its own words
    auto s1 = ui.measure(staff_label, FontRole::body);
    if (ui.button(staff_label, 24, fy + 16, s1.x + 48, footer_h - 32, ButtonStyle::plain, FontRole::body)) {
        c.act.go(Screen::staff);
        c.act.staff_page(StaffPage::login);
    }
    auto s2 = ui.measure(lang_label, FontRole::body);
    if (ui.button(lang_label, ui.W - 24 - s2.x - 48, fy + 16, s2.x + 48, footer_h - 32, ButtonStyle::plain,
                  FontRole::body))
        c.act.set_language(app.i18n().language() == "en" ? "zh-CN" : "en");
}

}  // namespace yimen::kiosk
