// workflow_test.cpp — the legal stage machine: legal paths, refused steps with their reason codes, deadlines.
#include "policy/workflow.hpp"

#include <fstream>
#include <sstream>

#include "test_support.hpp"

using namespace yimen;
using nlohmann::json;
using yimen::test::date;

namespace {

const Rules& rules() { return yimen::test::policy_data().rules; }
const WorkCalendar& cal() { return yimen::test::policy_data().calendar; }

// Builds a history step by step, requiring each step to be legal.
struct Case {
    const Programme* p;
    CaseFacts facts;
    std::vector<StageEntry> h;

    explicit Case(const char* programme, bool close_relative = false) : p(rules().programme(programme)) {
        REQUIRE(p != nullptr);
        facts.close_relative = close_relative;
    }
    StageEntry entry(const std::string& stage, const char* d) const {
        StageEntry e{stage, date(d), "staff-1", "", json::object(), {}};
        if (const StageDef* s = p->stage(stage)) {
            e.documents = s->documents;
            if (s->reason_required) e.reason = "理由";
            for (auto& f : s->fields) {
                if (!f.required) continue;
                if (f.type == "fen") e.fields[f.name] = f.check == "difference" ? 120000 : 50000;
                if (f.check == "difference") {
                    // (700 − 300) × 3 = 1,200 元: the domain file's worked example.
                    e.fields["standard_fen"] = 70000;
                    e.fields["income_per_capita_fen"] = 30000;
                    e.fields["members"] = 3;
                }
                if (f.type == "month") {
                    const CivilDate m = e.date.month == 12 ? CivilDate{e.date.year + 1, 1, 1}
                                                           : CivilDate{e.date.year, e.date.month + 1, 1};
                    e.fields[f.name] = m.iso().substr(0, 7);
                }
                if (f.type == "count") e.fields[f.name] = 3;
                if (f.type == "choice") e.fields[f.name] = f.options.front();
                if (f.type == "names") e.fields[f.name] = {"张三", "李四"};
                if (f.type == "self_care") e.fields[f.name] = {true, true, false, true, true, true};
            }
        }
        return e;
    }
    Status check(const StageEntry& e) const { return check_transition(*p, facts, h, e, rules()); }
    Case& step(const std::string& stage, const char* d) {
        auto e = entry(stage, d);
        auto s = check(e);
        INFO(p->id << ": " << stage << " on " << d << ": " << (s ? "" : s.error().code + " " + s.error().message));
        REQUIRE(s.ok());
        h.push_back(e);
        return *this;
    }
    std::string refused_code(const StageEntry& e) const {
        auto s = check(e);
        return s ? "ok" : s.error().code;
    }
    CaseStatus status(const char* today) const { return evaluate_case(*p, facts, h, date(today), cal(), rules()); }
};

}  // namespace

TEST_CASE("dibao: the full legal path to confirmation", "[workflow]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-24")
        .step("household_visit_done", "2025-09-26").step("verification_done", "2025-09-29")
        .step("preliminary_opinion", "2025-10-09").step("publicity_started", "2025-10-10")
        .step("publicity_ended", "2025-10-17").step("confirmed", "2025-10-20");
    auto st = c.status("2025-10-21");
    CHECK(st.current_stage == "confirmed");
    CHECK(st.closed);
    CHECK(st.decided_on->iso() == "2025-10-20");
    CHECK(st.overall_due->date.iso() == cal().add_working_days(date("2025-09-22"), 20).date.iso());
    CHECK(st.working_days_used == cal().working_days_between(date("2025-09-22"), date("2025-10-20")).days);
    CHECK_FALSE(st.overdue);
    // Only a recipient's later steps remain: 渐退 and 停发.
    CHECK(st.legal_next == std::vector<std::string>{"phase_out_started", "exit_decided"});
}

TEST_CASE("dibao: illegal steps are refused with a reason code each", "[workflow]") {
    Case c("dibao");
    c.step("applied", "2025-09-19");
    CHECK(c.refused_code(c.entry("investigation_started", "2025-09-20")) == "not_accepted");
    CHECK(c.refused_code(c.entry("confirmed", "2025-09-20")) == "not_accepted");
    c.step("accepted", "2025-09-22").step("investigation_started", "2025-09-24");
    CHECK(c.refused_code(c.entry("confirmed", "2025-09-25")) == "missing_prerequisite");  // before the household visit
    CHECK(c.refused_code(c.entry("publicity_started", "2025-09-25")) == "illegal_transition");
    CHECK(c.refused_code(c.entry("no_such_stage", "2025-09-25")) == "unknown_stage");
    CHECK(c.refused_code(c.entry("household_visit_done", "2025-09-23")) == "date_before_previous");
    auto one_investigator = c.entry("household_visit_done", "2025-09-26");
    one_investigator.fields["investigators"] = {"张三"};
    CHECK(c.refused_code(one_investigator) == "field_required");
    auto no_form = c.entry("household_visit_done", "2025-09-26");
    no_form.documents.clear();
    CHECK(c.refused_code(no_form) == "documents_missing");
    c.step("household_visit_done", "2025-09-26").step("verification_done", "2025-09-29");
    auto refuse = c.entry("refused", "2025-09-30");
    refuse.reason = "  ";
    CHECK(c.refused_code(refuse) == "reason_required");
    c.step("preliminary_opinion", "2025-10-09").step("publicity_started", "2025-10-10");
    CHECK(c.refused_code(c.entry("publicity_ended", "2025-10-16")) == "publicity_too_short");
    CHECK(c.refused_code(c.entry("publicity_ended", "2025-10-17")) == "ok");
    c.step("publicity_ended", "2025-10-17");
    auto no_amount = c.entry("confirmed", "2025-10-20");
    no_amount.fields.erase("amount_fen");
    CHECK(c.refused_code(no_amount) == "field_required");
    auto float_amount = c.entry("confirmed", "2025-10-20");
    float_amount.fields["amount_fen"] = 1200.5;
    CHECK(c.refused_code(float_amount) == "bad_field");
    c.step("confirmed", "2025-10-20");
    CHECK(c.refused_code(c.entry("terminated", "2025-10-21")) == "case_closed");
}

TEST_CASE("dibao: a close-relative case needs the county visit before confirmation", "[workflow]") {
    Case c("dibao", /*close_relative=*/true);
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-23")
        .step("household_visit_done", "2025-09-24").step("verification_done", "2025-09-25")
        .step("preliminary_opinion", "2025-09-26").step("publicity_started", "2025-09-26")
        .step("publicity_ended", "2025-10-03");
    CHECK(c.refused_code(c.entry("confirmed", "2025-10-09")) == "county_visit_required");
    c.step("county_household_visit", "2025-10-09").step("confirmed", "2025-10-10");
    Case plain("dibao");
    plain.h = c.h;
    plain.h.pop_back();
    plain.h.pop_back();
    CHECK(plain.refused_code(plain.entry("confirmed", "2025-10-09")) == "ok");
}

TEST_CASE("dibao: the objection loop extends the overall limit", "[workflow]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-23")
        .step("household_visit_done", "2025-09-24").step("verification_done", "2025-09-25")
        .step("preliminary_opinion", "2025-09-26").step("publicity_started", "2025-09-26");
    CHECK(c.status("2025-09-28").publicity_ends->iso() == "2025-10-03");
    c.step("objection", "2025-09-29").step("democratic_review", "2025-10-13").step("reopinion", "2025-10-14");
    auto st = c.status("2025-10-22");
    CHECK(st.extension_applies);
    CHECK(st.overall_due->date.iso() == cal().add_working_days(date("2025-09-22"), 45).date.iso());
    c.step("refused", "2025-10-22");
    st = c.status("2025-10-23");
    CHECK(st.decided);
    CHECK_FALSE(st.closed);
    REQUIRE(st.next_deadlines.size() == 1);
    CHECK(st.next_deadlines[0].stage == "refusal_notified");
    CHECK(st.next_deadlines[0].due.date.iso() == "2025-10-27");
    CHECK_FALSE(st.overdue);
    CHECK(c.status("2025-10-28").overdue);  // notice not sent within 3 working days
    c.step("refusal_notified", "2025-10-24");
    CHECK(c.status("2025-10-28").closed);
}

TEST_CASE("dibao: overdue when no decision by the overall limit, and the stage limit", "[workflow]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22");
    auto st = c.status("2025-09-23");
    REQUIRE_FALSE(st.next_deadlines.empty());
    CHECK(st.next_deadlines[0].stage == "investigation_started");
    CHECK(st.next_deadlines[0].due.date.iso() == "2025-09-25");
    CHECK_FALSE(st.overdue);
    CHECK(c.status("2025-09-26").overdue);  // no investigation within 3 working days
    c.step("investigation_started", "2025-09-24");
    CHECK_FALSE(c.status("2025-10-20").overdue);
    st = c.status("2025-11-28");
    CHECK(st.overdue);
    CHECK(st.working_days_used > 20);
    CHECK(std::find(st.legal_next.begin(), st.legal_next.end(), "terminated") != st.legal_next.end());
}

TEST_CASE("tekun: self-care assessment before the preliminary opinion", "[workflow]") {
    Case c("tekun");
    c.step("applied", "2026-03-02").step("accepted", "2026-03-02").step("investigation_started", "2026-03-03")
        .step("household_visit_done", "2026-03-04").step("verification_done", "2026-03-05");
    CHECK(c.refused_code(c.entry("preliminary_opinion", "2026-03-06")) == "illegal_transition");
    auto bad = c.entry("self_care_assessment", "2026-03-06");
    bad.fields["indicators"] = {true, true};
    CHECK(c.refused_code(bad) == "bad_field");
    c.step("self_care_assessment", "2026-03-06");
    auto st = c.status("2026-03-06");
    REQUIRE_FALSE(st.next_deadlines.empty());
    CHECK(st.next_deadlines[0].stage == "preliminary_opinion");
    CHECK(st.next_deadlines[0].due.date.iso() == cal().add_working_days(date("2026-03-02"), 15).date.iso());
    c.step("preliminary_opinion", "2026-03-09").step("publicity_started", "2026-03-09").step("publicity_ended", "2026-03-16");
    st = c.status("2026-03-16");
    CHECK(st.next_deadlines[0].stage == "confirmed");
    CHECK(st.next_deadlines[0].due.date.iso() == cal().add_working_days(date("2026-03-16"), 15).date.iso());
    c.step("confirmed", "2026-03-20");
}

TEST_CASE("linshi_jinan: 先行救助 may come before any investigation", "[workflow]") {
    Case c("linshi_jinan");
    c.step("applied", "2026-06-01");
    CHECK(c.refused_code(c.entry("paid_first", "2026-06-01")) == "not_accepted");
    c.step("accepted", "2026-06-01").step("paid_first", "2026-06-01");
    auto st = c.status("2026-06-02");
    REQUIRE_FALSE(st.next_deadlines.empty());
    CHECK(st.next_deadlines[0].stage == "paperwork_completed");
    CHECK(st.next_deadlines[0].due.date.iso() == "2026-06-08");
    c.step("paperwork_completed", "2026-06-05").step("closed", "2026-06-05");
    CHECK(c.status("2026-06-06").closed);
}

TEST_CASE("linshi_zhichu and referrals follow their own paths", "[workflow]") {
    Case z("linshi_zhichu");
    z.step("applied", "2026-06-01").step("accepted", "2026-06-02").step("investigation_started", "2026-06-03")
        .step("household_visit_done", "2026-06-04").step("preliminary_opinion", "2026-06-10")
        .step("publicity_started", "2026-06-10").step("publicity_ended", "2026-06-17").step("confirmed", "2026-06-18");
    CHECK(z.status("2026-06-18").overall_due->date.iso() == cal().add_working_days(date("2026-06-02"), 15).date.iso());
    Case r("ref_yiliao");
    r.step("referral_issued", "2026-06-01");
    CHECK(r.refused_code(r.entry("closed", "2026-06-01")) == "illegal_transition");
    r.step("forwarded", "2026-06-02").step("closed", "2026-06-05");
    auto st = r.status("2026-06-05");
    CHECK(st.closed);
    CHECK_FALSE(st.overall_due.has_value());
}

TEST_CASE("an evaluation touching 2027 is provisional", "[workflow]") {
    Case c("dibao");
    c.step("applied", "2026-12-10").step("accepted", "2026-12-14");
    auto st = c.status("2026-12-15");
    CHECK(st.overall_due->date.year == 2027);
    CHECK(st.provisional);
}

TEST_CASE("every programme's data loads with consistent references", "[workflow]") {
    for (const char* id : {"dibao", "tekun", "linshi_jinan", "linshi_zhichu", "ref_yiliao", "ref_jiaoyu", "ref_zhufang",
                           "ref_jiuye", "ref_other"}) {
        INFO(id);
        const Programme* p = rules().programme(id);
        REQUIRE(p != nullptr);
        REQUIRE(p->initial_stage() != nullptr);
        REQUIRE(p->clock_start_stage() != nullptr);
        CHECK_FALSE(p->confidence.empty());
        if (!p->is_referral()) {
            CHECK(p->overall.has_value());
            CHECK_FALSE(p->materials.empty());
        }
    }
    // A county patch with a dangling reference is refused at load.
    auto bad = Rules::from_json(R"({"documents":{},"facts":{},"hotlines":{},"extension_reasons":{},
      "programmes":[{"id":"x","name":"x","materials":[],"stages":[{"id":"a","initial":true},{"id":"b","from":["zz"]}]}]})");
    CHECK(bad.error().code == "bad_rules");
}

TEST_CASE("a county merge patch overrides a limit", "[workflow]") {
    std::ifstream in(yimen::test::policy_data().assets_dir + "/rules/programmes.json");
    std::stringstream ss;
    ss << in.rdbuf();
    auto patched = Rules::from_json(ss.str(), R"({"facts":{"publicity_days":{"value":5}}})");
    REQUIRE(patched.ok());
    CHECK(patched->fact_int("publicity_days", 0) == 5);
    CHECK(patched->programme("dibao")->stage("publicity_ended")->min_calendar_days->first == 5);
}

// ---- The rules, right (issue 13): one case per rule, named as the rule reads.

TEST_CASE("支出型临时救助 is approved only after a household visit by two investigators and a 7-day 公示", "[workflow][rules]") {
    Case z("linshi_zhichu");
    z.step("applied", "2026-06-01").step("accepted", "2026-06-02").step("investigation_started", "2026-06-03");
    CHECK(z.refused_code(z.entry("preliminary_opinion", "2026-06-04")) == "illegal_transition");  // no visit yet
    CHECK(z.refused_code(z.entry("confirmed", "2026-06-04")) == "missing_prerequisite");
    auto one = z.entry("household_visit_done", "2026-06-04");
    one.fields["investigators"] = {"张三"};
    CHECK(z.refused_code(one) == "field_required");
    z.step("household_visit_done", "2026-06-04").step("preliminary_opinion", "2026-06-05");
    CHECK(z.refused_code(z.entry("confirmed", "2026-06-05")) == "missing_prerequisite");  // no 公示 yet
    z.step("publicity_started", "2026-06-05");
    CHECK(z.refused_code(z.entry("publicity_ended", "2026-06-11")) == "publicity_too_short");
    z.step("publicity_ended", "2026-06-12").step("confirmed", "2026-06-12");
    CHECK(z.status("2026-06-12").closed);
}

TEST_CASE("a close-relative case is neither confirmed nor refused before the county's own household visit",
          "[workflow][rules]") {
    Case c("dibao", /*close_relative=*/true);
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-23")
        .step("household_visit_done", "2025-09-24").step("verification_done", "2025-09-25");
    CHECK(c.refused_code(c.entry("refused", "2025-09-26")) == "county_visit_required");
    c.step("preliminary_opinion", "2025-09-26");
    CHECK(c.refused_code(c.entry("refused", "2025-09-29")) == "county_visit_required");
    c.step("county_household_visit", "2025-09-29").step("refused", "2025-09-30").step("refusal_notified", "2025-10-09");
    CHECK(c.status("2025-10-10").closed);
    // Without the filing, the township may refuse on its own.
    Case plain("dibao");
    plain.h = c.h;
    plain.h.resize(6);  // up to preliminary_opinion
    CHECK(plain.refused_code(plain.entry("refused", "2025-09-29")) == "ok");
}

TEST_CASE("a current recipient leaves through an exit with written reasons, 特困 exits are published, 渐退 lasts at most "
          "6 months",
          "[workflow][rules]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-24")
        .step("household_visit_done", "2025-09-26").step("verification_done", "2025-09-29")
        .step("preliminary_opinion", "2025-10-09").step("publicity_started", "2025-10-10")
        .step("publicity_ended", "2025-10-17").step("confirmed", "2025-10-20");
    auto long_phase = c.entry("phase_out_started", "2026-03-02");
    long_phase.fields["months"] = 7;
    CHECK(c.refused_code(long_phase) == "over_maximum");
    auto no_reason = c.entry("exit_decided", "2026-03-02");
    no_reason.reason = "";
    CHECK(c.refused_code(no_reason) == "reason_required");
    c.step("phase_out_started", "2026-03-02").step("exit_decided", "2026-09-01");
    auto st = c.status("2026-09-02");
    CHECK_FALSE(st.closed);
    REQUIRE_FALSE(st.next_deadlines.empty());
    CHECK(st.next_deadlines[0].stage == "exit_notified");
    auto no_notice = c.entry("exit_notified", "2026-09-02");
    no_notice.documents.clear();
    CHECK(c.refused_code(no_notice) == "documents_missing");
    c.step("exit_notified", "2026-09-02");
    CHECK(c.status("2026-09-03").closed);

    Case t("tekun");
    t.step("applied", "2026-03-02").step("accepted", "2026-03-02").step("investigation_started", "2026-03-03")
        .step("household_visit_done", "2026-03-04").step("verification_done", "2026-03-05")
        .step("self_care_assessment", "2026-03-06").step("preliminary_opinion", "2026-03-09")
        .step("publicity_started", "2026-03-09").step("publicity_ended", "2026-03-16").step("confirmed", "2026-03-20");
    CHECK(t.refused_code(t.entry("exit_decided", "2026-05-04")) == "case_closed");  // not without its 公示
    t.step("exit_proposed", "2026-05-04").step("exit_publicity_started", "2026-05-05");
    CHECK(t.refused_code(t.entry("exit_publicity_ended", "2026-05-11")) == "publicity_too_short");
    t.step("exit_publicity_ended", "2026-05-12").step("exit_decided", "2026-05-13").step("exit_notified", "2026-05-14");
    auto tst = t.status("2026-05-14");
    CHECK(tst.closed);
    CHECK(tst.written_reason_stage == "exit_decided");
}

TEST_CASE("a refused case closes only after the written refusal notice", "[workflow][rules]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-24")
        .step("household_visit_done", "2025-09-26").step("verification_done", "2025-09-29").step("refused", "2025-09-30");
    CHECK(c.refused_code(c.entry("terminated", "2025-10-01")) == "illegal_transition");
    const auto next = c.status("2025-10-01").legal_next;
    CHECK(next == std::vector<std::string>{"refusal_notified"});
    c.step("refusal_notified", "2025-10-01");
    CHECK(c.status("2025-10-01").closed);
}

TEST_CASE("after an objection 低保 needs a new preliminary opinion, not a second 公示, 特困 is published again",
          "[workflow][rules]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-23")
        .step("household_visit_done", "2025-09-24").step("verification_done", "2025-09-25")
        .step("preliminary_opinion", "2025-09-26").step("publicity_started", "2025-09-26").step("objection", "2025-09-29")
        .step("reinvestigation", "2025-10-09").step("reopinion", "2025-10-10");
    CHECK(c.refused_code(c.entry("publicity_started", "2025-10-10")) != "ok");
    c.step("confirmed", "2025-10-13");

    Case t("tekun");
    t.step("applied", "2026-03-02").step("accepted", "2026-03-02").step("investigation_started", "2026-03-03")
        .step("household_visit_done", "2026-03-04").step("verification_done", "2026-03-05")
        .step("self_care_assessment", "2026-03-06").step("preliminary_opinion", "2026-03-09")
        .step("publicity_started", "2026-03-09").step("objection", "2026-03-10").step("reinvestigation", "2026-03-12")
        .step("preliminary_opinion", "2026-03-13");
    CHECK(t.refused_code(t.entry("confirmed", "2026-03-16")) == "illegal_transition");
    t.step("publicity_started", "2026-03-16").step("publicity_ended", "2026-03-23").step("confirmed", "2026-03-24");
}

TEST_CASE("a confirmed amount is 差额 × members within the tolerance or has a written reason, is paid from the month "
          "after the decision, and above the ceiling needs the county's approval",
          "[workflow][rules]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-24")
        .step("household_visit_done", "2025-09-26").step("verification_done", "2025-09-29")
        .step("preliminary_opinion", "2025-10-09").step("publicity_started", "2025-10-10").step("publicity_ended", "2025-10-17");
    auto huge = c.entry("confirmed", "2025-10-20");
    huge.fields["amount_fen"] = 999999999;  // 9,999,999.99 元
    CHECK(c.refused_code(huge) == "amount_mismatch");
    huge.reason = "按分档标准确定";
    CHECK(c.refused_code(huge) == "county_approval_required");  // a reason does not lift the ceiling
    auto near = c.entry("confirmed", "2025-10-20");
    near.fields["amount_fen"] = 120000 + rules().fact_int("benefit_tolerance_fen", 0);
    CHECK(c.refused_code(near) == "ok");
    auto no_basis = c.entry("confirmed", "2025-10-20");
    no_basis.fields.erase("standard_fen");
    CHECK(c.refused_code(no_basis) == "amount_basis_required");
    no_basis.reason = "分档发放";
    CHECK(c.refused_code(no_basis) == "ok");
    auto same_month = c.entry("confirmed", "2025-10-20");
    same_month.fields["first_month"] = "2025-10";
    CHECK(c.refused_code(same_month) == "bad_first_month");
    auto december = c.entry("confirmed", "2025-12-31");
    CHECK(december.fields["first_month"] == "2026-01");
    CHECK(c.refused_code(december) == "ok");

    Case j("linshi_jinan");
    j.step("applied", "2026-06-01").step("accepted", "2026-06-01");
    auto big_first_aid = j.entry("paid_first", "2026-06-01");
    big_first_aid.fields["amount_fen"] = 150000;  // above the 1,000 元 先行救助 ceiling
    CHECK(j.refused_code(big_first_aid) == "county_approval_required");
    j.step("county_approval", "2026-06-01");
    CHECK(j.refused_code(big_first_aid) == "ok");

    Case z("linshi_zhichu");
    z.step("applied", "2026-06-01").step("accepted", "2026-06-02").step("investigation_started", "2026-06-03")
        .step("household_visit_done", "2026-06-04").step("preliminary_opinion", "2026-06-05")
        .step("publicity_started", "2026-06-05").step("publicity_ended", "2026-06-12");
    auto big = z.entry("confirmed", "2026-06-12");
    big.fields["amount_fen"] = 800000;
    CHECK(z.refused_code(big) == "county_approval_required");
    z.step("county_approval", "2026-06-15");
    big.date = date("2026-06-15");
    CHECK(z.refused_code(big) == "ok");
}

TEST_CASE("先行救助's 48 hours are counted in hours from the 受理 time", "[workflow][rules]") {
    Case c("linshi_jinan");
    c.step("applied", "2026-06-05");
    auto acc = c.entry("accepted", "2026-06-05");  // a Friday afternoon
    acc.fields["time"] = "16:30";
    REQUIRE(c.check(acc).ok());
    c.h.push_back(acc);
    auto st = c.status("2026-06-05");
    auto it = std::find_if(st.next_deadlines.begin(), st.next_deadlines.end(),
                           [](const Deadline& d) { return d.stage == "paid_first"; });
    REQUIRE(it != st.next_deadlines.end());
    CHECK(it->due.date.iso() == "2026-06-07");  // Sunday: hours run over the weekend
    CHECK(it->due_time == "16:30");
    CHECK(it->time_known);
    auto bad_time = c.entry("accepted", "2026-06-05");
    bad_time.fields["time"] = "25:00";
    Case fresh("linshi_jinan");
    fresh.step("applied", "2026-06-05");
    CHECK(fresh.refused_code(bad_time) == "bad_field");
}

TEST_CASE("the status gives the extended limit once an extension applies, and the written reason of a refusal, masked",
          "[workflow][rules]") {
    Case c("dibao");
    c.facts.extension_reason = "ren_hu_fenli";
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-24")
        .step("household_visit_done", "2025-09-26").step("verification_done", "2025-09-29");
    auto st = c.status("2025-09-30");
    CHECK(st.overall_working_days == 45);
    CHECK_FALSE(st.overall_unconfirmed);
    auto refuse = c.entry("refused", "2025-09-30");
    refuse.reason = "家庭人均收入高于低保标准；核对对象 230523199001010012，电话 13912345678";
    REQUIRE(c.check(refuse).ok());
    c.h.push_back(refuse);
    st = c.status("2025-10-01");
    CHECK(st.written_reason_stage == "refused");
    CHECK(st.written_reason == "家庭人均收入高于低保标准；核对对象 230523********0012，电话 139****5678");
    Case t("tekun");
    t.step("applied", "2026-03-02").step("accepted", "2026-03-02");
    CHECK(t.status("2026-03-03").overall_unconfirmed);  // 35/50 working days are an assumption
    CHECK(t.status("2026-03-03").overall_working_days == 35);
}

TEST_CASE("the 特困 self-care grade is stored with the assessment, and 供养形式 is recorded at confirmation",
          "[workflow][rules]") {
    Case t("tekun");
    t.step("applied", "2026-03-02").step("accepted", "2026-03-02").step("investigation_started", "2026-03-03")
        .step("household_visit_done", "2026-03-04").step("verification_done", "2026-03-05");
    auto a = t.entry("self_care_assessment", "2026-03-06");
    a.fields["indicators"] = {true, false, false, false, false, true};  // 4 not achieved
    complete_stage_fields(*t.p, a);
    CHECK(a.fields["grade"] == "fully_lost");
    CHECK(a.fields["tier"] == "全护理");
    auto forged = a;
    forged.fields["grade"] = "full_self_care";
    CHECK(t.refused_code(forged) == "bad_field");
    REQUIRE(t.check(a).ok());
    t.h.push_back(a);
    t.step("preliminary_opinion", "2026-03-09").step("publicity_started", "2026-03-09").step("publicity_ended", "2026-03-16");
    auto no_form = t.entry("confirmed", "2026-03-20");
    no_form.fields.erase("support_form");
    CHECK(t.refused_code(no_form) == "field_required");
    auto odd_form = t.entry("confirmed", "2026-03-20");
    odd_form.fields["support_form"] = "elsewhere";
    CHECK(t.refused_code(odd_form) == "bad_field");
    auto ok = t.entry("confirmed", "2026-03-20");
    ok.fields["support_form"] = "dispersed";
    CHECK(t.refused_code(ok) == "ok");
}

TEST_CASE("a complaint naming a case calls for the county's household visit before its decision", "[workflow][rules]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-23")
        .step("household_visit_done", "2025-09-24").step("verification_done", "2025-09-25")
        .step("preliminary_opinion", "2025-09-26").step("publicity_started", "2025-09-26").step("publicity_ended", "2025-10-03");
    CHECK(c.refused_code(c.entry("confirmed", "2025-10-09")) == "ok");
    c.facts.complaints = 1;
    CHECK(c.refused_code(c.entry("confirmed", "2025-10-09")) == "county_visit_required");
    c.step("county_household_visit", "2025-10-09").step("confirmed", "2025-10-10");
}

TEST_CASE("an extension is refused once the case is decided: a late one would make a late decision timely", "[workflow]") {
    Case c("dibao");
    c.step("applied", "2025-09-19").step("accepted", "2025-09-22").step("investigation_started", "2025-09-24");
    auto visit = c.entry("household_visit_done", "2025-09-26");
    visit.fields["extension_reason"] = "ren_hu_fenli";
    CHECK(c.refused_code(visit) == "ok");  // before the decision an extension with a listed reason is fine
    c.step("household_visit_done", "2025-09-26").step("verification_done", "2025-09-29");
    c.step("refused", "2025-10-30");
    auto notified = c.entry("refusal_notified", "2025-10-31");
    CHECK(c.refused_code(notified) == "ok");
    notified.fields["extension_reason"] = "ren_hu_fenli";
    CHECK(c.refused_code(notified) == "extension_after_decision");
    auto s = c.check(notified);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("2025-10-30") != std::string::npos);
}
