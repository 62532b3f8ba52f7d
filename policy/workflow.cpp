// workflow.cpp — the legal stage machine, entirely driven by the programme data.
#include "policy/workflow.hpp"

#include <algorithm>
#include <array>

#include "policy/money.hpp"
#include "policy/resident_id.hpp"

namespace yimen {
namespace {

const StageEntry* latest(const std::vector<StageEntry>& h, const std::string& stage) {
    for (auto it = h.rbegin(); it != h.rend(); ++it)
        if (it->stage == stage) return &*it;
    return nullptr;
}

bool reached(const std::vector<StageEntry>& h, const std::string& stage) { return latest(h, stage) != nullptr; }

// The latest entry among the `after` stages present in the history.
const StageEntry* limit_base(const StageLimit& lim, const std::vector<StageEntry>& h) {
    const StageEntry* best = nullptr;
    for (auto& s : lim.after)
        if (auto e = latest(h, s); e && (!best || best->date < e->date)) best = e;
    return best;
}

CalendarAnswer apply_limit(const StageLimit& lim, CivilDate base, const WorkCalendar& cal) {
    return lim.working_days ? cal.add_working_days(base, lim.days) : cal.add_calendar_days(base, lim.days);
}

// "*" = any stage before a decision: a refused case goes on to its written notice, never straight to "terminated".
bool from_allows(const StageDef& target, const std::string& current, const StageDef* current_def, bool decided) {
    for (auto& f : target.from) {
        if (f == current) return true;
        if (f == "*" && current_def && !current_def->terminal && !current_def->settled && !decided) return true;
    }
    return false;
}

bool any_decision(const Programme& p, const std::vector<StageEntry>& h) {
    for (auto& e : h)
        if (const StageDef* d = p.stage(e.stage); d && d->decision) return true;
    return false;
}

// "HH:MM" → minutes after midnight, or -1.
int parse_hhmm(const std::string& t) {
    if (t.size() != 5 || t[2] != ':') return -1;
    for (int i : {0, 1, 3, 4})
        if (t[static_cast<std::size_t>(i)] < '0' || t[static_cast<std::size_t>(i)] > '9') return -1;
    const int hh = (t[0] - '0') * 10 + (t[1] - '0'), mm = (t[3] - '0') * 10 + (t[4] - '0');
    if (hh > 23 || mm > 59) return -1;
    return hh * 60 + mm;
}

std::string next_month(CivilDate d) {
    const int y = d.month == 12 ? d.year + 1 : d.year, m = d.month == 12 ? 1 : d.month + 1;
    std::string out = std::to_string(y) + "-";
    if (m < 10) out += "0";
    return out + std::to_string(m);
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
    if (target.once && reached(h, target.id))
        return Error{"stage_once", "“" + target.name + "”在本案中只能记录一次。公示有异议的，重新调查或民主评议后" +
                                       "重新提出审核意见即可，不再二次公示。"};
    const bool needs_county = facts.close_relative || facts.complaints > 0;
    if (needs_county && std::find(p.close_relative_before.begin(), p.close_relative_before.end(), target.id) !=
                            p.close_relative_before.end())
        for (auto& r : p.close_relative_requires)
            if (!reached(h, r)) {
                const StageDef* rd = p.stage(r);
                const std::string why = facts.close_relative ? "本案已作近亲属备案" : "本案收到投诉或举报";
                return Error{"county_visit_required", why + "，作出“" + target.name + "”决定前必须先完成“" +
                                                          (rd ? rd->name : r) + "”。"};
            }
    if (cur && cur->settled && !from_allows(target, h.back().stage, cur, true))
        return Error{"case_closed", "案件已办结（" + cur->name + "），之后只能记录渐退、停发等救助对象的后续环节。"};
    if (!from_allows(target, h.back().stage, cur, any_decision(p, h)))
        return Error{"illegal_transition",
                     "当前环节是“" + (cur ? cur->name : h.back().stage) + "”，下一步不能是“" + target.name + "”。"};
    return Ok{};
}

Status check_fields(const Programme& p, const StageDef& target, const std::vector<StageEntry>& h, const StageEntry& e,
                    const Rules& rules) {
    for (auto& f : target.fields) {
        const bool present = e.fields.contains(f.name) && !e.fields[f.name].is_null();
        if (!present) {
            if (f.required) return Error{"field_required", "“" + target.name + "”需要填写：" + f.name + "。"};
            continue;
        }
        const auto& v = e.fields[f.name];
        bool good = true;
        if (f.type == "fen") good = v.is_number_integer() && v.get<std::int64_t>() > 0;
        else if (f.type == "fen0") good = v.is_number_integer() && v.get<std::int64_t>() >= 0;
        else if (f.type == "count") {
            good = v.is_number_integer() && v.get<std::int64_t>() >= 1 && v.get<std::int64_t>() <= 1000;
            if (good && !f.max_fact.empty()) {
                const int max = rules.fact_int(f.max_fact, 0);
                if (v.get<std::int64_t>() > max)
                    return Error{"over_maximum", "“" + target.name + "”的 " + f.name + " 最多为" + std::to_string(max) +
                                                     "（原则上不超过" + std::to_string(max) + "个月）。"};
            }
        } else if (f.type == "time") good = v.is_string() && parse_hhmm(v.get<std::string>()) >= 0;
        else if (f.type == "choice") {
            good = v.is_string() &&
                   std::find(f.options.begin(), f.options.end(), v.get<std::string>()) != f.options.end();
        } else if (f.type == "self_care_grade") {
            good = v.is_string();
            if (good && e.fields.contains("indicators") && e.fields["indicators"].is_array() &&
                e.fields["indicators"].size() == 6) {
                std::array<bool, 6> a{};
                for (std::size_t i = 0; i < 6; ++i)
                    a[i] = e.fields["indicators"][i].is_boolean() && e.fields["indicators"][i].get<bool>();
                good = v.get<std::string>() == self_care_grade_code(self_care_grade(a));
            }
        } else if (f.type == "month") {
            good = v.is_string() && v.get<std::string>().size() == 7 &&
                   CivilDate::parse(v.get<std::string>() + "-01").ok();
            if (good && f.check == "month_after_decision" && v.get<std::string>() != next_month(e.date))
                return Error{"bad_first_month", "救助金从作出决定的次月起发放：" + e.date.iso() + "决定的，起始月份应为" +
                                                    next_month(e.date) + "。"};
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
        if (f.type != "fen") continue;
        const Fen amount = v.get<Fen>();
        if (f.check == "difference") {
            auto num = [&](const char* k) -> std::optional<std::int64_t> {
                if (e.fields.contains(k) && e.fields[k].is_number_integer()) return e.fields[k].get<std::int64_t>();
                return std::nullopt;
            };
            const auto standard = num("standard_fen"), income = num("income_per_capita_fen"), members = num("members");
            const bool has_reason = e.reason.find_first_not_of(" \t\n") != std::string::npos;
            if (standard && income && members) {
                const Fen expected =
                    difference_benefit({*standard, *income, static_cast<int>(std::min<std::int64_t>(*members, 1000))});
                const Fen tolerance = rules.fact_int("benefit_tolerance_fen", 0);
                const Fen diff = amount > expected ? amount - expected : expected - amount;
                if (diff > tolerance && !has_reason)
                    return Error{"amount_mismatch", "确认金额" + format_yuan(amount) + "元与差额计算结果" +
                                                        format_yuan(expected) + "元（（标准 − 人均收入）× 保障人数）不符。" +
                                                        "请核对；确需按其他方式确定金额的，请写明理由。"};
            } else if (!has_reason) {
                return Error{"amount_basis_required", "请填写保障标准、家庭人均收入和保障人数以核对差额，" +
                                                          std::string("或写明按其他方式（如分档）确定金额的理由。")};
            }
        }
        if (!f.ceiling.empty()) {
            const nlohmann::json* c = p.figure(f.ceiling);
            std::optional<Fen> ceiling;
            if (c && c->contains("value") && (*c)["value"].is_string())
                if (auto y = parse_yuan((*c)["value"].get<std::string>())) ceiling = *y;
            if (ceiling && amount > *ceiling && !f.approval.empty() && !reached(h, f.approval)) {
                const StageDef* a = p.stage(f.approval);
                return Error{"county_approval_required", "金额" + format_yuan(amount) + "元超过乡镇审批额度" +
                                                             format_yuan(*ceiling) + "元，须先完成“" +
                                                             (a ? a->name : f.approval) + "”。"};
            }
        }
    }
    return Ok{};
}

}  // namespace

bool is_unconfirmed(const std::string& confidence) { return confidence == "❌"; }

void complete_stage_fields(const Programme& p, StageEntry& entry) {
    const StageDef* d = p.stage(entry.stage);
    if (!d) return;
    for (auto& f : d->fields) {
        if (f.type != "self_care") continue;
        const auto& v = entry.fields.contains(f.name) ? entry.fields[f.name] : nlohmann::json();
        if (!v.is_array() || v.size() != 6) continue;
        std::array<bool, 6> a{};
        bool ok = true;
        for (std::size_t i = 0; i < 6; ++i) {
            ok = ok && v[i].is_boolean();
            a[i] = ok && v[i].get<bool>();
        }
        if (!ok) continue;
        const SelfCareGrade g = self_care_grade(a);
        entry.fields["grade"] = self_care_grade_code(g);
        entry.fields["tier"] = self_care_tier_zh(g);
    }
}

std::string mask_personal_text(const std::string& text) {
    std::string out;
    std::size_t i = 0;
    auto is_d = [](char c) { return c >= '0' && c <= '9'; };
    while (i < text.size()) {
        if (!is_d(text[i])) {
            out.push_back(text[i++]);
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && is_d(text[j])) ++j;
        if (j - i == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x')) ++j;
        const std::string run = text.substr(i, j - i);
        if (run.size() == 18 || run.size() == 15) out += mask_resident_id(run);
        else if (run.size() == 11 && run[0] == '1') out += run.substr(0, 3) + "****" + run.substr(7);
        else out += run;
        i = j;
    }
    return out;
}

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
    if (auto s = check_fields(p, *target, h, proposed, rules); !s) return s;
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
    // An extension lengthens the time to a decision: once the case is decided there is nothing left to extend, and a
    // late one would turn a late decision into a timely one after the fact.
    if (proposed.fields.contains("extension_reason") || target->extends)
        for (auto& e : h)
            if (const StageDef* d = p.stage(e.stage); d && d->decision)
                return Error{"extension_after_decision", "本案已于" + e.date.iso() + "作出决定（" + d->name +
                                                             "），不能再延长办理期限。"};
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
    st.closed = cur && (cur->terminal || cur->settled);
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
    for (auto& e : h)
        if (const StageDef* d = p.stage(e.stage); d && d->notice && !e.reason.empty()) {
            st.written_reason_stage = e.stage;
            st.written_reason = mask_personal_text(e.reason);
        }

    // Legal next stages: structurally allowed (documents, fields and dates are the recorder's part).
    for (auto& s : p.stages)
        if (structural_check(p, facts, h, s)) st.legal_next.push_back(s.id);

    // Deadlines of the stages that can come next.
    if (!st.closed)
        for (auto& id : st.legal_next) {
            const StageDef* s = p.stage(id);
            if (!s->limit) continue;
            const StageEntry* base = limit_base(*s->limit, h);
            if (!base) continue;
            if (s->limit->hours > 0) {
                // Hours run from the time of the base step (先行救助: 48 h from 受理), across nights and holidays.
                int start = -1;
                if (base->fields.contains("time") && base->fields["time"].is_string())
                    start = parse_hhmm(base->fields["time"].get<std::string>());
                const bool known = start >= 0;
                const std::int64_t total = (known ? start : 0) + std::int64_t{s->limit->hours} * 60;
                const int minute = static_cast<int>(total % 1440);
                std::string hhmm = std::to_string(minute / 60 / 10) + std::to_string(minute / 60 % 10) + ":" +
                                   std::to_string(minute % 60 / 10) + std::to_string(minute % 10);
                st.next_deadlines.push_back(
                    {id, CalendarAnswer{base->date.plus_days(total / 1440), false}, std::move(hhmm), known});
                continue;
            }
            st.next_deadlines.push_back({id, apply_limit(*s->limit, base->date, cal), "", true});
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
        st.overall_working_days = n;
        st.overall_unconfirmed = is_unconfirmed(p.overall->confidence);
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
