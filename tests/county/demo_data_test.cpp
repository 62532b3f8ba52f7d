// demo_data_test.cpp — `county-server demo-data` at a tiny scale: deterministic for a seed, every event accepted,
// every case a legal stage sequence recorded by the right actor, none of the live demo's ids, and a store that a
// running county server keeps serving (the live demo's kiosk pushes and pulls its township's statuses afterwards).
#include <catch2/catch.hpp>

#include "county/figure_tables.hpp"
#include "county/demo_data.hpp"
#include "county/stats.hpp"
#include "policy/receipt_number.hpp"
#include "base/sqlite.hpp"
#include "policy/workflow.hpp"
#include "support/county_fixture.hpp"
#include "sync/pulled_store.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;

namespace {

// 2026-11-20 12:00 in the county: every run below sees the same "today".
constexpr UtcMillis kToday = 1'795'147'200'000;

struct DemoRun {
    TempDir tmp;
    std::string dir = tmp.str() + "/county";
    std::unique_ptr<county::Store> store;
    county::DemoSummary summary;

    DemoRun(std::uint64_t seed, int months = 2) {
        REQUIRE(county::pki::init(dir, {}).ok());
        auto s = county::open_sqlite_store(dir + "/county.db");
        REQUIRE(s.ok());
        store = std::move(s).value();
        FixedClock clock(kToday);
        auto r = county::generate_demo_data(dir, *store, shared_policy(), clock, {seed, months, county::DemoScale::tiny});
        if (!r) FAIL(r.error().code + ": " + r.error().message);
        summary = std::move(r).value();
    }

    std::int64_t scalar(const std::string& sql) {
        auto db = sqlite::Database::open(dir + "/county.db");
        REQUIRE(db.ok());
        return (*db)->scalar(sql).value_or(-1);
    }
};

}  // namespace

TEST_CASE("demo-data: the same seed gives the same year, another seed another", "[demo_data]") {
    DemoRun a(7), b(7), c(8);
    CHECK(a.summary.counts == b.summary.counts);
    CHECK(a.summary.receipts == b.summary.receipts);
    CHECK(a.summary.receipts != c.summary.receipts);
    CHECK(a.summary.first_day == "2026-09-21");
    CHECK(a.summary.last_day == "2026-11-20");
    CHECK(a.summary.receipts.size() > 50);
    CHECK(a.summary.counts.at("stages") > 200);
    CHECK(a.summary.townships >= 10);
}

TEST_CASE("demo-data: every event accepted, every case legal, no live demo id, refused a second time", "[demo_data]") {
    DemoRun run(2026);
    const auto& rules = shared_policy().rules;
    // Nothing rejected or quarantined: the generator writes only what a correct kiosk would.
    CHECK(run.scalar("SELECT count(*) FROM events WHERE status <> 'accepted'") == 0);
    CHECK(run.scalar("SELECT count(*) FROM events") == run.summary.counts.at("events"));
    // Kiosk clocks that run minutes off are corrected (and flagged): corrected times differ from the kiosk's own.
    CHECK(run.scalar("SELECT count(*) FROM events WHERE abs(wall_ms - corrected_ms) > 120000") > 0);
    CHECK(run.scalar("SELECT count(*) FROM kiosks WHERE clock_flagged = 1") >= 1);

    // Each case's history replays as legal, step by step, with county stages recorded by county staff.
    int replayed = 0;
    for (auto& receipt : run.summary.receipts) {
        auto rows = run.store->stages(receipt);
        REQUIRE(!rows.empty());
        const Programme* p = rules.programme(rows.front().programme);
        REQUIRE(p);
        auto app = run.store->application(receipt);
        CaseFacts facts{app && app->close_relative, "", 0};
        std::vector<StageEntry> history;
        for (auto& r : rows) {
            StageEntry e{r.stage, *CivilDate::parse(r.date), r.actor, r.reason, r.fields, r.documents};
            INFO(receipt << " " << r.stage);
            CHECK(check_transition(*p, facts, history, e, rules).ok());
            const StageDef* def = p->stage(r.stage);
            REQUIRE(def);
            if (def->actor == "county") CHECK(r.actor.rfind("D523", 0) == 0);
            if (def->actor == "township" && r.source == "county") CHECK(r.actor != county::kLiveDemoStaff);
            history.push_back(e);
        }
        ++replayed;
        // Never the live demo's kiosk (number 01) nor its receipt numbers.
        auto rn = parse_receipt_number(receipt);
        REQUIRE(rn.ok());
        CHECK(rn->kiosk >= 10);
    }
    CHECK(replayed == static_cast<int>(run.summary.receipts.size()));
    CHECK_FALSE(run.store->kiosk(county::kLiveDemoKiosk).has_value());
    CHECK_FALSE(run.store->user(county::kLiveDemoStaff).has_value());
    // Cases in several states: decided, refused with a notice, still open.
    CHECK(run.summary.counts.count("stage.confirmed") == 1);
    CHECK(run.summary.counts.count("stage.refusal_notified") == 1);
    CHECK(run.scalar("SELECT count(*) FROM applications a WHERE NOT EXISTS (SELECT 1 FROM stage_events s WHERE"
                     " s.receipt_number = a.receipt_number AND s.stage IN ('confirmed','refusal_notified','closed',"
                     "'terminated'))") > 0);

    // A second run on the same directory is refused.
    FixedClock clock(kToday);
    auto again = county::generate_demo_data(run.dir, *run.store, shared_policy(), clock, {1, 2, county::DemoScale::tiny});
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == "demo_exists");
    auto bad = county::generate_demo_data(run.dir, *run.store, shared_policy(), clock, {1, 0, county::DemoScale::tiny});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "bad_months");
}

TEST_CASE("demo-data: a running server keeps serving, the live demo's kiosk pushes and pulls its township", "[demo_data]") {
    County c;
    SystemClock clock;
    auto r = county::generate_demo_data(c.dir, c.server->store(), shared_policy(), clock, {3, 1, county::DemoScale::tiny});
    if (!r) FAIL(r.error().code + ": " + r.error().message);
    auto k = c.add_kiosk(county::kLiveDemoKiosk, "230523104", 1);
    auto app = k->application("dibao", "230523199001010012");
    k->append(rec::type::application_submitted, app);
    for (int i = 0; i < 5; ++i) REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto ev = c.server->store().event(county::kLiveDemoKiosk, 1);
    REQUIRE(ev.has_value());
    CHECK(ev->status == "accepted");
    // The kiosk holds the statuses of its township's demo cases and its own case, and none of another township's.
    auto pulled = sync::PulledStore::open(*k->db);
    REQUIRE(pulled.ok());
    CHECK((*pulled)->status(app.receipt_number).has_value());
    int own = 0, other = 0;
    for (auto& receipt : r->receipts) {
        const bool mine = receipt.substr(1, 3) == "104";
        const bool held = (*pulled)->status(receipt).has_value();
        if (mine && held) ++own;
        if (!mine && held) ++other;
    }
    CHECK(own > 0);
    CHECK(other == 0);
}

namespace {

// The first part of two figure sets that differs, for a readable failure.
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b, const std::string& path = "") {
    if (a.is_object() && b.is_object()) {
        for (auto& [k, v] : a.items()) {
            if (!b.contains(k)) return path + "/" + k + " missing on the right";
            if (auto d = first_difference(v, b[k], path + "/" + k); !d.empty()) return d;
        }
        for (auto& [k, v] : b.items())
            if (!a.contains(k)) return path + "/" + k + " missing on the left";
        return "";
    }
    if (a.is_array() && b.is_array() && a.size() == b.size()) {
        for (std::size_t i = 0; i < a.size(); ++i)
            if (auto d = first_difference(a[i], b[i], path + "/" + std::to_string(i)); !d.empty()) return d;
        return "";
    }
    return a == b ? "" : path + ": " + a.dump() + " vs " + b.dump();
}

void check_tables_equal_scan(county::Store& store, CivilDate today, const std::vector<county::StatsQuery>& periods) {
    const county::StatsConfig cfg;
    county::Figures tables(store, shared_policy(), cfg, today);
    county::Figures scan(store, shared_policy(), cfg, today, county::Figures::Method::scan);
    for (auto& q : periods) {
        INFO("period " << q.from.iso() << " .. " << q.to.iso() << " township '" << q.township << "'");
        auto t = tables.summary(q);
        auto s = scan.summary(q);
        REQUIRE(t.ok());
        REQUIRE(s.ok());
        CHECK(first_difference(*t, *s) == "");
    }
}

}  // namespace

TEST_CASE("demo-data: the figure tables equal a scan of the raw rows for any period, and after new writes", "[demo_data]") {
    DemoRun d(11, 3);
    const CivilDate today = county_date_at(kToday);
    std::string township;
    REQUIRE(d.store->query("SELECT township FROM applications GROUP BY township ORDER BY count(*) DESC LIMIT 1", {},
                           [&](const county::SqlRow& r) { township = r.text(0); }).ok());
    const CivilDate first = CivilDate::parse(d.summary.first_day).value();
    std::vector<county::StatsQuery> periods = {
        {first, today, ""},                                      // the whole demo
        {first, today, township},                                // one township's drill-down
        {first, today.plus_days(-30), ""},                       // judged on a past day: later stages don't count yet
        {today.plus_days(-45), today.plus_days(-20), township},  // a window in the middle
        {CivilDate{today.year, today.month, 1}, today.plus_days(40), ""},  // to after today: judged today
        {today.plus_days(-400), first.plus_days(-1), ""},        // before any data: every count 0
    };
    check_tables_equal_scan(*d.store, today, periods);

    // The staff's supervision work moved follow-ups and alerts on, and the summary counts what the tables hold.
    CHECK(d.summary.counts["follow_up.closed"] > 0);
    CHECK(d.summary.counts["follow_up.closed"] == d.scalar("SELECT count(*) FROM follow_ups WHERE state = 'closed'"));
    CHECK(d.scalar("SELECT count(*) FROM supervision_steps WHERE subject = 'follow_up'") >= 3 * d.summary.counts["follow_up.closed"]);
    CHECK(d.scalar("SELECT count(*) FROM alerts WHERE state <> 'raised'") > 0);
    CHECK(d.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'follow_up.%'") ==
          d.scalar("SELECT count(*) FROM supervision_steps WHERE subject = 'follow_up'"));

    // New writes reach the tables at the next figure set: a stage on an open case, a counted rating moved aside,
    // a second visit of an applicant seen before.
    std::string open_case, later_case, key, rating_id;
    REQUIRE(d.store->query("SELECT receipt_number FROM case_spans WHERE end_day = 99999999 ORDER BY receipt_number LIMIT 2",
                           {}, [&](const county::SqlRow& r) { (open_case.empty() ? open_case : later_case) = r.text(0); }).ok());
    REQUIRE(!later_case.empty());
    REQUIRE(d.store->query("SELECT applicant_key FROM case_facts WHERE applicant_key <> '' ORDER BY receipt_number LIMIT 1",
                           {}, [&](const county::SqlRow& r) { key = r.text(0); }).ok());
    REQUIRE(d.store->query("SELECT id FROM ratings WHERE status = 'counted' ORDER BY id LIMIT 1", {},
                           [&](const county::SqlRow& r) { rating_id = r.text(0); }).ok());
    REQUIRE(!open_case.empty());
    REQUIRE(!key.empty());
    auto before = county::Figures(*d.store, shared_policy(), county::StatsConfig{}, today).summary(periods[0]);
    REQUIRE(before.ok());
    REQUIRE(d.store->transaction([&]() -> Status {
        auto app = d.store->application(open_case);
        if (!app) return Error{"test", "no application"};
        county::StageRow st{0, open_case, app->programme, "refused", today.iso(), "S1", "不符合条件", nlohmann::json::object(),
                            {}, kToday, "county"};
        if (auto s = d.store->insert_stage(st); !s) return s;
        // A decision dated tomorrow (a kiosk may be a day ahead): not counted until that day comes.
        auto later = d.store->application(later_case);
        if (!later) return Error{"test", "no application"};
        county::StageRow tomorrow{0, later_case, later->programme, "refused", today.plus_days(1).iso(), "S1", "不符合条件",
                                  nlohmann::json::object(), {}, kToday, "county"};
        if (auto s = d.store->insert_stage(tomorrow); !s) return s;
        if (auto s = d.store->set_rating_status(std::stoll(rating_id), "already_rated"); !s) return s;
        county::ApplicationRow again = *app;
        again.receipt_number = "1" + std::string(16, '0').substr(0, 15) + "9";
        again.applicant_key = key;
        again.submitted_ms = kToday - 86'400'000;
        return d.store->insert_application(again);
    }).ok());
    auto after = county::Figures(*d.store, shared_policy(), county::StatsConfig{}, today).summary(periods[0]);
    REQUIRE(after.ok());
    CHECK((*after)["satisfaction"]["ratings"].get<long long>() == (*before)["satisfaction"]["ratings"].get<long long>() - 1);
    CHECK((*after)["convenience"]["cases"].get<long long>() == (*before)["convenience"]["cases"].get<long long>() + 1);
    check_tables_equal_scan(*d.store, today, periods);

    // What the marks kept current, bucket by bucket, equals a rebuild of every case and day from scratch (the path a
    // large county's first build or a rules change takes: one GROUP BY per table instead of one per day).
    auto dump = [&] {
        std::map<std::string, std::vector<std::string>> rows;
        const std::vector<std::pair<const char*, int>> tables = {
            {"case_facts", 16},     {"case_spans", 9},       {"span_groups", 6},   {"daily_decided", 8},
            {"daily_decided_wd", 5}, {"monthly_decided", 7}, {"monthly_decided_wd", 4}, {"daily_acceptance", 4},
            {"daily_submitted", 8}, {"daily_ratings", 7},    {"monthly_ratings", 6}, {"daily_rating_scores", 5},
            {"daily_quiz", 5},      {"daily_quiz_respondents", 4}};
        for (auto& [table, width] : tables) {
            auto& out = rows[table];
            REQUIRE(d.store->query(std::string("SELECT * FROM ") + table, {}, [&, w = width](const county::SqlRow& r) {
                std::string line;
                for (int i = 0; i < w; ++i) line += (r.is_null(i) ? std::string("NULL") : r.text(i)) + "|";
                out.push_back(line);
            }).ok());
            std::sort(out.begin(), out.end());
        }
        return rows;
    };
    const auto kept = dump();
    auto rebuilt = county::refresh_figure_tables(*d.store, shared_policy(), true);
    REQUIRE(rebuilt.ok());
    CHECK(rebuilt->rebuilt);
    CHECK(rebuilt->cases == d.scalar("SELECT count(*) FROM applications"));
    const auto fresh = dump();
    for (auto& [table, rows] : kept) {
        INFO(table);
        CHECK(rows.size() == fresh.at(table).size());
        CHECK(rows == fresh.at(table));
    }
    CHECK(kept.at("daily_ratings").size() > 10);
    CHECK(kept.at("span_groups").size() > 10);
}
