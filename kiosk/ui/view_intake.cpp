// view_intake.cpp — the 申请救助 wizard's pages (model: kiosk/model/intake_model.hpp).
#include <algorithm>

#include "kiosk/model/text.hpp"
#include "kiosk/ui/targets.hpp"
#include "kiosk/ui/views.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {
namespace {

struct Choice {
    const char* code;
    const char* key;
};
const Choice kRelations[] = {{"spouse", "rel.spouse"}, {"child", "rel.child"}, {"parent", "rel.parent"},
                             {"sibling", "rel.sibling"}, {"grandchild", "rel.grandchild"},
                             {"grandparent", "rel.grandparent"}, {"other", "rel.other"}};
const Choice kHealth[] = {{"healthy", "health.healthy"}, {"chronic_illness", "health.chronic"},
                          {"serious_illness", "health.serious"}, {"disabled", "health.disabled"}};
const Choice kWork[] = {{"full", "work.full"}, {"partial", "work.partial"}, {"none", "work.none"}};
const Choice kCloseRel[] = {{"village_committee", "close.village"}, {"township_staff", "close.township"},
                            {"civil_affairs", "close.civil"}};
const Choice kAreaKind[] = {{"urban", "area.urban"}, {"rural", "area.rural"}};
const char* kHardshipPhrases[] = {"hard.illness", "hard.disability", "hard.unemployed", "hard.elderly",
                                  "hard.school", "hard.accident"};

// Lays chips out in rows; returns the y below them.
template <class F>
float chip_row(ViewCtx& c, float x, float y, float w, const std::vector<std::string>& labels,
               const std::vector<bool>& selected, F on_tap) {
    float cx = x, cy = y, h = 88, gap = 16;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        float cw = c.ui.measure(labels[i], FontRole::body).x + 96;
        if (cx + cw > x + w && cx > x) {
            cx = x;
            cy += h + gap;
        }
        if (c.ui.chip(labels[i], cx, cy, cw, h, selected[i])) on_tap(i);
        cx += cw + gap;
    }
    return cy + h + gap;
}

// One choice out of a fixed list, as a chip row; a tap asks for `which` to become that choice's code.
template <std::size_t N>
float choice_row(ViewCtx& c, float x, float y, float w, const Choice (&choices)[N], const std::string& current,
                 IntakeChoice which) {
    std::vector<std::string> labels;
    std::vector<bool> selected;
    for (auto& ch : choices) {
        labels.push_back(c.tr(ch.key));
        selected.push_back(current == ch.code);
    }
    return chip_row(c, x, y, w, labels, selected, [&](std::size_t i) { c.act.intake_choose(which, choices[i].code); });
}

float section(ViewCtx& c, float x, float y, const std::string& title) {
    c.ui.text(x, y, title, FontRole::body, colour::text);
    return y + c.ui.px(FontRole::body) + 20;
}

std::string step_title_key(IntakeStep s) {
    switch (s) {
        case IntakeStep::need: return "intake.step.need";
        case IntakeStep::programme: return "intake.step.programme";
        case IntakeStep::identity: return "intake.step.identity";
        case IntakeStep::household: return "intake.step.household";
        case IntakeStep::income: return "intake.step.income";
        case IntakeStep::hardship: return "intake.step.hardship";
        case IntakeStep::relatives: return "intake.step.relatives";
        case IntakeStep::materials: return "intake.step.materials";
        case IntakeStep::consent: return "intake.step.consent";
        case IntakeStep::review: return "intake.step.review";
        case IntakeStep::done: return "intake.step.done";
        case IntakeStep::referral_identity: return "intake.step.referral";
        case IntakeStep::referral_done: return "intake.step.done";
    }
    return "intake.step.need";
}

std::string yuan(const I18n& t, std::int64_t fen) { return t.fmt("intake.yuan", {format_yuan(fen)}); }

}  // namespace

void draw_intake(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    auto& m = app.intake;
    const auto& rules = app.data().rules;
    auto today = app.clock().today();
    const Programme* prog = rules.programme(m.programme);
    std::string header = c.tr("home.apply");
    if (prog && m.step != IntakeStep::need) header += " · " + prog->short_name;
    if (m.assisted) header += " · " + c.tr("intake.assisted");
    draw_header(c, header);
    bool finished = m.step == IntakeStep::done || m.step == IntakeStep::referral_done;
    // Once a referral need is chosen the count is the referral's 3 steps from the programme page on, not 10 then 3.
    const int count = m.step != IntakeStep::need && m.is_referral(app.data().rules) ? 3 : m.step_count();
    float top = finished ? 180.f : draw_steps(c, 150, m.step_number(), count, c.tr(step_title_key(m.step)));
    float bottom = keyboard_top(c);
    float x = 48, w = ui.W - 96;
    if (ui.landscape()) {
        w = std::min(ui.W - 96, 1300.f);
        x = (ui.W - w) / 2;
    }
    float y0 = begin_content(c, "intake", top, bottom);
    float y = y0 + 8;
    auto title = [&](const std::string& key, const std::string& sub_key = "") {
        ui.text(x, y, c.tr(key), FontRole::title, colour::text);
        y += ui.px(FontRole::title) + 16;
        if (!sub_key.empty()) {
            y += ui.paragraph(x, y, w, c.tr(sub_key), FontRole::small, colour::secondary, 1.35f);
        }
        y += 20;
    };

    switch (m.step) {
        case IntakeStep::need: {
            title("intake.need.title", "intake.need.sub");
            for (auto& opt : need_options()) {
                float h = 150;
                bool pressed = false;
                std::string label = c.tr(opt.label_key);
                bool tapped = ui.hit(label, x, y, w, h, &pressed);
                ui.card(x, y, w, h, 20);
                if (pressed) ui.dl->AddRect(ImVec2(x, y), ImVec2(x + w, y + h), colour::brand, 20, 0, 4);
                ui.text(x + 36, y + 26, label, FontRole::header, colour::brand);
                ui.text(x + 36, y + 26 + ui.px(FontRole::header) + 10, c.tr(opt.hint_key), FontRole::small,
                        colour::secondary);
                auto* p = rules.programme(opt.programme);
                if (p && p->is_referral()) {
                    std::string tag = c.tr("intake.referral_tag");
                    auto sz = ui.measure(tag, FontRole::small);
                    ui.dl->AddRectFilled(ImVec2(x + w - sz.x - 60, y + 24), ImVec2(x + w - 24, y + 24 + 52),
                                         colour::amber_light, 12);
                    ui.text(x + w - sz.x - 42, y + 30, tag, FontRole::small, colour::text);
                }
                if (tapped) {
                    c.act.intake_choose_need(opt.programme);
                    c.vs.scroll["intake"] = 0;
                }
                y += h + 20;
            }
            break;
        }
        case IntakeStep::programme: {
            if (!prog) break;
            ui.text(x, y, prog->name, FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 24;
            float cy = y;
            float inner = w - 72;
            float ch = ui.paragraph(0, 0, inner, prog->who, FontRole::body, 0, 1.4f, false);
            ui.card(x, cy, w, ch + 28 + ui.px(FontRole::small) + 14 + 32);
            ui.text(x + 36, cy + 28, c.tr("intake.who"), FontRole::small, colour::secondary);
            ui.paragraph(x + 36, cy + 28 + ui.px(FontRole::small) + 14, inner, prog->who, FontRole::body, colour::text);
            y = cy + ch + 28 + ui.px(FontRole::small) + 14 + 32 + 36;
            if (prog->is_referral()) {
                y = section(c, x, y, c.tr("intake.department"));
                y += ui.paragraph(x, y, w, prog->department, FontRole::body, colour::brand) + 16;
                if (!prog->bring.empty()) {
                    y = section(c, x, y, c.tr("intake.bring"));
                    for (auto& b : prog->bring) y += ui.paragraph(x + 24, y, w - 24, "· " + b, FontRole::body, colour::text);
                }
                y += 16;
                y += draw_message(c, x, y, w, c.tr("intake.referral_note"), false) + 24;
            } else {
                y = section(c, x, y, c.tr("intake.materials_list"));
                for (auto& mat : prog->materials) {
                    std::string line = "· " + mat.name;
                    if (!mat.when.empty()) line = app.i18n().fmt("intake.material_when", {line, mat.when});
                    y += ui.paragraph(x + 24, y, w - 24, line, FontRole::body, colour::text, 1.35f);
                }
                y += 24;
                if (prog->overall) {
                    y = section(c, x, y, c.tr("intake.time_limit"));
                    std::string limit = app.i18n().fmt("intake.time_limit_text",
                                                       {std::to_string(prog->overall->working_days)});
                    if (is_unconfirmed(prog->overall->confidence)) limit = app.i18n().fmt("policy.unconfirmed", {limit});
                    y += ui.paragraph(x, y, w, limit, FontRole::body, colour::text, 1.4f);
                }
            }
            break;
        }
        case IntakeStep::identity: {
            title("intake.identity.title", "intake.identity.sub");
            y += draw_id_card(c, x, y, w);
            float cy = y;
            ui.card_begin();
            float fx = x + 36, fw = w - 72;
            y += 28;
            bool ok = false;
            std::string fb = m.id_feedback(today, app.i18n(), ok);
            bound_field(c, target::id_number, m.id_number, fx, y, fw, ok ? "✓ " + fb : fb, ok ? colour::green : colour::red);
            y += ui.field_height() + 60;
            bound_field(c, target::name, m.name, fx, y, fw);
            y += ui.field_height() + 24;
            bound_field(c, target::phone, m.phone, fx, y, fw);
            y += ui.field_height() + 24;
            bound_field(c, target::address, m.address, fx, y, fw);
            y += ui.field_height() + 28;
            ui.card_end(x, cy, w, y - cy);
            y += 20;
            break;
        }
        case IntakeStep::household: {
            title("intake.household.title", "intake.household.sub");
            for (std::size_t i = 0; i < m.members.size(); ++i) {
                auto& mem = m.members[i];
                ui.card(x, y, w, 140, 20);
                std::string rel;
                for (auto& r : kRelations)
                    if (mem.relation == r.code) rel = c.tr(r.key);
                ui.text(x + 32, y + 24, rel + " · " + mask_name(mem.name.value), FontRole::body, colour::text);
                ui.text(x + 32, y + 24 + ui.px(FontRole::body) + 12, mask_resident_id(mem.id_number.value),
                        FontRole::small, colour::secondary);
                if (ui.button(c.tr("intake.remove") + " " + std::to_string(i + 1), x + w - 200, y + 30, 168, 80,
                              ButtonStyle::danger, FontRole::body, c.tr("intake.remove"))) {
                    c.act.intake_remove_member(i);
                    break;
                }
                y += 160;
            }
            if (!m.adding_member) {
                if (ui.button(c.tr("intake.add_member"), x, y, w, 110, ButtonStyle::secondary)) c.act.intake_add_member();
                y += 130;
                if (m.members.empty())
                    y += ui.paragraph(x, y, w, c.tr("intake.household.alone"), FontRole::small, colour::secondary);
            } else {
                float cy = y;
                ui.card_begin();
                float fx = x + 32, fw = w - 64;
                y += 28;
                y = section(c, fx, y, c.tr("intake.relation"));
                y = choice_row(c, fx, y, fw, kRelations, m.draft.relation, IntakeChoice::member_relation);
                bound_field(c, target::member_name, m.draft.name, fx, y, fw);
                y += ui.field_height() + 24;
                bool ok = false;
                std::string fb;
                if (m.draft.id_number.value.size() >= 18) {
                    auto r = parse_resident_id(m.draft.id_number.value, today);
                    ok = r.ok();
                    fb = ok ? "✓ " + c.tr("intake.id_ok") : r.error().message;
                }
                bound_field(c, target::member_id_number, m.draft.id_number, fx, y, fw, fb, ok ? colour::green : colour::red);
                y += ui.field_height() + 60;
                y = section(c, fx, y, c.tr("intake.health"));
                y = choice_row(c, fx, y, fw, kHealth, m.draft.health, IntakeChoice::member_health);
                y = section(c, fx, y, c.tr("intake.work"));
                y = choice_row(c, fx, y, fw, kWork, m.draft.work_ability, IntakeChoice::member_work);
                if (ui.check_row(c.tr("intake.student"), fx, y, fw, 96, m.draft.student)) c.act.intake_toggle_student();
                y += 112;
                float bw = (fw - 24) / 2;
                if (ui.button(c.tr("intake.cancel_member"), fx, y, bw, 104, ButtonStyle::secondary, FontRole::body))
                    c.act.intake_cancel_member();
                if (ui.button(c.tr("intake.save_member"), fx + bw + 24, y, bw, 104, ButtonStyle::primary, FontRole::body))
                    c.act.intake_save_member();
                y += 132;
                ui.card_end(x, cy, w, y - cy);
                y += 20;
            }
            break;
        }
        case IntakeStep::income: {
            title("intake.income.title", "intake.income.sub");
            float fx = x, fw = w;
            bound_field(c, target::wages, m.wages, fx, y, fw);
            y += ui.field_height() + 20;
            bound_field(c, target::business, m.business, fx, y, fw);
            y += ui.field_height() + 20;
            bound_field(c, target::property, m.property, fx, y, fw);
            y += ui.field_height() + 20;
            bound_field(c, target::transfer, m.transfer, fx, y, fw);
            y += ui.field_height() + 36;
            y = section(c, x, y, c.tr("intake.assets"));
            bound_field(c, target::deposits, m.deposits, fx, y, fw);
            y += ui.field_height() + 24;
            auto counter = [&](const std::string& label, int v, IntakeCount which) {
                ui.text(x, y + 24, label, FontRole::body, colour::text);
                float bx = x + w - 3 * 110;
                if (ui.button(label + " -", bx, y, 96, 96, ButtonStyle::secondary, FontRole::title, "−"))
                    c.act.intake_adjust(which, -1);
                ui.text_centered(bx + 110 + 48, y + 16, std::to_string(v), FontRole::header, colour::text);
                if (ui.button(label + " +", bx + 220, y, 96, 96, ButtonStyle::secondary, FontRole::title, "+"))
                    c.act.intake_adjust(which, +1);
                y += 116;
            };
            counter(c.tr("intake.vehicles"), m.vehicles, IntakeCount::vehicles);
            counter(c.tr("intake.houses"), m.houses, IntakeCount::houses);
            if (m.programme == "dibao") {
                // The standard differs for urban and rural households: ask rather than assume.
                y = section(c, x, y + 12, c.tr("intake.area"));
                y = choice_row(c, x, y, w, kAreaKind, m.area_kind, IntakeChoice::area_kind);
            }
            auto in = m.income();
            if (in) {
                y += 8;
                y += ui.paragraph(x, y, w,
                                  app.i18n().fmt("intake.income_total", {yuan(app.i18n(), in.value().total())}),
                                  FontRole::body, colour::brand);
            }
            break;
        }
        case IntakeStep::hardship: {
            title("intake.hardship.title", "intake.hardship.sub");
            std::vector<std::string> labels;
            std::vector<bool> sel;
            for (auto* k : kHardshipPhrases) {
                labels.push_back(c.tr(k));
                sel.push_back(false);
            }
            y = chip_row(c, x, y, w, labels, sel, [&](std::size_t i) { c.act.intake_add_hardship_phrase(labels[i]); });
            y += 8;
            bound_field(c, target::hardship, m.hardship, x, y, w);
            y += ui.field_height() + 16;
            if (utf8::length(m.hardship.value) > 12) {
                float ph = ui.paragraph(x + 28, 0, w - 56, m.hardship.value, FontRole::body, 0, 1.4f, false);
                ui.card(x, y, w, ph + 40, 16);
                ui.paragraph(x + 28, y + 20, w - 56, m.hardship.value, FontRole::body, colour::text);
                y += ph + 60;
            }
            break;
        }
        case IntakeStep::relatives: {
            title("intake.relatives.title", "intake.relatives.sub");
            float bw = (w - 24) / 2;
            if (ui.chip(c.tr("intake.rel_no"), x, y, bw, 120, m.close_relative == false, FontRole::header))
                c.act.intake_set_close_relative(false);
            if (ui.chip(c.tr("intake.rel_yes"), x + bw + 24, y, bw, 120, m.close_relative == true, FontRole::header))
                c.act.intake_set_close_relative(true);
            y += 150;
            if (m.close_relative == true) {
                y = section(c, x, y, c.tr("intake.rel_which"));
                for (auto& r : kCloseRel) {
                    if (ui.chip(c.tr(r.key), x, y, w, 100, m.close_relative_relation == r.code))
                        c.act.intake_choose(IntakeChoice::close_relative_relation, r.code);
                    y += 116;
                }
                y += ui.paragraph(x, y, w, c.tr("intake.rel_note"), FontRole::small, colour::secondary, 1.35f);
            }
            break;
        }
        case IntakeStep::materials: {
            title("intake.materials.title", "intake.materials.sub");
            if (!prog) break;
            for (auto& mat : prog->materials) {
                if (mat.code == "commitment" || mat.code == "authorisation") continue;
                bool have = m.materials_have.count(mat.code) > 0;
                if (ui.check_row(mat.name, x, y, w, 112, have, mat.when)) c.act.intake_toggle_material(mat.code);
                y += 124;
            }
            y += 8;
            auto missing = m.missing_materials(rules);
            std::vector<std::string> names;
            for (auto& code : missing)
                if (code != "commitment" && code != "authorisation") names.push_back(rules.document_name(code));
            if (!names.empty()) {
                std::string list;
                for (auto& n : names) list += (list.empty() ? "" : c.tr("list.sep")) + n;
                y += draw_message(c, x, y, w, app.i18n().fmt("intake.missing_notice", {list}), false) + 24;
            }
            break;
        }
        case IntakeStep::consent: {
            title("intake.consent.title", "intake.consent.sub");
            auto consent_card = [&](const std::string& body_key, const std::string& button_key, const std::string& at,
                                    Consent which) {
                float ph = ui.paragraph(0, 0, w - 72, c.tr(body_key), FontRole::body, 0, 1.45f, false);
                float ch = ph + 56 + 130;
                ui.card(x, y, w, ch);
                ui.paragraph(x + 36, y + 28, w - 72, c.tr(body_key), FontRole::body, colour::text, 1.45f);
                float by = y + 28 + ph + 20;
                if (at.empty()) {
                    if (ui.button(c.tr(button_key), x + 36, by, w - 72, 110, ButtonStyle::primary))
                        c.act.intake_consent(which);
                } else {
                    ui.dl->AddRectFilled(ImVec2(x + 36, by), ImVec2(x + w - 36, by + 110), colour::rgb(0xE8, 0xF5, 0xE9), 20);
                    ui.text_centered(x + w / 2, by + 30, "✓ " + c.tr(button_key) + " · " + c.tr("intake.tapped"),
                                     FontRole::body, colour::green);
                }
                y += ch + 28;
            };
            consent_card("intake.commitment_text", "intake.commit_button", m.commitment_at, Consent::commitment);
            consent_card("intake.authorisation_text", "intake.auth_button", m.authorisation_at, Consent::authorisation);
            if (m.assisted)
                y += ui.paragraph(x, y, w, c.tr("intake.assisted_consent"), FontRole::small, colour::secondary);
            break;
        }
        case IntakeStep::review: {
            title("intake.review.title", "intake.review.sub");
            auto row = [&](const std::string& k, const std::string& v) {
                ui.text(x + 36, y, c.tr(k), FontRole::small, colour::secondary);
                float h = ui.paragraph(x + 300, y - 4, w - 336, v, FontRole::body, colour::text, 1.35f);
                y += std::max(h, ui.px(FontRole::body) * 1.35f) + 14;
            };
            float cy = y;
            ui.card_begin();
            y += 28;
            row("review.programme", prog ? prog->name : m.programme);
            row("review.applicant", m.name.value);
            row("review.id", group_resident_id(m.id_number.value));
            if (!m.phone.value.empty()) row("review.phone", m.phone.value);
            row("review.address", m.address.value);
            row("review.household", app.i18n().fmt("review.people", {std::to_string(m.members.size() + 1)}));
            auto in = m.income();
            if (in) row("review.income", yuan(app.i18n(), in.value().total()));
            row("review.close_relative", c.tr(m.close_relative.value_or(false) ? "intake.rel_yes" : "intake.rel_no"));
            auto missing = m.missing_materials(rules);
            std::string list;
            for (auto& code : missing) list += (list.empty() ? "" : c.tr("list.sep")) + rules.document_name(code);
            row("review.missing", list.empty() ? c.tr("review.none") : list);
            y += 14;
            ui.card_end(x, cy, w, y - cy);
            y += 24;
            auto est = m.estimate(app.data(), app.config().township_code, today);
            if (est >= 0) {
                // Zero is not "you get 0.00 yuan": say what it means and that the review decides.
                y += draw_message(c, x, y, w,
                                  est == 0 ? c.tr("intake.estimate_zero")
                                           : app.i18n().fmt("intake.estimate", {yuan(app.i18n(), est)}),
                                  false) + 24;
            }
            break;
        }
        case IntakeStep::done:
        case IntakeStep::referral_done: {
            bool referral = m.step == IntakeStep::referral_done;
            ui.text(x, y, c.tr(referral ? "done.referral_title" : "done.title"), FontRole::title, colour::green);
            y += ui.px(FontRole::title) + 28;
            float ch = 560;
            ui.card(x, y, w, ch);
            ui.text(x + 36, y + 32, c.tr("done.number"), FontRole::small, colour::secondary);
            std::string grouped = group4(m.receipt_number);
            ui.paragraph(x + 36, y + 80, w - 72, grouped, FontRole::huge, colour::text, 1.2f);
            float qs = 320;
            draw_qr(c, m.receipt_number, x + 36, y + 200, qs);
            float tx = x + 36 + qs + 36;
            ui.paragraph(tx, y + 220, w - (tx - x) - 36,
                         c.tr(referral ? "done.referral_state" : "done.state"), FontRole::body, colour::text, 1.4f);
            ui.paragraph(tx, y + 380, w - (tx - x) - 36, c.tr("done.keep"), FontRole::small, colour::secondary, 1.35f);
            y += ch + 28;
            // An elderly resident leaving the card on the reader is the common loss at a hall: said while it lies there.
            if (!app.id_card.on_reader_id.empty()) y += draw_message(c, x, y, w, c.tr("idcard.take_back"), false) + 24;
            if (app.printing.busy || !app.printing.message.empty()) {
                y += (!app.printing.busy && app.printing.ok)
                         ? draw_success(c, x, y, w, app.printing.message)  // printed: good news, in green
                         : draw_message(c, x, y, w, app.printing.busy ? c.tr("print.printing") : app.printing.message,
                                        !app.printing.busy && !app.printing.ok);
                y += 24;
            }
            if (!referral && !m.missing_names.empty()) {
                std::string list;
                for (auto& n : m.missing_names) list += (list.empty() ? "" : c.tr("list.sep")) + n;
                y += draw_message(c, x, y, w, app.i18n().fmt("done.missing", {list}), false) + 24;
            }
            if (!referral && m.estimate_fen >= 0) {
                y += draw_message(c, x, y, w,
                                  m.estimate_fen == 0 ? c.tr("intake.estimate_zero")
                                                      : app.i18n().fmt("intake.estimate", {yuan(app.i18n(), m.estimate_fen)}),
                                  false) + 24;
            }
            break;
        }
        case IntakeStep::referral_identity: {
            title("intake.referral.title", "intake.referral.sub");
            y += draw_id_card(c, x, y, w);
            bound_field(c, target::name, m.name, x, y, w);
            y += ui.field_height() + 24;
            bound_field(c, target::phone, m.phone, x, y, w);
            y += ui.field_height() + 24;
            bound_field(c, target::referral_need, m.referral_need, x, y, w);
            y += ui.field_height() + 24;
            break;
        }
    }
    if (!m.error.empty()) {
        y += draw_message(c, x, y, w, m.error, true) + 24;
    }
    end_content(c, "intake", top, bottom, y0, y);
    draw_keyboard(c);

    bool left = false, right = false;
    std::string left_label = m.step == IntakeStep::need ? c.tr("nav.home") : c.tr("nav.back");
    std::string right_label = c.tr("nav.next");
    if (m.step == IntakeStep::review) right_label = c.tr("nav.submit");
    if (m.step == IntakeStep::referral_identity) right_label = c.tr("nav.issue_referral");
    if (m.step == IntakeStep::need) right_label.clear();
    if (finished) {
        // 返回首页 stays bottom-left on every screen (UI.md), the finished ones too.
        left_label = c.tr("nav.finish");
        right_label.clear();
    }
    draw_nav(c, left_label, right_label, left, right);
    if (left && finished) {
        c.act.go_home();
    } else if (left) {
        c.act.intake_back();
        c.vs.scroll["intake"] = 0;
    }
    if (right) {
        auto before = m.step;
        c.act.intake_next();
        if (m.step != before) c.vs.scroll["intake"] = 0;
    }
}

}  // namespace yimen::kiosk
