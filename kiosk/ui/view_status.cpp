// view_status.cpp — 进度查询: the entry pads, then the timeline with the current stage's due date, the legal
// deadline in working days from 受理, and overdue said in words as well as colour.
#include <algorithm>

#include "kiosk/model/text.hpp"
#include "kiosk/ui/targets.hpp"
#include "kiosk/ui/views.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {
namespace {

std::string md(const I18n& t, CivilDate d) { return t.fmt("date.md", {std::to_string(d.month), std::to_string(d.day)}); }
std::string ymd(const I18n& t, CivilDate d) {
    return t.fmt("date.ymd", {std::to_string(d.year), std::to_string(d.month), std::to_string(d.day)});
}

}  // namespace

void draw_status(ViewCtx& c) {
    auto& ui = c.ui;
    auto& app = c.app;
    auto& s = app.status;
    draw_header(c, c.tr("home.status"));
    float top = 170;
    float bottom = keyboard_top(c);
    float x = 48, w = ui.W - 96;
    float y0 = begin_content(c, "status", top, bottom);
    float y = y0 + 8;
    bool left = false, right = false;
    std::string left_label = c.tr("nav.home"), right_label;

    if (s.phase == StatusPhase::entry || s.phase == StatusPhase::waiting || s.phase == StatusPhase::not_found) {
        ui.text(x, y, c.tr("status.title"), FontRole::title, colour::text);
        y += ui.px(FontRole::title) + 16;
        y += ui.paragraph(x, y, w, c.tr("status.sub"), FontRole::small, colour::secondary, 1.35f) + 24;
        y += draw_id_card(c, x, y, w);
        bound_field(c, target::receipt, s.receipt, x, y, w);
        y += ui.field_height() + 24;
        bound_field(c, target::id_last4, s.last4, x, y, w);
        y += ui.field_height() + 32;
        if (s.phase == StatusPhase::waiting) {
            y += draw_message(c, x, y, w, c.tr("status.waiting"), false) + 24;
        }
        if (s.phase == StatusPhase::not_found) {
            y += draw_message(c, x, y, w, c.tr("status.not_found"), true) + 24;
        }
        if (!s.error.empty()) {
            y += draw_message(c, x, y, w, s.error, true) + 24;
        }
        right_label = c.tr("status.query");
    } else if (s.record) {
        auto& rec = *s.record;
        const auto* prog = app.data().rules.programme(rec.programme);
        // Cases synced from the county carry no name at all; then the programme stands alone.
        std::string heading = prog ? prog->name : rec.programme;
        if (!rec.masked_name.empty()) heading += " · " + rec.masked_name;
        ui.text(x, y, heading, FontRole::title, colour::text);
        y += ui.px(FontRole::title) + 14;
        std::string src = s.online    ? c.tr("status.online")
                          : s.scanned ? c.app.i18n().fmt("status.scanned", {age_words(c, s.age_ms)})
                                      : c.app.i18n().fmt("status.offline", {age_words(c, s.age_ms)});
        // The number large and grouped in fours (UI.md: numbers are read aloud and copied by hand), then where the
        // answer came from on its own line.
        ui.text(x, y, c.tr("done.number") + " " + group4(rec.receipt_number), FontRole::header, colour::brand);
        y += ui.px(FontRole::header) + 10;
        y += ui.paragraph(x, y, w, src, FontRole::small, colour::secondary, 1.3f) + 20;

        if (!app.id_card.on_reader_id.empty()) y += draw_message(c, x, y, w, c.tr("idcard.take_back"), false) + 20;
        // Summary card: current stage, its due date, the overall limit, on time / overdue in words.
        auto& ev = s.evaluated;
        const StageDef* cur = prog ? prog->stage(ev.current_stage) : nullptr;
        std::vector<std::pair<std::string, ImU32>> lines;
        std::string now_line = c.tr("status.current") + (cur ? cur->name : ev.current_stage);
        if (!ev.next_deadlines.empty()) {
            const auto& d = ev.next_deadlines.front();
            const StageDef* nx = prog ? prog->stage(d.stage) : nullptr;
            now_line += " · " + app.i18n().fmt("status.next_due", {nx ? nx->name : d.stage, md(app.i18n(), d.due.date)});
        }
        lines.push_back({now_line, colour::text});
        if (ev.overall_due) {
            // The limit in force: the extended one once an extension applies; an assumed limit says so.
            std::string due_line =
                app.i18n().fmt("status.overall_due", {ymd(app.i18n(), ev.overall_due->date), std::to_string(ev.overall_working_days)});
            if (ev.extension_applies) due_line += c.tr("status.extended");
            if (ev.overall_unconfirmed) due_line = app.i18n().fmt("policy.unconfirmed", {due_line});
            lines.push_back({due_line, colour::text});
            auto today = app.clock().today();
            if (ev.overdue) {
                auto over = app.data().calendar.working_days_between(ev.overall_due->date, today).days;
                lines.push_back({app.i18n().fmt("status.overdue", {std::to_string(std::max<std::int64_t>(over, 0))}),
                                 colour::red});
            } else if (!ev.decided) {
                auto left_days = app.data().calendar.working_days_between(today, ev.overall_due->date).days;
                lines.push_back({app.i18n().fmt("status.on_time", {std::to_string(ev.working_days_used),
                                                                   std::to_string(std::max<std::int64_t>(left_days, 0))}),
                                 colour::green});
            }
        } else if (!ev.accepted) {
            lines.push_back({c.tr("status.not_accepted"), colour::amber_text});
        }
        // A refusal or an exit is told with its written reason (personal numbers masked).
        if (!ev.written_reason.empty()) {
            const StageDef* rs = prog ? prog->stage(ev.written_reason_stage) : nullptr;
            lines.push_back({app.i18n().fmt("status.reason", {rs ? rs->name : ev.written_reason_stage, ev.written_reason}),
                             colour::text});
        }
        float inner = w - 72;
        float ch = 40;
        for (auto& l : lines) ch += ui.paragraph(0, 0, inner, l.first, FontRole::body, 0, 1.4f, false) + 8;
        ui.card(x, y, w, ch);
        float ly = y + 24;
        for (auto& l : lines) ly += ui.paragraph(x + 36, ly, inner, l.first, FontRole::body, l.second, 1.4f) + 8;
        if (ev.overdue) ui.dl->AddRectFilled(ImVec2(x, y + 16), ImVec2(x + 10, y + ch - 16), colour::red, 4);
        y += ch + 40;

        // Timeline: done stages (✓), the current one (amber), then the usual path ahead (grey).
        std::vector<std::string> done_ids;
        for (auto& h : rec.history) done_ids.push_back(h.stage);
        std::vector<std::pair<std::string, std::string>> items;  // title, detail
        for (std::size_t i = 0; i < rec.history.size(); ++i) {
            const StageDef* st = prog ? prog->stage(rec.history[i].stage) : nullptr;
            items.push_back({st ? st->name : rec.history[i].stage, md(app.i18n(), rec.history[i].date)});
        }
        std::size_t n_done = items.size();
        if (prog && !ev.closed) {
            // The stages still ahead on the ordinary path: forward stages after the current one, no branches (and
            // never a recipient's exit steps, nor the county's exceptional ones).
            bool after = false;
            int shown = 0;
            for (auto& st : prog->stages) {
                if (st.id == ev.current_stage) {
                    after = true;
                    continue;
                }
                if (!after || st.terminal || st.reason_required || st.extends) continue;
                if (std::find(done_ids.begin(), done_ids.end(), st.id) != done_ids.end()) continue;
                if (st.id == "reinvestigation" || st.id == "democratic_review" || st.id == "county_household_visit" ||
                    st.id == "objection" || st.id == "reopinion" || st.id == "county_approval" ||
                    st.id.rfind("exit_", 0) == 0 || st.id.rfind("phase_out", 0) == 0)
                    continue;
                items.push_back({st.name, c.tr("status.pending")});
                if (++shown >= 4) break;
            }
        }
        for (std::size_t i = 0; i < items.size(); ++i) {
            float cx = x + 30, cy = y + 24;
            bool done = i + 1 < n_done;
            bool current = i + 1 == n_done;
            ImU32 dot = done ? colour::brand : current ? colour::amber : colour::line;
            if (i + 1 < items.size())
                ui.dl->AddLine(ImVec2(cx, cy + 26), ImVec2(cx, cy + 120), done ? colour::brand : colour::line, 4);
            ui.dl->AddCircleFilled(ImVec2(cx, cy), 22, dot, 32);
            if (done) {
                ui.dl->PathLineTo(ImVec2(cx - 10, cy));
                ui.dl->PathLineTo(ImVec2(cx - 2, cy + 9));
                ui.dl->PathLineTo(ImVec2(cx + 11, cy - 9));
                ui.dl->PathStroke(colour::white, 0, 4);
            } else {
                ui.text_centered(cx, cy - ui.px(FontRole::small) / 2 - 2, std::to_string(i + 1), FontRole::small,
                                 current ? colour::text : colour::secondary);
            }
            ui.text(x + 80, y, items[i].first + (current ? " · " + c.tr("status.now") : ""), FontRole::body,
                    i < n_done ? colour::text : colour::muted);
            ui.text(x + 80, y + ui.px(FontRole::body) + 10, items[i].second, FontRole::small, colour::secondary);
            y += 130;
        }
        right_label = c.tr("status.rate");
    }
    end_content(c, "status", top, bottom, y0, y);
    draw_keyboard(c);
    draw_nav(c, left_label, right_label, left, right);
    if (left) c.act.go_home();
    if (right) {
        if (s.phase == StatusPhase::result) c.act.status_rate();
        else c.act.status_query();
    }
}

}  // namespace yimen::kiosk
