// demo_cases.cpp — the demo year's cases: applications at the kiosks and the stage dates planned for each from its
// township's pace (acceptance, investigation, review, decision, publicity, refusals, extensions), the residents'
// follow-up visits, and referrals. Every planned stage goes through Casework (policy/workflow.cpp checks it).
// See demo_generator.hpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "county/demo_generator.hpp"

namespace yimen::county::demo_detail {
namespace {

std::string month_after(CivilDate d) {
    const int y = d.month == 12 ? d.year + 1 : d.year, m = d.month == 12 ? 1 : d.month + 1;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

}  // namespace

// ---- Applications and their cases ------------------------------------------------------------------------------------

Status Generator::application_visit(DemoKiosk& k, UtcMillis t) {
    const std::size_t ti = k.township;
    DemoTownship& tw = townships_[ti];
    const TownshipSpec& spec = *tw.spec;
    const double r = dice_.uniform();
    const std::string programme = r < 0.50 ? "dibao" : r < 0.62 ? "tekun" : r < 0.77 ? "linshi_jinan" : "linshi_zhichu";
    const Programme* p = rules_.programme(programme);
    if (!p) return Error{"demo_rejected", "规则中没有项目 " + programme};
    const bool assisted = dice_.chance(programme == "tekun" ? 0.7 : 0.45);
    const CivilDate day = county_date_at(t);

    // A returning applicant now and then (visits per case, 跑动次数); otherwise a new household.
    Identity who;
    if (!tw.recent.empty() && dice_.chance(0.05)) who = dice_.pick(tw.recent);
    else who = programme == "tekun" ? new_identity(ti, 1935, 1962) : new_identity(ti, 1952, 2000);
    tw.recent.push_back(who);
    if (tw.recent.size() > 60) tw.recent.erase(tw.recent.begin());

    rec::ApplicationSubmitted a;
    a.receipt_number = next_receipt(k, ReceiptType::application, t);
    a.programme = programme;
    a.township = spec.code;
    a.channel = assisted ? "assisted" : "self";
    a.operator_id = assisted ? tw.staff.user_id : "";
    a.applicant = who.person;
    a.applicant_key = who.key;
    const int others = programme == "tekun" ? 0 : dice_.between(0, 3);
    static const std::vector<std::string> kRelations = {"spouse", "child", "parent", "grandchild"};
    for (int i = 0; i < others; ++i) {
        const std::string& rel = kRelations[static_cast<std::size_t>(i % 4)];
        rec::Person m = rel == "child" || rel == "grandchild" ? member(rel, 2006, 2020, spec) : member(rel, 1945, 1998, spec);
        m.student = rel == "child" || rel == "grandchild";
        a.members.push_back(m);
    }
    const int household = 1 + others;
    const bool urban = spec.urban;
    auto standard = policy_.standards.for_month(spec.code, urban ? AreaKind::urban : AreaKind::rural, day.year, day.month);
    const Fen standard_fen = standard ? standard->dibao_monthly : 44100;
    // Most applicants fall under the standard; the household's monthly income by the four legal categories.
    const Fen per_capita = std::max<Fen>(0, standard_fen * dice_.between(5, 85) / 100 / 100 * 100);
    const Fen total = per_capita * household;
    a.income.wages_fen = total * 6 / 10;
    a.income.transfer_fen = total - a.income.wages_fen;
    a.assets.deposits_fen = dice_.between(0, 300) * 10000;
    a.assets.houses = dice_.chance(0.8) ? 1 : 0;
    a.hardship_statement = programme == "linshi_jinan" ? "家中突发火灾，基本生活暂时出现严重困难。"
                           : programme == "linshi_zhichu" ? "家人患病住院，医疗支出大，生活困难。"
                                                          : "家庭收入低，生活困难，申请救助。";
    const bool close_relative = programme == "dibao" && dice_.chance(0.03);
    a.close_relative = close_relative;
    if (close_relative) a.close_relative_relation = "申请人之子为村委会成员";
    const std::string wall = format_rfc3339(t + k.skew_ms);
    a.commitment_at = wall;
    a.authorisation_at = wall;
    // What the clerk checks at 受理 (without the two taps, which the intake records itself).
    std::vector<std::string> needed;
    if (const StageDef* acc = p->stage("accepted"))
        for (auto& d : acc->documents)
            if (d != "commitment" && d != "authorisation") needed.push_back(d);
    a.materials_received = needed;
    if (needed.size() > 1 && dice_.chance(0.3)) {  // a one-time notice (一次性告知) of what is still missing
        const std::size_t gone = static_cast<std::size_t>(dice_.between(1, static_cast<int>(needed.size()) - 1));
        a.materials_missing.push_back(needed[gone]);
        a.materials_received.erase(a.materials_received.begin() + static_cast<std::ptrdiff_t>(gone));
    }
    if (programme == "dibao" && !assisted) a.estimate_fen = difference_benefit({standard_fen, per_capita, household});

    rec::Actor actor = assisted ? rec::Actor{"staff", tw.staff.user_id} : rec::Actor{"resident", ""};
    if (assisted) login_if_needed(k, t, tw);
    emit(k, t, rec::type::application_submitted, a, actor);
    printed(k, t, a.receipt_number, "intake");
    summary_.receipts.push_back(a.receipt_number);
    ++summary_.counts["case." + programme];

    // Complete materials at an assisted desk: the clerk accepts at once on the kiosk (受理回执).
    const bool accept_here = assisted && a.materials_missing.empty() && programme != "linshi_jinan" && dice_.chance(0.6);
    if (accept_here) {
        rec::ApplicationAccepted acc{a.receipt_number, programme, day.iso(), needed, tw.staff.user_id};
        emit(k, t, rec::type::application_accepted, acc, {"staff", tw.staff.user_id});
        printed(k, t, a.receipt_number, "acceptance");
    }
    // Rating the service just received, sometimes the quiz too (the resident's own taps, never the clerk's).
    bool rated = false;
    if (dice_.chance(0.45)) {
        const int level = rating_level(quality(ti, day));
        emit(k, t, rec::type::rating_given,
             rating_payload(a.receipt_number, level, assisted ? "assisted" : "kiosk", assisted ? tw.staff.user_id : ""),
             {"resident", ""});
        rated = true;
    }
    if (dice_.chance(0.3)) emit(k, t, rec::type::quiz_answered, quiz_payload(quality(ti, day)), {"resident", ""});
    k.busy_until = t;
    plan_case(ti, a.receipt_number, programme, day, t, accept_here, close_relative, household, per_capita, urban, rated);
    return Ok{};
}

void Generator::stage(CivilDate d, std::size_t township, const std::string& receipt, const std::string& programme,
                      const std::string& stage_id, json fields, std::string reason) {
    const Programme* p = rules_.programme(programme);
    const StageDef* def = p ? p->stage(stage_id) : nullptr;
    json body = {{"stage", stage_id}, {"date", d.iso()}};
    if (!fields.empty()) body["fields"] = std::move(fields);
    if (!reason.empty()) body["reason"] = std::move(reason);
    if (def && !def->documents.empty()) body["documents"] = def->documents;
    tasks_[d.to_days()].push_back({receipt, std::move(body), def && def->actor == "county", township});
}

// Planned visits after the application: status queries while the case runs, and for some a rating or a complaint.
void Generator::follow_up_visits(std::size_t township, const std::string& receipt, CivilDate from, CivilDate decided,
                                 bool late, bool refused, bool rated) {
    const int queries = dice_.between(0, late ? 3 : 2);
    const std::int64_t span = std::max<std::int64_t>(1, decided.to_days() - from.to_days() + 10);
    for (int i = 0; i < queries; ++i) {
        const CivilDate d = from.plus_days(dice_.between(3, static_cast<int>(span)));
        schedule_visit(d, township, [this, receipt](DemoKiosk& k) {
            UtcMillis t = std::max(k.busy_until, k.last_event_ms);
            emit(k, t, rec::type::status_queried, rec::StatusQueried{receipt, "online", true}, {"resident", ""});
            k.busy_until = t;
            return Status(Ok{});
        });
    }
    if (rated || decided == from) return;
    if (dice_.chance(0.25)) {
        const CivilDate when = decided.plus_days(dice_.between(1, 20));
        const double felt = quality(township, when) - (late ? 0.3 : 0) - (refused ? 0.2 : 0);
        const int level = rating_level(std::clamp(felt, 0.0, 1.0));
        schedule_visit(when, township, [this, receipt, level](DemoKiosk& k) {
            UtcMillis t = std::max(k.busy_until, k.last_event_ms);
            emit(k, t, rec::type::status_queried, rec::StatusQueried{receipt, "online", true}, {"resident", ""});
            emit(k, t, rec::type::rating_given, rating_payload(receipt, level, "kiosk", ""), {"resident", ""});
            k.busy_until = t;
            return Status(Ok{});
        });
    }
    if ((late || refused) && dice_.chance(0.12)) {
        schedule_visit(decided.plus_days(dice_.between(1, 25)), township, [this, receipt](DemoKiosk& k) {
            return complaint_visit(k, std::max(k.busy_until, k.last_event_ms), receipt);
        });
    }
}

void Generator::plan_case(std::size_t ti, const std::string& receipt, const std::string& programme, CivilDate submitted,
                          UtcMillis submitted_ms, bool accepted_at_kiosk, bool close_relative, int members,
                          Fen income_per_capita, bool urban, bool rated) {
    const TownshipSpec& spec = *townships_[ti].spec;
    const bool slow = dice_.chance(0.04 + 0.36 * (1 - quality(ti, submitted)));
    const double pace = slow ? 2.0 : 1.0;
    auto steps = [&](int lo, int hi) { return static_cast<int>(std::lround(dice_.between(lo, hi) * pace)); };
    auto add = [&](CivilDate& d, const std::string& id, int days, json fields = json::object(), std::string reason = "") {
        d = wd(d, days);
        stage(d, ti, receipt, programme, id, std::move(fields), std::move(reason));
    };
    auto investigators = [&] {
        return json::array({dice_.pick(kSurnames) + dice_.pick(kGiven), dice_.pick(kSurnames) + dice_.pick(kGiven)});
    };
    auto refusal = [&](CivilDate& d, int after, const char* why) {
        add(d, "refused", after, json::object(), why);
        const CivilDate decided = d;
        add(d, "refusal_notified", slow && dice_.chance(0.5) ? dice_.between(4, 7) : dice_.between(0, 3));
        return decided;
    };

    // 申请 → 受理: usually within days; a slow township sometimes lets it wait past the configured limit.
    CivilDate d = submitted;
    if (!accepted_at_kiosk) {
        if (dice_.chance(0.02)) {  // never accepted (materials never completed): the 申请 → 受理 delay keeps growing
            follow_up_visits(ti, receipt, submitted, submitted, true, false, rated);
            return;
        }
        const double r = dice_.uniform();
        const int delay = slow && dice_.chance(0.4) ? dice_.between(6, 10) : r < 0.4 ? 0 : r < 0.7 ? 1 : r < 0.9 ? 2 : dice_.between(3, 4);
        json fields = json::object();
        if (programme == "linshi_jinan") {
            // The 48 h of 先行救助 count from the time of 受理.
            const UtcMillis local = submitted_ms + 8 * kHourMs + (delay == 0 ? kHourMs : 0);
            const int minute_of_day = static_cast<int>((local % kDayMs) / kMinuteMs);
            char hhmm[32];
            const int hh = delay == 0 ? std::min(minute_of_day / 60, 17) : dice_.between(8, 16);
            std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", hh, delay == 0 ? minute_of_day % 60 : dice_.between(0, 59));
            fields["time"] = hhmm;
        }
        add(d, "accepted", delay, fields);
    }
    const CivilDate accepted = d;
    const bool stuck = dice_.chance(0.02);  // a case nobody moves: the overdue figures must find it
    const bool extension = programme == "dibao" && dice_.chance(0.07);
    json ext = json::object();
    if (extension) {
        static const std::vector<std::string> kReasons = {"ren_hu_fenli", "off_site", "hard_investigation"};
        ext["extension_reason"] = dice_.pick(kReasons);
    }
    const double outcome = dice_.uniform();
    CivilDate decided = accepted;
    bool refused = false;

    if (programme == "dibao") {
        add(d, "investigation_started", slow ? dice_.between(3, 6) : dice_.between(1, 3), ext);
        if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(30), true, false, rated);
        const int ext_pace = extension ? dice_.between(4, 8) : 0;
        add(d, "household_visit_done", steps(2, 4) + ext_pace, {{"investigators", investigators()}});
        if (outcome < 0.02) {
            add(d, "terminated", dice_.between(1, 3), json::object(), "申请人经多次告知仍拒绝配合入户调查，终止审核。");
            return follow_up_visits(ti, receipt, submitted, d, slow, true, rated);
        }
        add(d, "verification_done", steps(1, 2) + ext_pace);
        // The county's own visit to a close-relative case: usually soon, sometimes weeks later (an alert to raise).
        if (close_relative) add(d, "county_household_visit", dice_.chance(0.3) ? dice_.between(8, 15) : dice_.between(1, 3));
        if (outcome < 0.08) {
            decided = refusal(d, dice_.between(1, 2), "经信息核对，家庭人均收入高于当地低保标准，不符合条件。");
            refused = true;
        } else {
            add(d, "preliminary_opinion", steps(1, 2));
            add(d, "publicity_started", dice_.between(0, 1));
            const CivilDate started = d;
            d = wd(next_working_day(cal_, started.plus_days(7)), dice_.between(0, 1));
            stage(d, ti, receipt, programme, "publicity_ended");
            const bool objection = outcome < 0.12;
            if (objection) {  // an objection: new investigation and a new opinion, no second 公示
                add(d, "objection", 0, json::object(), "公示期间有村民反映申请人家庭有经营收入。");
                add(d, "reinvestigation", dice_.between(1, 3));
                add(d, "reopinion", dice_.between(2, 4));
            }
            if ((outcome >= 0.12 && outcome < 0.20) || (objection && dice_.chance(0.5))) {
                decided = refusal(d, dice_.between(1, 2), "经调查核实，申请人家庭财产状况不符合低保条件。");
                refused = true;
            } else {
                d = wd(d, steps(1, 3));
                const auto standard =
                    policy_.standards.for_month(spec.code, urban ? AreaKind::urban : AreaKind::rural, d.year, d.month);
                const Fen standard_fen = standard ? standard->dibao_monthly : 44100;
                const Fen income = std::min(income_per_capita, standard_fen - 100);
                const Fen amount = difference_benefit({standard_fen, income, members});
                stage(d, ti, receipt, programme, "confirmed",
                      {{"amount_fen", amount}, {"first_month", month_after(d)}, {"standard_fen", standard_fen},
                       {"income_per_capita_fen", income}, {"members", members}});
                decided = d;
                // Some recipients leave within the year: 渐退 first, or a stop with written reasons.
                const double later = dice_.uniform();
                if (later < 0.04) {
                    CivilDate e = wd(d, dice_.between(40, 120));
                    stage(e, ti, receipt, programme, "phase_out_started", {{"months", dice_.between(3, 6)}},
                          "家庭成员实现稳定就业，收入超过低保标准，按规定给予渐退期。");
                    e = wd(e, dice_.between(60, 120));
                    stage(e, ti, receipt, programme, "exit_decided", json::object(), "渐退期满，家庭收入稳定超过低保标准。");
                    stage(wd(e, dice_.between(1, 3)), ti, receipt, programme, "exit_notified");
                } else if (later < 0.09) {
                    const CivilDate e = wd(d, dice_.between(30, 160));
                    stage(e, ti, receipt, programme, "exit_decided", json::object(), "年度复核发现家庭经济状况好转，不再符合条件。");
                    stage(wd(e, dice_.between(1, 3)), ti, receipt, programme, "exit_notified");
                }
            }
        }
    } else if (programme == "tekun") {
        add(d, "investigation_started", dice_.between(1, 3));
        if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(40), true, false, rated);
        add(d, "household_visit_done", steps(2, 5), {{"investigators", investigators()}});
        add(d, "verification_done", steps(1, 3));
        json indicators = json::array();
        const int lost = dice_.chance(0.5) ? 0 : dice_.between(1, 6);
        for (int i = 0; i < 6; ++i) indicators.push_back(i < lost);
        add(d, "self_care_assessment", dice_.between(1, 3), {{"indicators", indicators}});
        add(d, "preliminary_opinion", steps(1, 2));
        add(d, "publicity_started", dice_.between(0, 1));
        d = wd(next_working_day(cal_, d.plus_days(7)), dice_.between(0, 1));
        stage(d, ti, receipt, programme, "publicity_ended");
        if (outcome < 0.10) {
            decided = refusal(d, dice_.between(1, 3), "经调查，申请人有法定赡养义务人且具备赡养能力，不符合特困供养条件。");
            refused = true;
        } else {
            d = wd(d, slow ? dice_.between(14, 20) : dice_.between(2, 8));
            const auto standard = policy_.standards.for_month(spec.code, urban ? AreaKind::urban : AreaKind::rural,
                                                              d.year, d.month);
            const Fen basic = standard && standard->tekun_basic_monthly > 0 ? standard->tekun_basic_monthly : 57330;
            const Fen care = standard ? (lost == 0 ? standard->care_full_self : lost <= 3 ? standard->care_partial
                                                                                          : standard->care_full)
                                      : 0;
            stage(d, ti, receipt, programme, "confirmed",
                  {{"amount_fen", basic + care}, {"first_month", month_after(d)},
                   {"support_form", dice_.chance(0.2) ? "concentrated" : "dispersed"}});
            decided = d;
        }
    } else if (programme == "linshi_jinan") {
        if (dice_.chance(0.7)) {  // 先行救助: paid at once, paperwork afterwards
            const int late_pay = slow && dice_.chance(0.3) ? 3 : dice_.between(0, 1);
            d = d.plus_days(late_pay);
            d = next_working_day(cal_, d);
            stage(d, ti, receipt, programme, "paid_first", {{"amount_fen", dice_.between(3, 10) * 10000}});
            if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(20), true, false, rated);
            add(d, "paperwork_completed", slow ? dice_.between(6, 9) : dice_.between(2, 5));
            add(d, "closed", dice_.between(0, 2));
            decided = d;
        } else {
            add(d, "investigation_started", dice_.between(1, 2));
            if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(20), true, false, rated);
            if (outcome < 0.15) {
                decided = refusal(d, steps(2, 6), "经核实，申请人家庭困难已通过其他救助途径解决。");
                refused = true;
            } else {
                add(d, "confirmed", slow ? dice_.between(12, 18) : dice_.between(2, 6),
                    {{"amount_fen", dice_.between(10, 48) * 10000}});
                decided = d;
            }
        }
    } else {  // linshi_zhichu
        add(d, "investigation_started", dice_.between(1, 2));
        if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(20), true, false, rated);
        add(d, "household_visit_done", steps(1, 3), {{"investigators", investigators()}});
        if (outcome < 0.06) {
            decided = refusal(d, dice_.between(1, 2), "经入户调查，医疗费用已由医保报销大部分，自付部分未超过规定比例。");
            refused = true;
        } else {
            add(d, "preliminary_opinion", steps(1, 2));
            add(d, "publicity_started", dice_.between(0, 1));
            d = wd(next_working_day(cal_, d.plus_days(7)), dice_.between(0, 1));
            stage(d, ti, receipt, programme, "publicity_ended");
            if (outcome < 0.12) {
                decided = refusal(d, dice_.between(1, 2), "经审核，家庭支出型困难未达到救助条件。");
                refused = true;
            } else if (outcome < 0.22) {  // above the township's ceiling: the county approves first
                add(d, "county_approval", dice_.between(1, 2));
                add(d, "confirmed", dice_.between(0, 2), {{"amount_fen", dice_.between(55, 120) * 10000}});
                decided = d;
            } else {
                add(d, "confirmed", steps(1, 2), {{"amount_fen", dice_.between(10, 50) * 10000}});
                decided = d;
            }
        }
    }
    const auto used = cal_.working_days_between(accepted, decided).days;
    const Programme* p = rules_.programme(programme);
    const bool late = p && p->overall && used > (extension ? p->overall->extended_working_days : p->overall->working_days);
    follow_up_visits(ti, receipt, submitted, decided, late || slow, refused, rated);
    if (extension) ++summary_.counts["case.extended"];
    if (slow) ++summary_.counts["case.slow_township_pace"];
}

// ---- Referrals -------------------------------------------------------------------------------------------------------

Status Generator::referral_visit(DemoKiosk& k, UtcMillis t) {
    const std::size_t ti = k.township;
    DemoTownship& tw = townships_[ti];
    const double r = dice_.uniform();
    const std::string programme = r < 0.35 ? "ref_yiliao" : r < 0.55 ? "ref_jiaoyu" : r < 0.70 ? "ref_zhufang"
                                  : r < 0.90                        ? "ref_jiuye"
                                                                    : "ref_other";
    const Programme* p = rules_.programme(programme);
    rec::ReferralIssued ref;
    ref.receipt_number = next_receipt(k, ReceiptType::referral, t);
    ref.programme = programme;
    ref.department = p ? p->department : "";
    ref.need = programme == "ref_yiliao"   ? "住院费用负担重，想了解医疗救助。"
               : programme == "ref_jiaoyu" ? "孩子上学有困难，想申请教育资助。"
               : programme == "ref_zhufang" ? "房屋年久失修，想申请危房改造。"
               : programme == "ref_jiuye"  ? "想找一份就近的工作。"
                                           : "想咨询其他帮扶政策。";
    // A returning applicant is counted as another visit during their case.
    if (!tw.recent.empty() && dice_.chance(0.15)) ref.applicant_key = dice_.pick(tw.recent).key;
    const bool assisted = dice_.chance(0.3);
    ref.channel = assisted ? "assisted" : "self";
    ref.operator_id = assisted ? tw.staff.user_id : "";
    if (assisted) login_if_needed(k, t, tw);
    emit(k, t, rec::type::referral_issued, ref, assisted ? rec::Actor{"staff", tw.staff.user_id} : rec::Actor{"resident", ""});
    printed(k, t, ref.receipt_number, "referral");
    summary_.receipts.push_back(ref.receipt_number);
    ++summary_.counts["case.referral"];
    if (dice_.chance(0.35)) {
        emit(k, t, rec::type::rating_given, rating_payload(ref.receipt_number, rating_level(quality(ti, county_date_at(t))),
                                                           assisted ? "assisted" : "kiosk", assisted ? tw.staff.user_id : ""),
             {"resident", ""});
    }
    k.busy_until = t;
    plan_referral(ti, ref.receipt_number, county_date_at(t));
    return Ok{};
}

void Generator::plan_referral(std::size_t ti, const std::string& receipt, CivilDate issued) {
    const bool slow = dice_.chance(0.05 + 0.3 * (1 - quality(ti, issued)));
    CivilDate d = wd(issued, slow ? dice_.between(3, 6) : dice_.between(0, 2));
    auto add = [&](const char* id) {
        tasks_[d.to_days()].push_back({receipt, {{"stage", id}, {"date", d.iso()}}, false, ti});
    };
    if (dice_.chance(0.03)) return;  // waiting to be forwarded
    add("forwarded");
    if (dice_.chance(0.6)) {
        d = wd(d, dice_.between(3, 10));
        add("answered");
    }
    if (dice_.chance(0.9)) {
        d = wd(d, dice_.between(0, 3));
        add("closed");
    }
}

}  // namespace yimen::county::demo_detail
