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
                if (f.type == "fen") e.fields[f.name] = 120000;
                if (f.type == "month") e.fields[f.name] = "2025-11";
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
    CHECK(st.legal_next.empty());
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
    c.step("objection", "2025-09-29").step("democratic_review", "2025-10-13").step("preliminary_opinion", "2025-10-14")
        .step("publicity_started", "2025-10-14").step("publicity_ended", "2025-10-21");
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
        .step("preliminary_opinion", "2026-06-10").step("confirmed", "2026-06-12");
    CHECK(z.status("2026-06-12").overall_due->date.iso() == cal().add_working_days(date("2026-06-02"), 15).date.iso());
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
