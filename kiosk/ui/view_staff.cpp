// view_staff.cpp — staff mode: login, the menu, 受理 (tick the materials checked), assisted intake, reprint, the
// printer's status and a test page, sync status in words, and the hall's summary for today.
#include "kiosk/model/text.hpp"
#include "kiosk/ui/targets.hpp"
#include "kiosk/ui/views.hpp"
#include "policy/money.hpp"
#include "policy/receipt_number.hpp"

namespace yimen::kiosk {
namespace {

std::string when(ViewCtx& c, std::optional<UtcMillis> t) {
    if (!t) return c.tr("staff.never");
    return age_words(c, c.app.clock().now_utc_ms() - *t);
}

}  // namespace

void draw_staff(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    auto& s = app.staff;
    std::string head = c.tr("staff.title");
    if (s.logged()) head += " · " + c.app.i18n().fmt("staff.who", {s.logged_in_name, s.logged_in});
    draw_header(c, head);
    float top = 170;
    float bottom = keyboard_top(c);
    float x = 48, w = ui.W - 96;
    float y0 = begin_content(c, "staff", top, bottom);
    float y = y0 + 8;
    bool left = false, right = false;
    std::string left_label = c.tr("nav.back"), right_label;
    auto row = [&](const std::string& k, const std::string& v, ImU32 col = colour::text) {
        ui.text(x + 36, y, k, FontRole::small, colour::secondary);
        float h = ui.paragraph(x + 380, y - 4, w - 416, v, FontRole::body, col, 1.35f);
        y += std::max(h, ui.px(FontRole::body) * 1.35f) + 12;
    };

    switch (s.page) {
        case StaffPage::login: {
            ui.text(x, y, c.tr("staff.login_title"), FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 16;
            y += ui.paragraph(x, y, w, c.tr("staff.login_sub"), FontRole::small, colour::secondary, 1.35f) + 24;
            bound_field(c, target::staff_id, s.staff_id, x, y, w);
            y += ui.field_height() + 24;
            bound_field(c, target::pin, s.pin, x, y, w);
            y += ui.field_height() + 24;
            left_label = c.tr("nav.home");
            right_label = c.tr("staff.login");
            break;
        }
        case StaffPage::menu: {
            struct Item {
                const char* key;
                int action;
            };
            static const Item items[] = {{"staff.accept", 0}, {"staff.assisted", 1}, {"staff.reprint", 2},
                                         {"staff.printer", 3}, {"staff.sync", 4}, {"staff.summary", 5}};
            float gap = 32, tw = (w - gap) / 2, th = 220;
            for (int i = 0; i < 6; ++i) {
                float tx = x + static_cast<float>(i % 2) * (tw + gap), ty = y + static_cast<float>(i / 2) * (th + gap);
                if (ui.tile(c.tr(items[i].key), "", tx, ty, tw, th)) {
                    switch (items[i].action) {
                        case 0: c.act.staff_page(StaffPage::accept_list); break;
                        case 1: c.act.intake_start(true); break;
                        case 2: c.act.staff_page(StaffPage::reprint); break;
                        case 3: c.act.staff_page(StaffPage::printer); break;
                        case 4: c.act.staff_page(StaffPage::sync); break;
                        case 5: c.act.staff_page(StaffPage::summary); break;
                        default: break;
                    }
                }
            }
            y += 3 * (th + gap);
            left_label.clear();
            right_label = c.tr("staff.logout");
            break;
        }
        case StaffPage::accept_list: {
            ui.text(x, y, c.tr("staff.accept"), FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 24;
            const auto& apps = app.staff_view().waiting;
            // What was just done first (green), and "none waiting" only as plain news, not as a warning beside it.
            if (!s.message.empty()) y += draw_success(c, x, y, w, s.message) + 24;
            if (apps.empty()) {
                y += ui.paragraph(x, y, w, c.tr("staff.none_waiting"), FontRole::body, colour::secondary, 1.35f) + 24;
            }
            for (auto& a : apps) {
                float ch = 150;
                bool pressed = false;
                std::string label = group4(a.receipt_number);
                if (ui.hit(label, x, y, w, ch, &pressed)) c.act.staff_open(a.receipt_number);
                ui.card(x, y, w, ch, 20);
                if (pressed) ui.dl->AddRect(ImVec2(x, y), ImVec2(x + w, y + ch), colour::brand, 20, 0, 4);
                ui.text(x + 32, y + 24, app.programme_name(a.programme) + " · " + a.masked_name, FontRole::body, colour::text);
                ui.text(x + 32, y + 24 + ui.px(FontRole::body) + 14,
                        label + " · " + (a.channel == "assisted" ? c.tr("staff.channel_assisted") : c.tr("staff.channel_self")),
                        FontRole::small, colour::secondary);
                y += ch + 20;
            }
            break;
        }
        case StaffPage::accept_detail: {
            const auto& a = app.staff_view().selected;
            if (!a || a->receipt_number != s.selected) {
                left_label = c.tr("nav.back");
                break;
            }
            ui.text(x, y, app.programme_name(a->programme) + " · " + a->masked_name, FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 12;
            ui.text(x, y, c.tr("done.number") + " " + group4(a->receipt_number), FontRole::small, colour::secondary);
            y += ui.px(FontRole::small) + 28;
            // The applicant's details stay masked here: staff check papers, not the screen.
            float cy = y;
            ui.card_begin();
            y += 24;
            row(c.tr("review.id"), a->masked_id());
            if (a->household_size() > 0)
                row(c.tr("review.household"), app.i18n().fmt("review.people", {std::to_string(a->household_size())}));
            ui.card_end(x, cy, w, y + 12 - cy);
            y += 40;
            ui.text(x, y, c.tr("staff.materials_checked"), FontRole::body, colour::text);
            y += ui.px(FontRole::body) + 20;
            if (auto* p = app.data().rules.programme(a->programme)) {
                for (auto& m : p->materials) {
                    bool on = s.checked.count(m.code) > 0;
                    if (ui.check_row(m.name, x, y, w, 104, on, m.when)) c.act.staff_toggle_checked(m.code);
                    y += 116;
                }
            }
            y += 8;
            if (ui.button(c.tr("staff.record_missing"), x, y, w, 104, ButtonStyle::secondary, FontRole::body))
                c.act.staff_record_missing();
            y += 128;
            right_label = c.tr("staff.do_accept");
            break;
        }
        case StaffPage::reprint: {
            ui.text(x, y, c.tr("staff.reprint"), FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 24;
            bound_field(c, target::reprint_receipt, s.reprint_receipt, x, y, w);
            y += ui.field_height() + 24;
            ui.text(x, y, c.tr("staff.recent_prints"), FontRole::body, colour::text);
            y += ui.px(FontRole::body) + 16;
            for (auto& j : app.staff_view().recent_prints) {
                if (j.receipt_number.empty()) continue;
                std::string label = group4(j.receipt_number);
                if (ui.button(label + " · " + c.tr("print.tpl." + j.template_name), x, y, w, 96, ButtonStyle::secondary,
                              FontRole::body))
                    c.act.staff_pick_reprint(j.receipt_number);
                y += 112;
            }
            right_label = c.tr("staff.do_reprint");
            break;
        }
        case StaffPage::printer: {
            ui.text(x, y, c.tr("staff.printer"), FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 24;
            float cy = y;
            ui.card_begin();
            y += 24;
            row(c.tr("staff.printer_uri"), app.printer_description());
            row(c.tr("staff.printer_last"), app.printing.message.empty() ? c.tr("staff.never") : app.printing.message,
                app.printing.ok ? colour::text : colour::red);
            ui.card_end(x, cy, w, y + 12 - cy);
            y += 40;
            float bw = (w - 24) / 2;
            if (ui.button(c.tr("staff.check_printer"), x, y, bw, 110, ButtonStyle::secondary, FontRole::body))
                c.act.staff_check_printer();
            if (ui.button(c.tr("staff.test_page"), x + bw + 24, y, bw, 110, ButtonStyle::secondary, FontRole::body))
                c.act.staff_test_page();
            y += 130;
            break;
        }
        case StaffPage::sync: {
            ui.text(x, y, c.tr("staff.sync"), FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 24;
            const auto& counts = app.staff_view().counts;
            auto snap = app.sync_snapshot();
            float cy = y;
            ui.card_begin();
            y += 24;
            row(c.tr("sync.state"), snap.online ? c.tr("sync.online") : c.tr("sync.offline"),
                snap.online ? colour::green : colour::amber_text);
            row(c.tr("sync.queue"), app.i18n().fmt("sync.events", {std::to_string(counts.unacknowledged)}));
            row(c.tr("sync.oldest"), counts.oldest_unsent_wall_ms ? when(c, counts.oldest_unsent_wall_ms) : c.tr("sync.none"));
            row(c.tr("sync.last_success"), when(c, snap.last_success_ms));
            row(c.tr("sync.last_error"), snap.error_code.empty() || snap.error_code == "none"
                                             ? c.tr("sync.none")
                                             : c.app.i18n().error("sync", {snap.error_code, snap.last_error}));
            row(c.tr("sync.quarantined"), std::to_string(counts.quarantined));
            // The policy content in force, and a newer bundle waiting for the next start (as kiosk-ctl status says).
            const auto& source = app.policy_source();
            row(c.tr("ctl.policy"), describe_policy_source(app.i18n(), source));
            // Personal fields sealed to the county (issue 11): which key, or why not.
            if (auto key_id = app.sealing_key_id())
                row(c.tr("sync.sealing"), app.i18n().fmt("sync.sealing_on", {*key_id}));
            else
                row(c.tr("sync.sealing"), app.sealing_problem().empty() ? c.tr("sync.sealing_off")
                                                                         : app.i18n().fmt("sync.sealing_broken", {app.sealing_problem()}),
                    colour::amber_text);
            const auto& installed = app.staff_view().installed_bundle;
            if (!installed.empty() && installed != source.version && installed != source.refused_version)
                row(c.tr("ctl.pending"), app.i18n().fmt("policy.pending", {installed}), colour::amber_text);
            ui.card_end(x, cy, w, y + 12 - cy);
            y += 40;
            for (auto& q : app.staff_view().quarantined) {
                y += ui.paragraph(x, y, w, c.app.i18n().fmt("sync.quarantined_line", {std::to_string(q.seq), q.type, q.message}), FontRole::small,
                                  colour::red, 1.35f) + 8;
            }
            right_label = c.tr("sync.now");
            break;
        }
        case StaffPage::summary: {
            const auto& sum = app.staff_view().summary;
            ui.text(x, y, c.tr("staff.summary") + " · " + app.staff_view().day.iso(), FontRole::title, colour::text);
            y += ui.px(FontRole::title) + 24;
            float cy = y;
            ui.card_begin();
            y += 24;
            for (auto& p : app.data().rules.programmes()) {
                if (p.is_referral()) continue;
                int sub = sum.submitted_by_programme.count(p.id) ? sum.submitted_by_programme.at(p.id) : 0;
                int acc = sum.accepted_by_programme.count(p.id) ? sum.accepted_by_programme.at(p.id) : 0;
                row(p.name, app.i18n().fmt("summary.sub_acc", {std::to_string(sub), std::to_string(acc)}));
            }
            row(c.tr("summary.referrals"), std::to_string(sum.referrals));
            int n = 0, satisfied = 0;
            for (auto& [lv, k] : sum.ratings_by_level) {
                n += k;
                if (app.data().rating.counts_as_satisfied(lv)) satisfied += k;
            }
            row(c.tr("summary.ratings"), app.i18n().fmt("summary.ratings_text", {std::to_string(n), std::to_string(satisfied)}));
            row(c.tr("summary.complaints"), std::to_string(sum.complaints));
            row(c.tr("summary.queries"), std::to_string(sum.status_queries));
            ui.card_end(x, cy, w, y + 12 - cy);
            y += 40;
            break;
        }
    }
    if (!s.error.empty()) {
        y += draw_message(c, x, y, w, s.error, true) + 24;
    }
    if (!s.message.empty() && s.page != StaffPage::accept_list) {
        y += draw_success(c, x, y, w, s.message) + 24;
    }
    end_content(c, "staff", top, bottom, y0, y);
    draw_keyboard(c);
    draw_nav(c, left_label, right_label, left, right);
    if (left) {
        if (s.page == StaffPage::login) c.act.go_home();
        else if (s.page == StaffPage::accept_detail) c.act.staff_page(StaffPage::accept_list);
        else c.act.staff_page(StaffPage::menu);
    }
    if (right) {
        switch (s.page) {
            case StaffPage::login: c.act.staff_login(); break;
            case StaffPage::menu: c.act.staff_logout("manual"); break;
            case StaffPage::accept_detail: c.act.staff_accept(); break;
            case StaffPage::reprint: c.act.staff_reprint(); break;
            case StaffPage::sync: c.act.staff_sync_now(); break;
            default: break;
        }
    }
}

}  // namespace yimen::kiosk
