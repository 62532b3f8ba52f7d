// migrate_test.cpp — `county-server migrate` (issue 17): a county built on SQLite by real kiosks and staff moves into
// an empty PostgreSQL database with its identity values, chains, secret and audit trail, and a server started on the
// copy answers as the old one did; a target that already holds data, or a --from/--to that is not a store, is
// refused with a plain message.
#include <curl/curl.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "county/figure_tables.hpp"
#include "county/migrate.hpp"
#include "county/store.hpp"
#include "policy/workflow.hpp"
#include "support/county_cli_run.hpp"
#include "support/county_http.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
using nlohmann::json;

namespace {

std::string day(int offset) { return FixedClock(kFixtureNowMs).today().plus_days(offset).iso(); }

json step(const std::string& stage, int offset, json extra = json::object()) {
    const Programme* p = shared_policy().rules.programme("dibao");
    json b = {{"stage", stage}, {"date", day(offset)}};
    if (const StageDef* s = p->stage(stage)) b["documents"] = s->documents;
    for (auto& [k, v] : extra.items()) b[k] = v;
    return b;
}

// Every row of `sql` as text, one line per row, for comparing two stores column by column.
std::vector<std::string> rows(county::Store& s, const std::string& sql, int columns) {
    std::vector<std::string> out;
    REQUIRE(s.query(sql, {}, [&](const county::SqlRow& r) {
                 std::string line;
                 for (int i = 0; i < columns; ++i) line += (r.is_null(i) ? std::string("NULL") : r.text(i)) + "|";
                 out.push_back(line);
             }).ok());
    return out;
}

// A database of its own on the tests' throwaway cluster.
std::string fresh_database(const std::string& name) {
    const std::string base = read_line(std::string(std::getenv("YIMEN_PG_CLUSTER")) + "/url");
    auto url = county::create_postgres_database(base, name + std::to_string(::getpid()));
    INFO((url ? std::string() : url.error().message));
    REQUIRE(url.ok());
    return *url;
}

}  // namespace

TEST_CASE("migrate: a --from or --to that is not a store is refused with a plain message", "[migrate]") {
    TempDir tmp;
    auto no_prefix = run_county_server({"migrate", "--from", tmp.str() + "/county.db", "--to", "postgresql://x@h/db"});
    CHECK(no_prefix.status == 2);
    CHECK(no_prefix.out.find("--from 须为 sqlite:") != std::string::npos);
    auto bad_to = run_county_server({"migrate", "--from", "sqlite:" + tmp.str() + "/county.db", "--to", "mysql://x@h/db"});
    CHECK(bad_to.status == 2);
    CHECK(bad_to.out.find("--to 须为 PostgreSQL 地址") != std::string::npos);
    auto missing = run_county_server(
        {"migrate", "--from", "sqlite:" + tmp.str() + "/none.db", "--to", "postgresql://nobody@127.0.0.1:1/none"});
    CHECK(missing.status == 1);
    CHECK(missing.out.find("没有找到县服务器数据库") != std::string::npos);
    CHECK(!std::filesystem::exists(tmp.str() + "/none.db"));  // the source is only read, never created
    CHECK(run_county_server({"migrate", "--to", "postgresql://x@h/db"}).status == 2);
    // Every table of the SQLite schema is either copied or rebuilt: a new one must be added to migrate.cpp's lists.
    auto src = county::open_sqlite_store(tmp.str() + "/county.db");
    REQUIRE(src.ok());
    std::set<std::string> known(county::migrated_tables().begin(), county::migrated_tables().end());
    known.insert(county::rebuilt_figure_tables().begin(), county::rebuilt_figure_tables().end());
    for (auto& t : rows(**src, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", 1)) {
        INFO(t);
        CHECK(known.count(t.substr(0, t.size() - 1)) == 1);
    }
}

TEST_CASE("migrate: a SQLite county moves to PostgreSQL with its ids, chains and secret and serves the same", "[migrate]") {
    if (!testing_postgres()) {
        SUCCEED("PostgreSQL run only (the refusals above need none)");
        return;
    }
    TempDir source_dir;
    const std::string source_db = source_dir.str() + "/county.db";
    county::ServerConfig sqlite_cfg;
    sqlite_cfg.store_url = "sqlite:" + source_db;
    County c(sqlite_cfg);
    auto a = c.add_kiosk("230523104-01");
    auto b = c.add_kiosk("230523101-01", "230523101", 1);
    a->clock.set(c.clock.now_utc_ms() - 45LL * 86'400'000);
    auto app = a->application("dibao");
    a->append(rec::type::application_submitted, app);
    a->clock.set(c.clock.now_utc_ms() - 2LL * 86'400'000);
    auto other = b->application("dibao", "11010519491231002X");
    b->append(rec::type::application_submitted, other);
    // Enough rows that events and quiz answers are copied in several batches.
    for (int i = 0; i < 160; ++i) b->append(rec::type::quiz_answered, rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}});
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    REQUIRE(b->uploader->sync_once().category == sync::ErrorCategory::none);
    const Api staff{c, add_user(c, "township-staff", "230523104").token};
    REQUIRE(staff.post(app.receipt_number, step("accepted", -40)).first == 200);
    REQUIRE(staff.post(app.receipt_number, step("investigation_started", -39)).first == 200);
    a->clock.set(c.clock.now_utc_ms());
    a->append(rec::type::rating_given, rec::RatingGiven{app.receipt_number, 5, {}, {}, "", "kiosk", ""});
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    const Api county_staff{c, add_user(c, "county-staff").token};
    const std::string figures_path = "/api/v1/stats/summary?from=" + day(-60) + "&to=" + day(0);
    auto figures_before = county_staff.get(figures_path);
    REQUIRE(figures_before.first == 200);
    auto status_before = a->uploader->query_status(app.receipt_number, "0012");
    REQUIRE(status_before.ok());
    REQUIRE(status_before->found);
    c.stop();
    std::int64_t seq_a = 0, seq_b = 0, stages = 0, stage_id = 0, change_id = 0;
    {
        auto src = county::open_sqlite_store_read_only(source_db);
        REQUIRE(src.ok());
        REQUIRE((*src)->query("SELECT (SELECT max(seq) FROM events WHERE kiosk_id = '230523104-01'),"
                              " (SELECT max(seq) FROM events WHERE kiosk_id = '230523101-01'),"
                              " (SELECT count(*) FROM stage_events), (SELECT max(id) FROM stage_events),"
                              " (SELECT seq FROM sqlite_sequence WHERE name = 'changes')",
                              {}, [&](const county::SqlRow& r) {
                                  seq_a = r.integer(0);
                                  seq_b = r.integer(1);
                                  stages = r.integer(2);
                                  stage_id = r.integer(3);
                                  change_id = r.integer(4);
                              }).ok());
    }
    REQUIRE(seq_a >= 2);
    REQUIRE(seq_b >= 161);
    REQUIRE(stages >= 2);

    const std::string target = fresh_database("migrate_target");
    auto run = run_county_server({"migrate", "--from", "sqlite:" + source_db, "--to", target});
    INFO(run.out);
    REQUIRE(run.status == 0);
    CHECK(run.out.find("kiosk 230523104-01 chain ok through seq " + std::to_string(seq_a) + "\n") != std::string::npos);
    CHECK(run.out.find("kiosk 230523101-01 chain ok through seq " + std::to_string(seq_b) + "\n") != std::string::npos);
    CHECK(run.out.find("stage_events         " + std::to_string(stages) + "\n") != std::string::npos);
    CHECK(run.out.find("统计表") != std::string::npos);

    {
        auto src = county::open_sqlite_store_read_only(source_db);
        REQUIRE(src.ok());
        auto dst = county::open_postgres_store(target, 2);
        REQUIRE(dst.ok());
        for (auto& [sql, n] : std::vector<std::pair<std::string, int>>{
                 {"SELECT id, receipt_number, stage, date, fields FROM stage_events ORDER BY id", 5},
                 {"SELECT id, kiosk_id, seq, level, status FROM ratings ORDER BY id", 5},
                 {"SELECT id, user_id, action, target FROM audit_log ORDER BY id", 4},
                 {"SELECT id, township, kind, key FROM changes ORDER BY id", 4},
                 {"SELECT kiosk_id, seq, hash, envelope, corrected_ms, received_ms FROM events ORDER BY kiosk_id, seq", 6},
                 {"SELECT kiosk_id, seq, township, corrected_ms, question_id, correct FROM quiz_answers"
                  " ORDER BY kiosk_id, seq", 6},
                 {"SELECT name, value FROM county_secrets ORDER BY name", 2}}) {
            INFO(sql);
            auto expected = rows(**src, sql, n);
            CHECK(!expected.empty());
            CHECK(rows(**dst, sql, n) == expected);
        }
        // The first refresh rebuilds the figure tables from these marks.
        CHECK(rows(**dst, "SELECT receipt_number FROM dirty_cases", 1).size() == 2);
    }

    // A target that already holds a county is refused, and left as it is.
    auto again = run_county_server({"migrate", "--from", "sqlite:" + source_db, "--to", target});
    CHECK(again.status == 1);
    CHECK(again.out.find("目标数据库不是空的") != std::string::npos);

    // A server on the copy: the same status answer and figures, and new rows get new ids (the sequences moved on).
    county::ServerConfig pg_cfg;
    pg_cfg.store_url = target;
    c.start(pg_cfg);
    a->connect(c.port);
    auto status_after = a->uploader->query_status(app.receipt_number, "0012");
    REQUIRE(status_after.ok());
    REQUIRE(status_after->found);
    CHECK(status_after->body == status_before->body);
    const Api county_staff_after{c, county_staff.token};
    auto figures_after = county_staff_after.get(figures_path);
    REQUIRE(figures_after.first == 200);
    CHECK(figures_after.second == figures_before.second);
    const Api staff_after{c, staff.token};
    CHECK(staff_after.post(app.receipt_number, step("household_visit_done", -37, {{"fields", {{"investigators", {"张三", "李四"}}}}}))
              .first == 200);
    CHECK(count(c, "SELECT max(id) FROM stage_events") == stage_id + 1);
    CHECK(change_id > 0);
    CHECK(count(c, "SELECT max(id) FROM changes") > change_id);  // kiosks' pull cursors stay valid
    add_user(c, "county-staff");  // a new audit row after the copied ones
    CHECK(count(c, "SELECT count(DISTINCT id) FROM audit_log") == count(c, "SELECT count(*) FROM audit_log"));
    a->append(rec::type::quiz_answered, rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}});
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT max(seq) FROM events WHERE kiosk_id = '230523104-01'") == seq_a + 1);
}

namespace {

// 10:00 in the county on a civil date, as UTC milliseconds.
UtcMillis at(const std::string& iso) { return CivilDate::parse(iso).value().to_days() * 86'400'000 + 2 * 3'600'000; }

// A decided (or, without `confirmed`, open) 低保 case straight into the projections.
void add_case(county::Store& store, const std::string& receipt, const std::string& township, const std::string& applied,
              const std::string& confirmed) {
    REQUIRE(store.insert_application({receipt, "dibao", township, township + "-01", "self", "", "k" + receipt, false, "",
                                      at(applied), json{{"materials_received", {"id_card"}}, {"materials_missing", json::array()}}})
                .ok());
    std::vector<std::pair<std::string, std::string>> stages = {{"applied", applied}, {"accepted", applied}};
    if (!confirmed.empty()) stages.push_back({"confirmed", confirmed});
    for (auto& [stage, day] : stages) {
        county::StageRow row{0, receipt, "dibao", stage, day, "104001", "", json::object(), {}, at(day), "county"};
        REQUIRE(store.insert_stage(row).ok());
    }
}

}  // namespace

TEST_CASE("stats roll-up: --county gives each county's figures and they add up to the city's", "[migrate][stats]") {
    TempDir tmp;
    const std::string dir = tmp.str();
    write_test_store_config(dir);
    {
        auto s = open_test_store(dir);
        REQUIRE(s.ok());
        county::Store& store = **s;
        for (auto t : {"230523104", "230523101", "230524102"})
            REQUIRE(store.put_kiosk({std::string(t) + "-01", t, std::string("fp-") + t, "", false, false}).ok());
        // County 230523: three decided cases in two townships; county 230524: one decided, one still open.
        add_case(store, "11040125100100011", "230523104", "2025-10-01", "2025-10-24");
        add_case(store, "11040125110300012", "230523104", "2025-11-03", "2025-12-26");
        add_case(store, "11010125100600013", "230523101", "2025-10-06", "2025-10-30");
        add_case(store, "11020125100700014", "230524102", "2025-10-07", "2025-10-31");
        add_case(store, "11020125120100015", "230524102", "2025-12-01", "");
    }
    auto stats = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--format",
                                         "json", "--assets", YIMEN_SOURCE_ASSETS_DIR};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run_county_server(args, false);
        INFO(r.out);
        REQUIRE(r.status == 0);
        return json::parse(r.out);
    };
    const json city = stats({});
    const json a = stats({"--county", "230523"});
    const json b = stats({"--county", "230524"});
    CHECK(city["timeliness"]["decided"] == 4);
    CHECK(a["county"] == "230523");
    CHECK(a["townships"].size() == 2);
    CHECK(a["timeliness"]["decided"] == 3);
    CHECK(b["townships"].size() == 1);
    CHECK(b["timeliness"]["decided"] == 1);
    CHECK(b["timeliness"]["open"] == 1);
    CHECK(!a.contains("counties"));
    for (auto key : {"decided", "within_limit", "open", "overdue_open", "extended"})
        CHECK(a["timeliness"][key].get<std::int64_t>() + b["timeliness"][key].get<std::int64_t>() ==
              city["timeliness"][key].get<std::int64_t>());
    // Several counties in one store: the whole set carries each county's own figures, as --county gives them.
    REQUIRE(city.contains("counties"));
    REQUIRE(city["counties"].size() == 2);
    CHECK(city["counties"][0] == a);
    CHECK(city["counties"][1] == b);
    // The same in a spreadsheet: the total, each county, then each township, one row each (first column the scope).
    {
        auto csv = run_county_server({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--format", "csv",
                                      "--assets", YIMEN_SOURCE_ASSETS_DIR},
                                     false);
        REQUIRE(csv.status == 0);
        std::vector<std::string> scopes;
        std::istringstream lines(csv.out);
        for (std::string line; std::getline(lines, line);) scopes.push_back(line.substr(0, line.find(',')));
        REQUIRE(scopes.size() == 7);
        CHECK(scopes[1] == "合计");  // zh-ok: the total row's label
        CHECK(scopes[2] == "230523");
        CHECK(scopes[3] == "230524");
        CHECK(scopes[4] == "230523101");
        CHECK(scopes[6] == "230524102");
        auto county_csv = run_county_server({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--format",
                                             "csv", "--county", "230524", "--assets", YIMEN_SOURCE_ASSETS_DIR},
                                            false);
        REQUIRE(county_csv.status == 0);
        CHECK(county_csv.out.find("\n230524,1,") != std::string::npos);     // the county's row: 1 decided
        CHECK(county_csv.out.find("\n230524102,1,") != std::string::npos);  // and its township's
        CHECK(county_csv.out.find("230523") == std::string::npos);
    }
    CHECK(run_county_server({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--county", "2305"}).status == 2);
    CHECK(run_county_server({"stats", "--dir", dir, "--from", "2025-09-01", "--to", "2026-01-31", "--county", "230523",
                             "--township", "230523104"})
              .status == 2);

    // The figure tables and the reference scan agree on a county's scope.
    auto s = open_test_store(dir);
    REQUIRE(s.ok());
    county::StatsConfig cfg;
    const county::StatsQuery q{CivilDate::parse("2025-09-01").value(), CivilDate::parse("2026-01-31").value(), "230523"};
    county::Figures tables(**s, shared_policy(), cfg, CivilDate::parse("2026-06-15").value());
    county::Figures scan(**s, shared_policy(), cfg, CivilDate::parse("2026-06-15").value(), county::Figures::Method::scan);
    auto t = tables.summary(q);
    auto r = scan.summary(q);
    REQUIRE(t.ok());
    REQUIRE(r.ok());
    CHECK((*t)["timeliness"] == (*r)["timeliness"]);
    CHECK((*t)["timeliness"]["decided"] == 3);
    // A rebuild of every case and day (one GROUP BY per table, in this store's SQL) gives the same figures.
    auto rebuilt = county::refresh_figure_tables(**s, shared_policy(), true);
    REQUIRE(rebuilt.ok());
    CHECK(rebuilt->cases == 5);
    county::Figures again(**s, shared_policy(), cfg, CivilDate::parse("2026-06-15").value());
    const county::StatsQuery whole{q.from, q.to, ""};
    auto after = again.summary(q);
    REQUIRE(after.ok());
    CHECK(*after == *t);
    auto whole_after = again.summary(whole);
    auto whole_scan = scan.summary(whole);
    REQUIRE(whole_after.ok());
    REQUIRE(whole_scan.ok());
    CHECK((*whole_after)["timeliness"] == (*whole_scan)["timeliness"]);
    CHECK((*whole_after)["convenience"] == (*whole_scan)["convenience"]);
}
