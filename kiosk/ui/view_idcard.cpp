// view_idcard.cpp — the ID card reader's part of the identity and status-query screens: a line saying a card may be
// laid on the reader, the card's details to confirm (the number masked: the card is in the resident's hand), and
// what went wrong in plain words. Typing stays available in every case.
#include "base/civil_date.hpp"
#include "kiosk/model/text.hpp"
#include "kiosk/ui/views.hpp"
#include "policy/resident_id.hpp"

namespace yimen::kiosk {
namespace {

std::string long_date(const I18n& t, const std::string& iso) {
    auto d = CivilDate::parse(iso);
    if (!d) return iso;  // 长期, or a damaged field: as the card has it
    return t.fmt("date.ymd", {std::to_string(d->year), std::to_string(d->month), std::to_string(d->day)});
}

}  // namespace

float draw_id_card(ViewCtx& c, float x, float y, float w) {
    const auto& card = c.app.id_card;
    auto& ui = c.ui;
    if (!card.configured || !c.app.card_screen()) return 0;
    const float y0 = y;
    if (!card.offer) {
        if (card.left_behind_seen) return draw_message(c, x, y, w, c.tr("idcard.left_behind"), false) + 24;
        if (!card.problem.empty()) return draw_message(c, x, y, w, card.problem, true) + 24;
        y += ui.paragraph(x, y, w, c.tr("idcard.hint"), FontRole::small, colour::secondary, 1.35f) + 24;
        return y - y0;
    }
    const IdCardData& d = *card.offer;
    ui.card_begin();
    float fx = x + 36, fw = w - 72;
    y += 28;
    ui.text(fx, y, c.tr("idcard.offer_title"), FontRole::header, colour::brand);
    y += ui.px(FontRole::header) + 20;
    // The status query takes only the last four: there the card is named, masked, and nothing more is shown.
    const bool status_query = c.app.screen() == Screen::status;
    std::vector<std::pair<const char*, std::string>> rows;
    if (status_query) {
        rows = {{"idcard.name", mask_name(d.name)}, {"idcard.number", mask_resident_id(d.id_number)}};
    } else {
        rows = {{"idcard.name", d.name},
                {"idcard.sex", c.tr(d.sex == "female" ? "idcard.female" : "idcard.male")},
                {"idcard.birth", long_date(c.app.i18n(), d.birth_date)},
                {"idcard.address", d.address},
                {"idcard.number", mask_resident_id(d.id_number)}};
    }
    const float label_w = 260;
    for (const auto& [key, value] : rows) {
        ui.text(fx, y, c.tr(key), FontRole::body, colour::secondary);
        y += ui.paragraph(fx + label_w, y, fw - label_w, value, FontRole::body, colour::text, 1.3f) + 14;
    }
    if (card.offer_expired) {
        y += 8;
        y += draw_message(c, fx, y, fw, c.app.i18n().fmt("idcard.expired", {long_date(c.app.i18n(), d.valid_to)}), false);
    }
    y += 20;
    const float bw = (fw - 24) / 2, bh = 120;
    if (ui.button(c.tr("idcard.use"), fx, y, bw, bh, ButtonStyle::primary)) c.act.id_card_use();
    if (ui.button(c.tr("idcard.decline"), fx + bw + 24, y, bw, bh, ButtonStyle::secondary)) c.act.id_card_dismiss();
    y += bh + 28;
    ui.card_end(x, y0, w, y - y0);
    return y - y0 + 28;
}

}  // namespace yimen::kiosk
