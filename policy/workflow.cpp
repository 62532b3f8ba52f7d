// workflow.cpp — the legal stage machine, entirely driven by the programme data.
#include "policy/workflow.hpp"

#include <algorithm>

#include "policy/money.hpp"

namespace yimen {
namespace {

const StageEntry* latest(const std::vector<StageEntry>& h, const std::string& stage) {
    for (auto it = h.rbegin(); it != h.rend(); ++it)
        if (it->stage == stage) return &*it;
    return nullptr;
}

bool reached(const std::vector<StageEntry>& h, const std::string& stage) { return latest(h, stage) != nullptr; }

// The latest date among the `after` stages present in the history.
std::optional<CivilDate> limit_base(const StageLimit& lim, const std::vector<StageEntry>& h) {
    std::optional<CivilDate> best;
    for (auto& s : lim.after)
        if (auto e = latest(h, s); e && (!best || *best < e->date)) best = e->date;
    return best;
}

CalendarAnswer apply_limit(const StageLimit& lim, CivilDate base, const WorkCalendar& cal) {
    return lim.working_days ? cal.add_working_days(base, lim.days) : cal.add_calendar_days(base, lim.days);
}

bool from_allows(const StageDef& target, const std::string& current, const StageDef* current_def) {
    for (auto& f : target.from) {
        if (f == current) return true;
        if (f == "*" && current_def && !current_def->terminal) return true;
    }
    return false;
}

Status structural_check(const Programme& p, const CaseFacts& facts, const std::vector<StageEntry>& h,
                        const StageDef& target) {
    const StageDef* clock = p.clock_start_stage();
    if (h.empty()) {
        if (target.initial) return Ok{};
        return Error{"illegal_transition", "案件尚未建立，第一个环节应为“" + p.initial_stage()->name + "”。"};
    }
    const StageDef* cur = p.stage(h.back().stage);
    if (cur && cur->terminal) return Error{"case_closed", "案件已办结（" + cur->name + "），不能再记录新的环节。"};
    if (target.initial) return Error{"illegal_transition", "案件已经建立，不能再次记录“" + target.name + "”。"};
    if (clock && !target.clock_start && !reached(h, clock->id))
        return Error{"not_accepted", "案件尚未受理：请先记录“" + clock->name + "”，法定时限从受理开始计算。"};
    for (auto& r : target.requires_stages)
        if (!reached(h, r)) {
            const StageDef* rd = p.stage(r);
            return Error{"missing_prerequisite", "记录“" + target.name + "”之前必须先完成“" + (rd ? rd->name : r) + "”。"};
        }
    if (facts.close_relative && target.id == "confirmed")
        for (auto& r : p.close_relative_requires)
            if (!reached(h, r)) {
                const StageDef* rd = p.stage(r);
                return Error{"county_visit_required",
                             "本案已作近亲属备案，确认前必须先完成“" + (rd ? rd->name : r) + "”。"};
            }
    if (!from_allows(target, h.back().stage, cur))
        return Error{"illegal_transition",
                     "当前环节是“" + (cur ? cur->name : h.back().stage) + "”，下一步不能是“" + target.name + "”。"};
    return Ok{};
}

Status check_fields(const StageDef& target, const StageEntry& e) {
    for (auto& f : target.fields) {
        const bool present = e.fields.contains(f.name) && !e.fields[f.name].is_null();
        if (!present) {
            if (f.required) return Error{"field_required", "“" + target.name + "”需要填写：" + f.name + "。"};
            continue;
        }
        const auto& v = e.fields[f.name];
        bool good = true;
        if (f.type == "fen") good = v.is_number_integer() && v.get<std::int64_t>() > 0;
        else if (f.type == "month") {
            good = v.is_string() && v.get<std::string>().size() == 7 &&
                   CivilDate::parse(v.get<std::string>() + "-01").ok();
        } else if (f.type == "names") {
            good = v.is_array() && static_cast<int>(v.size()) >= f.min;
            if (good)
                for (auto& n : v) good = good && n.is_string() && !n.get<std::string>().empty();
            if (!good)
                return Error{"field_required", "“" + target.name + "”需要至少" + std::to_string(f.min) + "名调查人员签名。"};
        } else if (f.type == "self_care") {
            good = v.is_array() && v.size() == 6;
            if (good)
                for (auto& b : v) good = good && b.is_boolean();
        }
        if (!good) return Error{"bad_field", "“" + target.name + "”的 " + f.name + " 填写不正确。"};
    }
    return Ok{};
}

}  // namespace

Status check_transition(const Programme& p, const CaseFacts& facts, const std::vector<StageEntry>& h,
                        const StageEntry& proposed, const Rules& rules) {
    const StageDef* target = p.stage(proposed.stage);
    if (!target) return Error{"unknown_stage", "“" + p.name + "”没有这个环节：" + proposed.stage};
    if (auto s = structural_check(p, facts, h, *target); !s) return s;
    if (!h.empty() && proposed.date < h.back().date)
        return Error{"date_before_previous", "环节日期不能早于上一环节（" + h.back().date.iso() + "）。"};
    if (target->reason_required && proposed.reason.find_first_not_of(" \t\n") == std::string::npos)
        return Error{"reason_required", "记录“" + target->name + "”必须写明理由，理由将书面告知申请人。"};
    std::vector<std::string> missing;
    for (auto& d : target->documents)
        if (std::find(proposed.documents.begin(), proposed.documents.end(), d) == proposed.documents.end())
            missing.push_back(rules.document_name(d));
    if (!missing.empty()) {
        std::string list;
        for (auto& m : missing) list += (list.empty() ? "" : "、") + m;
        return Error{"documents_missing", "记录“" + target->name + "”还缺少文书：" + list + "。"};
    }
    if (auto s = check_fields(*target, proposed); !s) return s;
    if (target->min_calendar_days) {
        const auto& [days, after] = *target->min_calendar_days;
        if (const StageEntry* start = latest(h, after)) {
            const CivilDate earliest = start->date.plus_days(days);
            if (proposed.date < earliest)
                return Error{"publicity_too_short", "公示期为" + std::to_string(days) + "天（开始当天不计），最早于" +
                                                         earliest.iso() + "结束。"};
        }
    }
    if (proposed.fields.contains("extension_reason")) {
        const auto& r = proposed.fields["extension_reason"];
        if (!r.is_string() || !rules.extension_reasons().count(r.get<std::string>()))
            return Error{"bad_extension_reason", "延长办理期限的理由不在规定范围内。"};
    }
    return Ok{};
}

CaseStatus evaluate_case(const Programme& p, const CaseFacts& facts, const std::vector<StageEntry>& h, CivilDate today,
                         const WorkCalendar& cal, const Rules& rules) {
    CaseStatus st;
    if (h.empty()) {
        if (auto* init = p.initial_stage()) st.legal_next.push_back(init->id);
        return st;
    }
    st.current_stage = h.back().stage;
    const StageDef* cur = p.stage(st.current_stage);
    st.closed = cur && cur->terminal;
    const StageDef* clock = p.clock_start_stage();
    if (clock)
        if (auto e = latest(h, clock->id)) {
            st.accepted = true;
            st.clock_start = e->date;
        }
    for (auto& e : h) {
        const StageDef* d = p.stage(e.stage);
        if (d && d->decision && !st.decided_on) st.decided_on = e.date;
        if (d && d->extends) st.extension_applies = true;
        if (e.fields.contains("extension_reason")) st.extension_applies = true;
    }
    if (!facts.extension_reason.empty() && rules.extension_reasons().count(facts.extension_reason))
        st.extension_applies = true;
    st.decided = st.decided_on.has_value();

    // Legal next stages: structurally allowed (documents, fields and dates are the recorder's part).
    for (auto& s : p.stages)
        if (structural_check(p, facts, h, s)) st.legal_next.push_back(s.id);

    // Deadlines of the stages that can come next.
    if (!st.closed)
        for (auto& id : st.legal_next) {
            const StageDef* s = p.stage(id);
            if (!s->limit) continue;
            if (auto base = limit_base(*s->limit, h)) st.next_deadlines.push_back({id, apply_limit(*s->limit, *base, cal)});
        }
    std::sort(st.next_deadlines.begin(), st.next_deadlines.end(),
              [](const Deadline& a, const Deadline& b) { return a.due.date < b.due.date; });
    if (cur && cur->id == "publicity_started")
        for (auto& s : p.stages)
            if (s.min_calendar_days && s.min_calendar_days->second == cur->id)
                st.publicity_ends = h.back().date.plus_days(s.min_calendar_days->first);

    const CivilDate until = st.decided ? *st.decided_on : today;
    if (p.overall && st.clock_start) {
        const int n = st.extension_applies ? p.overall->extended_working_days : p.overall->working_days;
        st.overall_due = cal.add_working_days(*st.clock_start, n);
        auto used = cal.working_days_between(*st.clock_start, until);
        st.working_days_used = used.days;
        st.provisional = st.overall_due->provisional || used.provisional;
        st.overdue = until > st.overall_due->date;
    }
    if (!st.closed && !st.next_deadlines.empty()) {
        // Waiting past the earliest stage limit is overdue too (e.g. no investigation within 3 working days).
        bool all_late = true;
        for (auto& d : st.next_deadlines) {
            all_late = all_late && today > d.due.date;
            st.provisional = st.provisional || d.due.provisional;
        }
        if (all_late) st.overdue = true;
    }
    return st;
}

}  // namespace yimen
