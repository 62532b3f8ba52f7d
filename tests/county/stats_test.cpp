// stats_test.cpp — the supervision figures against a small county whose every number is computed by hand below:
// holidays and make-up days (国庆 2025), an extension, a case straddling 2025/2026, a kiosk whose clock runs two days
// ahead, a rejected rating, an empty township and one with 3 ratings; the lifecycles, the spot-check draw, the CLI as
// a real process and the API with township isolation.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "county/casework.hpp"
#include "county/stats.hpp"
#include "support/chain_writer.hpp"
#include "support/county_cli_run.hpp"
#include "support/county_http.hpp"
#include "support/test_store.hpp"

using namespace yimen;
using namespace yimen::test;
using namespace yimen::county;
namespace rec = yimen::records;
using nlohmann::json;

namespace {

const std::string kA = "230523104";  // the busy township
const std::string kB = "230523101";  // a kiosk, no data at all
const std::string kC = "230523105";  // three ratings only

CivilDate date(const char* iso) { return CivilDate::parse(iso).value(); }
// 10:00 in the county on a civil date, as UTC milliseconds.
UtcMillis at(const char* iso) { return date(iso).to_days() * 86'400'000 + 2 * 3'600'000; }

struct Fixture {
    TempDir tmp;
    std::unique_ptr<Store> store;
    std::unique_ptr<Ingestor> ingestor;
    int receipt_seq = 0;

    Fixture() {
        // SQLite, or (the county/postgres/ run) a PostgreSQL database of this directory's own, also for the CLI.
        yimen::test::write_test_store_config(tmp.str());
        auto s = yimen::test::open_test_store(tmp.str());
        REQUIRE(s.ok());
        store = std::move(s).value();
        const std::vector<std::pair<std::string, std::string>> kiosks = {
            {"230523104-01", kA}, {"230523104-02", kA}, {"230523101-01", kB}, {"230523105-01", kC}};
        for (auto& [id, t] : kiosks) REQUIRE(store->put_kiosk({id, t, "fp-" + id, "", false, false}).ok());
        IngestConfig ic;
        ic.follow_up_max_level = 2;
        ingestor = std::make_unique<Ingestor>(*store, shared_policy().rules, shared_policy().calendar, ic);
    }

    // A case straight into the projections (the figures read projections; casework's own rules are tested elsewhere).
    void add_case(const std::string& receipt, const std::string& key, const std::vector<std::pair<std::string, std::string>>& stages,
                  json materials_received, json materials_missing, json extra_fields = json::object()) {
        json payload = {{"materials_received", materials_received}, {"materials_missing", materials_missing}};
        REQUIRE(store->insert_application({receipt, "dibao", kA, "230523104-01", "self", "", key, false, "",
                                           at(stages.front().second.c_str()), payload})
                    .ok());
        for (auto& [stage, day] : stages) {
            StageRow row{0, receipt, "dibao", stage, day, "104001", "", stage == "investigation_started" ? extra_fields : json::object(),
                         {}, at(day.c_str()), "county"};
            REQUIRE(store->insert_stage(row).ok());
        }
    }

    // One push of hand-made events, received at `received` with the kiosk's clock reading `sent`.
    sync::protocol::PushResponse push(const std::string& kiosk, ChainWriter& w, const std::vector<std::string>& events,
                                      UtcMillis sent, UtcMillis received) {
        sync::protocol::PushRequest req{kiosk, w.boot_id, 5000, format_rfc3339(sent), events};
        auto k = store->kiosk(kiosk);
        REQUIRE(k.has_value());
        auto r = ingestor->push(*k, req, received);
        REQUIRE(r.ok());
        return *r;
    }
};

json rating(int level, const std::string& channel, json sub = json::object()) {
    return {{"receipt_number", ""}, {"level", level}, {"sub_indicators", sub}, {"reason_codes", json::array()},
            {"callback_phone", ""}, {"channel", channel}, {"served_by", ""}};
}

// Every core question right, or the first core one wrong; the non-core ones wrong either way (they do not count).
json quiz(bool all_core_right) {
    json answers = json::array();
    bool first_core = true;
    for (auto& q : shared_policy().quiz.questions()) {
        const bool correct = q.core && (all_core_right || !first_core);
        if (q.core) first_core = false;
        answers.push_back({{"question_id", q.id}, {"choice", correct ? q.answer : (q.answer + 1) % 2}, {"correct", correct}});
    }
    return {{"quiz_version", shared_policy().quiz.version()}, {"answers", answers}};
}

std::string complaint_receipt(const char* day, int seq) {
    return make_receipt_number(ReceiptType::complaint, 104, 1, date(day), seq)->text;
}

json complaint_payload(const std::string& receipt, const std::string& code) {
    return {{"receipt_number", receipt}, {"category", "attitude"}, {"text", "窗口态度不好"}, {"anonymous", true},
            {"contact", ""}, {"query_code_hash", sha256_hex(code + receipt)}};
}

// The whole hand-computed county. Period 2025-09-01 … 2026-01-31, judged on 2026-01-31.
void fill(Fixture& f) {
    // Township A, 低保 cases (20 WD, 45 WD with an extension), applied → accepted → … → confirmed:
    //  H: accepted Fri 2025-09-26, confirmed 2025-10-24: 9/28 (Sun, make-up) 9/29 9/30, 10/1–10/8 off, 10/9 10/10,
    //     10/11 (Sat, make-up), 10/13–17, 10/20–24 → 16 WD (Monday–Friday alone would say 20): within.
    //     Applied Wed 9/24 → 受理 after 2 WD.
    f.add_case("11040125092400011", "kH", {{"applied", "2025-09-24"}, {"accepted", "2025-09-26"}, {"confirmed", "2025-10-24"}},
               {"id_card"}, {"hukou"});
    //  L: accepted Mon 2025-11-03, confirmed Fri 2025-12-05 → 24 WD: late. Applied 10/27 → 受理 after 5 WD (> 3).
    f.add_case("11040125102700017", "k1", {{"applied", "2025-10-27"}, {"accepted", "2025-11-03"}, {"confirmed", "2025-12-05"}},
               {"id_card", "hukou"}, {"statement"});
    //  E: the same family applies again during L (a second visit for L); an extension reason → 24 WD ≤ 45: within.
    //     It hands in its ID card again (materials asked again: 1).
    f.add_case("11040125110300012", "k1",
               {{"applied", "2025-11-03"}, {"accepted", "2025-11-03"}, {"investigation_started", "2025-11-04"},
                {"confirmed", "2025-12-05"}},
               {"id_card", "income"}, json::array(), {{"extension_reason", "ren_hu_fenli"}});
    //  Y: accepted Mon 2025-12-22, confirmed Fri 2026-01-16: 12/23–26, 12/29–31, 1/1–1/3 off, 1/4 (Sun, make-up),
    //     1/5–9, 1/12–16 → 18 WD: within, decided in 2026-01.
    f.add_case("11040125122200013", "kY", {{"applied", "2025-12-22"}, {"accepted", "2025-12-22"}, {"confirmed", "2026-01-16"}},
               {"id_card"}, json::array());
    //  O: accepted Mon 2025-12-01, never decided: due 2025-12-29 (20 WD) → overdue on 2026-01-31.
    f.add_case("11040125120100014", "kO", {{"applied", "2025-12-01"}, {"accepted", "2025-12-01"}, {"investigation_started", "2025-12-02"}},
               {"id_card"}, json::array());
    //  P: decided in July 2025, before the period: not counted anywhere.
    f.add_case("11040125070100016", "kP", {{"applied", "2025-07-01"}, {"accepted", "2025-07-01"}, {"confirmed", "2025-07-25"}},
               {"id_card"}, json::array());

    // Kiosk A1, clock right: ratings 5, 4 (kiosk), 3, 2 (assisted), 1 (kiosk), a rejected level 7, two quiz answers,
    // two complaints. Each event at 10:00 on its day; received with the kiosk's clock equal to the county's.
    ChainWriter a1{"230523104-01", "boot-a1"};
    std::vector<std::string> ev;
    auto wall = [](const char* day) { return format_rfc3339(at(day)); };
    ev.push_back(a1.next(rec::type::rating_given, rating(5, "kiosk", {{"overall", 5}, {"attitude", 4}}), wall("2025-10-24")));
    ev.push_back(a1.next(rec::type::rating_given, rating(4, "kiosk", {{"overall", 3}}), wall("2025-11-10")));
    ev.push_back(a1.next(rec::type::rating_given, rating(3, "assisted"), wall("2025-11-11")));
    ev.push_back(a1.next(rec::type::rating_given, rating(2, "assisted"), wall("2025-12-01")));   // follow-up due 12-22
    ev.push_back(a1.next(rec::type::rating_given, rating(1, "kiosk"), wall("2026-01-29")));      // follow-up not yet due
    ev.push_back(a1.next(rec::type::rating_given, rating(7, "kiosk"), wall("2026-01-29")));      // rejected: bad_level
    ev.push_back(a1.next(rec::type::quiz_answered, quiz(true), wall("2025-12-10")));
    ev.push_back(a1.next(rec::type::quiz_answered, quiz(false), wall("2025-12-11")));
    ev.push_back(a1.next(rec::type::complaint_filed, complaint_payload(complaint_receipt("2025-12-01", 1), "4321"),
                         wall("2025-12-01")));  // reply due 2025-12-22: overdue
    ev.push_back(a1.next(rec::type::complaint_filed, complaint_payload(complaint_receipt("2026-01-29", 1), "1234"),
                         wall("2026-01-29")));
    const UtcMillis received = at("2026-01-30");
    auto r = f.push("230523104-01", a1, ev, received, received);
    REQUIRE(r.rejections.size() == 1);
    CHECK(r.rejections[0].code == "bad_level");

    // Kiosk A2's clock runs two days ahead: its rating reads 2026-02-01 (after the period) but happened 2026-01-30.
    ChainWriter a2{"230523104-02", "boot-a2"};
    const UtcMillis skew = 2 * 86'400'000LL;
    const UtcMillis real = at("2026-01-30");
    auto r2 = f.push("230523104-02", a2, {a2.next(rec::type::rating_given, rating(5, "kiosk"), format_rfc3339(real + skew))},
                     real + skew + 5000, real + 5000);
    CHECK(r2.rejections.empty());

    // Township C: three ratings, 5, 5, 2 (small sample).
    ChainWriter c1{"230523105-01", "boot-c1"};
    f.push("230523105-01", c1,
           {c1.next(rec::type::rating_given, rating(5, "kiosk"), wall("2026-01-20")),
            c1.next(rec::type::rating_given, rating(5, "kiosk"), wall("2026-01-20")),
            c1.next(rec::type::rating_given, rating(2, "kiosk"), wall("2026-01-20"))},
           at("2026-01-21"), at("2026-01-21"));
}

const json& township(const json& summary, const std::string& code) {
    for (auto& t : summary["townships"])
        if (t["code"] == code) return t;
    FAIL("no township " << code);
    static json none;
    return none;
}

}  // namespace

TEST_CASE("stats: every figure equals the hand-computed one", "[stats]") {
    Fixture f;
    fill(f);
    StatsConfig cfg;
    Figures figures(*f.store, shared_policy(), cfg, date("2026-01-31"));
    auto s = figures.summary({date("2025-09-01"), date("2026-01-31"), ""});
    REQUIRE(s.ok());
    const json& all = *s;
    INFO(all.dump(1));
    const json& a = township(all, kA);

    SECTION("timeliness: holidays, make-up days, an extension, a year boundary, an open overdue case") {
        const json& t = a["timeliness"];
        CHECK(t["decided"] == 4);
        CHECK(t["within_limit"] == 3);
        CHECK(t["extended"] == 1);
        CHECK(t["overdue_open"] == 1);
        CHECK(t["median_wd"] == 18);  // 16, 18, 24, 24: nearest rank 2
        CHECK(t["p90_wd"] == 24);
        CHECK(t["by_month"]["2025-10"]["decided"] == 1);
        CHECK(t["by_month"]["2025-12"]["decided"] == 2);
        CHECK(t["by_month"]["2026-01"]["within_limit"] == 1);
        CHECK(t["acceptance"]["accepted"] == 5);
        CHECK(t["acceptance"]["over_limit"] == 1);
        CHECK(all["timeliness"]["decided"] == 4);  // the county is township A here
        // A single case: H's 16 working days.
        auto h = figures.summary({date("2025-10-01"), date("2025-10-31"), kA});
        REQUIRE(h.ok());
        CHECK((*h)["timeliness"]["decided"] == 1);
        CHECK((*h)["timeliness"]["median_wd"] == 16);
        // The overdue list names O with its due date (township drill-down only).
        auto drill = figures.part("timeliness", {date("2025-09-01"), date("2026-01-31"), kA});
        REQUIRE(drill.ok());
        REQUIRE((*drill)["townships"][0]["overdue_cases"].size() == 1);
        CHECK((*drill)["townships"][0]["overdue_cases"][0]["receipt_number"] == "11040125120100014");
    }
    SECTION("convenience: visits per applicant key, one-time notices, materials asked again") {
        const json& c = a["convenience"];
        CHECK(c["cases"] == 5);
        CHECK(c["visits"] == 6);  // L was visited again (E) during its case
        CHECK(c["repeat_visit_cases"] == 1);
        CHECK(c["one_time_notices"] == 2);
        CHECK(c["one_time_notice_rate"].get<double>() == Approx(0.4));
        CHECK(c["repeated_materials"] == 1);
    }
    SECTION("satisfaction: formula, levels, channels, sub-indicators, skewed clock, rejected event, small samples") {
        const json& sa = a["satisfaction"];
        CHECK(sa["ratings"] == 6);  // the rejected level 7 counts for nothing; A2's skewed rating counts in January
        CHECK(sa["satisfied"] == 4);
        CHECK(sa["rate"].get<double>() == Approx(4.0 / 6));
        CHECK(sa["by_level"] == json{{"1", 1}, {"2", 1}, {"3", 1}, {"4", 1}, {"5", 2}});
        CHECK(sa["by_month"]["2026-01"]["ratings"] == 2);
        CHECK(!sa["by_month"].contains("2026-02"));
        CHECK(sa["by_channel"]["self_service"]["ratings"] == 4);
        CHECK(sa["by_channel"]["self_service"]["satisfied"] == 3);
        CHECK(sa["by_channel"]["assisted"]["ratings"] == 2);
        CHECK(sa["by_channel"]["assisted"]["satisfied"] == 1);
        CHECK(sa["sub_indicators"]["overall"]["count"] == 2);
        CHECK(sa["sub_indicators"]["overall"]["average"].get<double>() == Approx(4.0));
        CHECK(sa["small_sample"] == true);
        const json& c = township(all, kC)["satisfaction"];
        CHECK(c["ratings"] == 3);
        CHECK(c["rate"].get<double>() == Approx(2.0 / 3));
        CHECK(c["small_sample"] == true);
        CHECK(all["satisfaction"]["ratings"] == 9);
        CHECK(all["satisfaction"]["satisfied"] == 6);
        // The raw event counts do include the rejected envelope.
        CHECK(all["events_received_by_type"]["rating.given"] == 10);
    }
    SECTION("awareness: every core question right / respondents") {
        CHECK(a["awareness"]["respondents"] == 2);
        CHECK(a["awareness"]["all_core_correct"] == 1);
        CHECK(a["awareness"]["rate"].get<double>() == Approx(0.5));
    }
    SECTION("complaints and follow-ups: filed, open, overdue against their working-day limits") {
        CHECK(a["complaints"]["filed"] == 2);
        CHECK(a["complaints"]["open"] == 2);
        CHECK(a["complaints"]["overdue"] == 1);
        CHECK(a["follow_ups"]["opened"] == 2);
        CHECK(a["follow_ups"]["overdue"] == 1);
        CHECK(all["follow_ups"]["opened"] == 3);  // C's level 2
        CHECK(all["follow_ups"]["overdue"] == 1);
    }
    SECTION("an empty township: zero counts and null rates") {
        const json& b = township(all, kB);
        CHECK(b["timeliness"]["decided"] == 0);
        CHECK(b["timeliness"]["median_wd"].is_null());
        CHECK(b["satisfaction"]["ratings"] == 0);
        CHECK(b["satisfaction"]["rate"].is_null());
        CHECK(b["awareness"]["rate"].is_null());
        CHECK(b["complaints"]["filed"] == 0);
    }
    SECTION("the scorecard shows each part with weight and raw value") {
        auto sc = figures.scorecard({date("2025-09-01"), date("2026-01-31"), kA});
        REQUIRE(sc.ok());
        const json& t = (*sc)["townships"][0];
        CHECK(t["code"] == kA);
        bool saw_timeliness = false;
        for (auto& p : t["parts"])
            if (p["part"] == "timeliness") {
                saw_timeliness = true;
                CHECK(p["weight"] == 30);
                CHECK(p["value"].get<double>() == Approx(0.75));
                CHECK(p["raw"]["decided"] == 4);
            }
        CHECK(saw_timeliness);
        CHECK(t["score"].is_number());
    }
    SECTION("the fleet: last push and clock offset per kiosk") {
        json fl = figures.fleet(kA, at("2026-01-31"));
        REQUIRE(fl["kiosks"].size() == 2);
        CHECK(fl["kiosks"][1]["kiosk_id"] == "230523104-02");
        CHECK(fl["kiosks"][1]["clock_offset_ms"] == -2 * 86'400'000LL);
        CHECK(fl["kiosks"][0]["queue_depth"].is_null());  // an optional push field, not sent
    }
}

TEST_CASE("stats: follow-up, complaint and alert lifecycles, each step audited", "[stats]") {
    Fixture f;
    fill(f);
    StatsConfig cfg;
    const WorkCalendar& cal = shared_policy().calendar;
    const StatsActor county{"900001", "county-staff", ""};
    const StatsActor other{"105001", "township-staff", kC};
    const UtcMillis now = at("2026-01-31");
    std::int64_t id = 0;
    (void)f.store->query("SELECT min(id) FROM follow_ups", {}, [&](const SqlRow& r) { id = r.integer(0); });
    auto before = f.store->audit_entries(0, 1000).size();

    CHECK(change_follow_up(*f.store, cfg, cal, other, id, {{"state", "called_back"}, {"note", "x"}}, now).error().code == "not_found");
    CHECK(change_follow_up(*f.store, cfg, cal, county, id, {{"state", "called_back"}}, now).error().code == "note_required");
    auto step1 = change_follow_up(*f.store, cfg, cal, county, id, {{"state", "called_back"}, {"note", "已电话回访"}, {"date", "2026-01-20"}}, now);
    REQUIRE(step1.ok());
    CHECK((*step1)["state"] == "called_back");
    CHECK(change_follow_up(*f.store, cfg, cal, county, id, {{"state", "open"}, {"note", "x"}}, now).error().code == "bad_request");
    CHECK(change_follow_up(*f.store, cfg, cal, county, id, {{"state", "called_back"}, {"note", "x"}}, now).error().code == "bad_state");
    CHECK(change_follow_up(*f.store, cfg, cal, county, id, {{"state", "closed"}, {"note", "x"}, {"date", "2026-01-19"}}, now)
              .error()
              .code == "bad_request");  // before the previous step
    auto closed = change_follow_up(*f.store, cfg, cal, county, id, {{"state", "closed"}, {"note", "已整改"}}, now);
    REQUIRE(closed.ok());
    CHECK((*closed)["steps"].size() == 2);
    CHECK((*closed)["overdue"] == false);

    const std::string receipt = complaint_receipt("2025-12-01", 1);
    for (auto state : {"assigned", "replied", "closed"})
        REQUIRE(change_complaint(*f.store, cfg, cal, county, receipt, {{"state", state}, {"note", "办理中"}, {"assignee", "104001"}}, now)
                    .ok());
    CHECK(f.store->audit_entries(0, 1000).size() == before + 5);

    // The kiosk's query: the right code gives the state; a wrong or malformed one gives nothing.
    json st = complaint_status(*f.store, receipt, "4321");
    CHECK(st["state"] == "closed");
    CHECK(st["timeline"].size() == 4);
    CHECK(complaint_status(*f.store, receipt, "4322").is_null());
    CHECK(complaint_status(*f.store, receipt, "43a1").is_null());

    Figures figures(*f.store, shared_policy(), cfg, date("2026-01-31"));
    auto s = figures.summary({date("2025-09-01"), date("2026-01-31"), kA});
    REQUIRE(s.ok());
    CHECK((*s)["complaints"]["closed"] == 1);
    CHECK((*s)["complaints"]["overdue"] == 0);
    CHECK((*s)["complaints"]["replied_late"] == 1);
    CHECK((*s)["follow_ups"]["closed"] == 1);
    CHECK((*s)["follow_ups"]["overdue"] == 0);

    // Alerts: the rules raise once per condition; a second evaluation repeats, never opens a second alert.
    REQUIRE(figures.evaluate_alerts(now).ok());
    auto count_open = [&](const std::string& kind) {
        int n = 0;
        for (auto& al : f.store->alerts(0, 1000, ""))
            if (al["kind"] == kind && al["state"] != "resolved") ++n;
        return n;
    };
    CHECK(count_open("overdue_share") == 1);  // O is A's only open case, and it is overdue
    REQUIRE(figures.evaluate_alerts(now).ok());
    CHECK(count_open("overdue_share") == 1);
    std::int64_t alert_id = 0;
    for (auto& al : f.store->alerts(0, 1000, ""))
        if (al["kind"] == "overdue_share") alert_id = al["id"];
    CHECK(change_alert(*f.store, cfg, cal, other, alert_id, {{"state", "notified"}, {"note", "x"}}, now).error().code == "not_found");
    auto notified = change_alert(*f.store, cfg, cal, county, alert_id, {{"state", "notified"}, {"note", "已发提醒函"}}, now);
    REQUIRE(notified.ok());
    CHECK((*notified)["due_date"] == cal.add_working_days(date("2026-01-31"), 10).date.iso());
    REQUIRE(change_alert(*f.store, cfg, cal, county, alert_id, {{"state", "resolved"}, {"note", "已整改销号"}}, now).ok());
    CHECK(count_open("overdue_share") == 0);
    auto history = alert_with_history(*f.store, county, alert_id, date("2026-01-31"));
    REQUIRE(history.ok());
    CHECK((*history)["steps"].size() == 2);
    CHECK((*history)["overdue"] == false);
}

TEST_CASE("stats: the spot-check draw is reproducible from its stored seed and keeps the ratio", "[stats]") {
    std::vector<SpotCandidate> candidates;
    for (int i = 0; i < 20; ++i) candidates.push_back({"1104012603010" + std::to_string(1000 + i).substr(1), "dibao", kA});
    for (int i = 0; i < 10; ++i) candidates.push_back({"1104012603020" + std::to_string(1000 + i).substr(1), "tekun", kA});
    StatsConfig cfg;
    auto first = draw_spot_sample(candidates, 42, "2026-03", cfg);
    CHECK(first.size() == 10 + 5);  // 50 % of each programme
    CHECK(draw_spot_sample(candidates, 42, "2026-03", cfg) == first);
    std::vector<SpotCandidate> shuffled(candidates.rbegin(), candidates.rend());
    CHECK(draw_spot_sample(shuffled, 42, "2026-03", cfg) == first);  // the order of the candidates does not matter
    CHECK(draw_spot_sample(candidates, 42, "2026-04", cfg) != first);
    CHECK(draw_spot_sample(candidates, 43, "2026-03", cfg) != first);
    cfg.spot_check_ratio_pct = 10;  // 特困 keeps its minimum of 30 %
    auto low = draw_spot_sample(candidates, 42, "2026-03", cfg);
    CHECK(std::count_if(low.begin(), low.end(), [](auto& c) { return c.programme == "tekun"; }) == 3);
    CHECK(std::count_if(low.begin(), low.end(), [](auto& c) { return c.programme == "dibao"; }) == 2);

    // Through the store: the draw keeps its seed; redrawing from it gives the stored list; one draw per month.
    Fixture f;
    fill(f);
    auto d = draw_spot_checks(*f.store, StatsConfig{}, "2025-12", "cli:test", at("2026-01-05"));
    REQUIRE(d.ok());
    CHECK((*d)["candidates"] == 2);  // L and E were confirmed in December
    CHECK((*d)["drawn"] == 1);
    CHECK((*d)["reproducible"] == true);
    CHECK((*d)["seed"].get<std::string>().size() == 16);
    std::vector<SpotCandidate> stored{{(*d)["samples"][0]["receipt_number"], "dibao", kA}};
    auto cands = spot_candidates(*f.store, "2025-12");
    REQUIRE(cands.ok());
    CHECK(draw_spot_sample(*cands, std::stoull((*d)["seed"].get<std::string>(), nullptr, 16), "2025-12", StatsConfig{}) == stored);
    CHECK(draw_spot_checks(*f.store, StatsConfig{}, "2025-12", "cli:test", at("2026-01-05")).error().code == "already_drawn");
    const StatsActor county{"900001", "county-staff", ""};
    const std::string receipt = stored[0].receipt_number;
    CHECK(record_spot_finding(*f.store, county, "2025-12", receipt, {{"finding", "problem"}}, at("2026-01-06")).error().code ==
          "note_required");
    REQUIRE(record_spot_finding(*f.store, county, "2025-12", receipt, {{"finding", "problem"}, {"note", "入户记录缺签字"}},
                                at("2026-01-06"))
                .ok());
    CHECK(record_spot_finding(*f.store, {"104001", "township-staff", kA}, "2025-12", receipt, {{"finding", "ok"}}, at("2026-01-06"))
              .error()
              .code == "forbidden");
    auto again = spot_checks(*f.store, StatsConfig{}, "2025-12", "");
    REQUIRE(again.ok());
    CHECK((*again)["samples"][0]["finding"] == "problem");

    // The yearly home-visit list: current recipients (H, L, E, Y and P are confirmed), 10 % per township → 1.
    CHECK(home_visits(*f.store, StatsConfig{}, "2026", "cli:test", at("2026-01-05"), "", false).error().code == "not_found");
    auto visits = home_visits(*f.store, StatsConfig{}, "2026", "cli:test", at("2026-01-05"), "", true);
    REQUIRE(visits.ok());
    CHECK((*visits)["candidates"] == 5);
    REQUIRE((*visits)["samples"].size() == 1);
    auto kept = home_visits(*f.store, StatsConfig{}, "2026", "cli:test", at("2026-01-06"), "", true);  // drawn once
    REQUIRE(kept.ok());
    CHECK((*kept)["seed"] == (*visits)["seed"]);
    CHECK((*kept)["samples"] == (*visits)["samples"]);
}

namespace {

CliRun run_cli(const std::vector<std::string>& args) { return run_county_server(args, false); }

}  // namespace

TEST_CASE("stats: county-server stats --format json|csv as a real process", "[stats]") {
    Fixture f;
    fill(f);
    const std::string dir = f.tmp.str();
    {
        std::ofstream toml(dir + "/county.toml", std::ios::app);  // after the [store] a PostgreSQL run wrote
        toml << "[stats]\nsmall_sample = 3\n";
    }
    auto j = run_cli({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--format", "json", "--assets",
                      YIMEN_SOURCE_ASSETS_DIR});
    REQUIRE(j.status == 0);
    json s = json::parse(j.out);
    CHECK(s["from"] == "2025-09-01");
    CHECK(s["to"] == "2026-01-31");
    CHECK(s["satisfaction"]["ratings"] == 9);
    CHECK(s["satisfaction"]["by_level"]["5"] == 4);
    CHECK(s["awareness"]["respondents"] == 2);
    CHECK(s["timeliness"]["decided"] == 4);
    CHECK(s["townships"].size() == 3);
    CHECK(township(s, kC)["satisfaction"]["small_sample"] == false);  // county.toml: small_sample = 3
    for (auto key : {"timeliness", "satisfaction", "awareness", "complaints", "follow_ups"}) CHECK(s.contains(key));

    auto csv = run_cli({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--format", "csv", "--assets",
                        YIMEN_SOURCE_ASSETS_DIR});
    REQUIRE(csv.status == 0);
    CHECK(csv.out.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(csv.out.find("全县") != std::string::npos);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 5);  // header, county, three townships

    auto one = run_cli({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--township", kC, "--format",
                        "json", "--assets", YIMEN_SOURCE_ASSETS_DIR});
    REQUIRE(one.status == 0);
    CHECK(json::parse(one.out)["satisfaction"]["ratings"] == 3);

    CHECK(run_cli({"stats", "--dir", dir, "--from", "2026-02-30", "--to", "2026-01-31"}).status == 2);
    CHECK(run_cli({"stats", "--dir", dir, "--from", "2026-02-01", "--to", "2026-01-31"}).status == 2);
    CHECK(run_cli({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--format", "xml"}).status == 2);
    CHECK(run_cli({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--township", "104"}).status == 2);
    CHECK(run_cli({"stats", "--dir", dir, "--to", "2026-01-31"}).status == 2);

    auto drawn = run_cli({"samples", "draw", "--dir", dir, "--month", "2025-12", "--format", "json"});
    REQUIRE(drawn.status == 0);
    json d = json::parse(drawn.out);
    CHECK(d["seed"].get<std::string>().size() == 16);
    CHECK(d["drawn"] == 1);
    auto shown = run_cli({"samples", "--dir", dir, "--month", "2025-12", "--format", "json"});
    REQUIRE(shown.status == 0);
    CHECK(json::parse(shown.out)["samples"] == d["samples"]);
    CHECK(run_cli({"samples", "draw", "--dir", dir, "--month", "2025-12"}).status == 1);  // already drawn
    CHECK(run_cli({"fleet", "--dir", dir, "--format", "csv"}).status == 0);
    CHECK(run_cli({"scorecard", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--format", "json", "--assets",
                   YIMEN_SOURCE_ASSETS_DIR})
              .status == 0);
}

TEST_CASE("stats: the API, township isolation, and the kiosk's complaint query", "[stats]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    (void)c.add_kiosk("230523105-01", kC, 1);
    const UtcMillis now = c.clock.now_utc_ms();
    const CivilDate today = c.clock.today();
    ChainWriter w{"230523104-01", "boot-api"};
    const std::string receipt = make_receipt_number(ReceiptType::complaint, 104, 1, today, 9)->text;
    std::vector<std::string> events = {w.next(rec::type::rating_given, rating(1, "kiosk"), format_rfc3339(now)),
                                       w.next(rec::type::complaint_filed, complaint_payload(receipt, "2468"), format_rfc3339(now)),
                                       w.next(rec::type::rating_given, rating(5, "kiosk"), format_rfc3339(now))};
    auto pushed = raw(c, "POST", sync::protocol::kPushPath, w.body(events, format_rfc3339(now)), k->cert_dir,
                      {"Content-Type: application/gzip"});
    REQUIRE(pushed.status == 200);

    const Api county{c, add_user(c, "county-staff").token};
    const Api own{c, add_user(c, "township-staff", kA).token};
    const Api other{c, add_user(c, "township-staff", kC).token};

    auto [st, sum] = county.get("/api/v1/stats/summary?from=" + today.iso() + "&to=" + today.iso());
    REQUIRE(st == 200);
    CHECK(sum["satisfaction"]["ratings"] == 2);
    CHECK(sum["follow_ups"]["opened"] == 1);
    CHECK(sum["townships"].size() == 2);
    auto [st2, sat] = other.get("/api/v1/stats/satisfaction?from=" + today.iso() + "&to=" + today.iso());
    REQUIRE(st2 == 200);
    CHECK(sat["ratings"] == 0);  // township C sees its own township only
    CHECK(sat["townships"].size() == 1);
    CHECK(other.get("/api/v1/stats/summary?township=" + kA).first == 404);
    CHECK(county.get("/api/v1/stats/nonsense").first == 404);
    CHECK(county.get("/api/v1/stats/summary?from=2026-13-01").first == 400);
    CHECK(own.get("/api/v1/stats/fleet").second["kiosks"].size() == 1);

    // The follow-up the bad rating opened: township A moves it, township C cannot see it.
    auto [lst, list] = own.get("/api/v1/follow-ups");
    REQUIRE(lst == 200);
    REQUIRE(list["items"].size() == 1);
    const std::string id = std::to_string(list["items"][0]["id"].get<std::int64_t>());
    CHECK(other.get("/api/v1/follow-ups/" + id).first == 404);
    CHECK(other.get("/api/v1/follow-ups/" + id).second == other.get("/api/v1/follow-ups/999999").second);
    CHECK(other.call("POST", "/api/v1/follow-ups/" + id + "/state", json{{"state", "called_back"}, {"note", "x"}}.dump()).first == 404);
    auto moved = own.call("POST", "/api/v1/follow-ups/" + id + "/state", json{{"state", "called_back"}, {"note", "已回访"}}.dump());
    CHECK(moved.first == 200);
    CHECK(moved.second["steps"][0]["actor"].is_string());
    CHECK(own.call("POST", "/api/v1/follow-ups/" + id + "/state", json{{"state", "open"}, {"note", "x"}}.dump()).first == 400);
    CHECK(own.get("/api/v1/follow-ups/" + id + "/state").first == 405);

    // The complaint: township C gets 404; township A assigns it; the kiosk query shows the state for the right code.
    CHECK(other.get("/api/v1/complaints/" + receipt).first == 404);
    CHECK(other.get("/api/v1/complaints").second["items"].empty());
    auto assigned = own.call("POST", "/api/v1/complaints/" + receipt + "/state",
                             json{{"state", "assigned"}, {"note", "交办民政办"}, {"assignee", "104001"}}.dump());
    CHECK(assigned.first == 200);
    CHECK(assigned.second["state"] == "assigned");
    auto good = raw(c, "GET", "/api/v1/status/" + receipt + "?query_code=2468", "", k->cert_dir);
    CHECK(good.status == 200);
    CHECK(json::parse(good.body)["state"] == "assigned");
    auto same_way = raw(c, "GET", "/api/v1/status/" + receipt + "?id_last4=2468", "", k->cert_dir);
    CHECK(same_way.status == 200);
    auto wrong = raw(c, "GET", "/api/v1/status/" + receipt + "?query_code=2469", "", k->cert_dir);
    auto unknown = raw(c, "GET", "/api/v1/status/11040126010100015?id_last4=0012", "", k->cert_dir);
    CHECK(wrong.status == 404);
    CHECK(wrong.body == unknown.body);

    // Spot checks and alert changes are the county's.
    CHECK(own.call("POST", "/api/v1/samples/draw", json{{"month", today.iso().substr(0, 7)}}.dump()).first == 403);
    CHECK(county.call("POST", "/api/v1/samples/draw", json{{"month", today.iso().substr(0, 7)}}.dump()).first == 200);
    CHECK(county.call("POST", "/api/v1/samples/draw", json{{"month", today.iso().substr(0, 7)}}.dump()).first == 422);
    CHECK(county.call("POST", "/api/v1/alerts/evaluate", "").first == 200);
    auto alerts = county.get("/api/v1/alerts");
    REQUIRE(!alerts.second["items"].empty());
    const std::string alert = std::to_string(alerts.second["items"][0]["id"].get<std::int64_t>());
    CHECK(own.call("POST", "/api/v1/alerts/" + alert + "/state", json{{"state", "resolved"}, {"note", "x"}}.dump()).first == 403);
    CHECK(county.call("POST", "/api/v1/alerts/" + alert + "/state", json{{"state", "resolved"}, {"note", "已处理"}}.dump()).first ==
          200);
    CHECK(count(c, "SELECT count(*) FROM audit_log WHERE action IN ('follow_up.called_back', 'complaint.assigned',"
                   " 'samples.drawn', 'alert.resolved')") == 4);
}
