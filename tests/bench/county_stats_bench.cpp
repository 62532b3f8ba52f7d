// county_stats_bench — the supervision figures over a large county: 1 M cases (with their stage histories), 3 M
// ratings and 1 M quiz responses, written straight into the store's tables with SQL for speed. Times the whole
// county figure set (a cold first query on a fresh connection, then warm ones) and one township's drill-down, beside
// a plain SELECT count(*) over the cases table in the same run, and checks that its figures equal
// `county-server stats --format json` on the same data. Asserts nothing about time; exits 1 if the figures differ.
// `--tiny` runs a small size (ctest), `--cases N` another one, `--reuse DIR` a kept one; the default is the issue's
// full size.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "county/figure_tables.hpp"
#include "county/migrate.hpp"
#include "county/stats.hpp"
#include "bench_support.hpp"

using namespace yimen;
using namespace yimen::county;
using nlohmann::json;
using Steady = std::chrono::steady_clock;
using yimen::bench::must;

namespace {

double ms_since(Steady::time_point t0) { return std::chrono::duration<double, std::milli>(Steady::now() - t0).count(); }

constexpr std::int64_t kDayMs = 86'400'000;
const char* kTownships[] = {"230523100", "230523101", "230523102", "230523103", "230523104",
                            "230523105", "230523106", "230523107", "230523108", "230523109"};

UtcMillis noon(CivilDate d) { return d.to_days() * kDayMs + 4 * 3'600'000; }

// Case i's programme (ratings bound to a case carry it too).
std::string programme_of(std::int64_t i) {
    static const char* programmes[] = {"dibao", "dibao", "dibao", "tekun", "linshi_zhichu"};
    return programmes[static_cast<std::uint64_t>(i) * 2654435761u % 5];
}

// Cases, ratings and quiz answers straight into the tables (one big transaction each).
void fill(const std::string& path, std::int64_t cases, std::int64_t ratings, std::int64_t quizzes, CivilDate today,
          const PolicyData& policy) {
    auto db = must(sqlite::Database::open(path), "open");
    std::mt19937_64 rng(20261130);
    auto pick = [&](std::int64_t n) { return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n)); };
    const WorkCalendar& cal = policy.calendar;
    {
        auto tx = must(sqlite::Transaction::begin(*db), "begin");
        auto kiosk = db->prepare("INSERT INTO kiosks(kiosk_id, township, fingerprint, serial) VALUES(?1, ?2, ?3, '')");
        for (auto* t : kTownships)
            for (int k = 1; k <= 2; ++k) {
                const std::string id = std::string(t) + "-0" + std::to_string(k);
                must(kiosk.bind(1, id).bind(2, std::string(t)).bind(3, "fp-" + id).run(), "kiosk");
            }
        auto app = db->prepare(
            "INSERT INTO applications(receipt_number, programme, township, kiosk_id, channel, operator_id, applicant_key,"
            " close_relative, id_last4_tag, submitted_ms, payload) VALUES(?1, ?2, ?3, ?4, ?5, '', ?6, 0, '', ?7, ?8)");
        auto stage = db->prepare(
            "INSERT INTO stage_events(receipt_number, programme, stage, date, actor, reason, fields, documents, recorded_ms,"
            " source) VALUES(?1, ?2, ?3, ?4, 'S1', '', '{}', '[]', ?5, 'county')");
        for (std::int64_t i = 0; i < cases; ++i) {
            const std::string receipt = "1" + std::to_string(100000000000000 + i);
            const std::string programme = programme_of(i);
            const char* township = kTownships[pick(10)];
            const CivilDate applied = today.plus_days(-pick(365));
            must(app.bind(1, receipt).bind(2, programme).bind(3, std::string(township))
                     .bind(4, std::string(township) + "-01").bind(5, pick(3) == 0 ? "assisted" : "self")
                     .bind(6, "key" + std::to_string(pick(cases * 9 / 10 + 1))).bind(7, noon(applied))
                     .bind(8, std::string(pick(4) == 0 ? R"({"materials_received":["id_card"],"materials_missing":["hukou"]})"
                                                       : R"({"materials_received":["id_card","hukou"],"materials_missing":[]})"))
                     .run(),
                 "application");
            auto add = [&](const char* s, CivilDate d) {
                if (d > today) return false;
                must(stage.bind(1, receipt).bind(2, programme).bind(3, std::string(s)).bind(4, d.iso()).bind(5, noon(d)).run(),
                     "stage");
                return true;
            };
            add("applied", applied);
            const CivilDate accepted = cal.add_working_days(applied, static_cast<int>(pick(4))).date;
            if (!add("accepted", accepted)) continue;
            if (!add("investigation_started", cal.add_working_days(accepted, 2).date)) continue;
            // Decided around the limit: most in time, some late; one in ten still open.
            if (pick(10) == 0) continue;
            add(pick(8) == 0 ? "refused" : "confirmed", cal.add_working_days(accepted, static_cast<int>(8 + pick(18))).date);
        }
        must(tx->commit(), "commit cases");
    }
    {
        auto tx = must(sqlite::Transaction::begin(*db), "begin");
        auto rating = db->prepare("INSERT INTO ratings(kiosk_id, seq, receipt_number, level, corrected_ms, status, payload,"
                                  " channel, township, programme) VALUES(?1, ?2, ?3, ?4, ?5, 'counted', '{}', ?6, ?7, ?8)");
        auto score = db->prepare("INSERT INTO rating_scores(kiosk_id, seq, code, score) VALUES(?1, ?2, 'overall', ?3)");
        const int levels[] = {5, 5, 5, 4, 4, 4, 3, 3, 2, 1};
        for (std::int64_t i = 0; i < ratings; ++i) {
            const std::string township = kTownships[pick(10)];
            const std::string kiosk = township + "-0" + std::to_string(1 + pick(2));
            const int level = levels[pick(10)];
            const UtcMillis t = noon(today.plus_days(-pick(365)));
            rating.bind(1, kiosk).bind(2, i + 1).bind(7, township);
            if (i % 3 == 0) {
                const std::int64_t rated = pick(cases);
                rating.bind(3, "1" + std::to_string(100000000000000 + rated)).bind(8, programme_of(rated));
            } else {
                rating.bind_null(3).bind_null(8);
            }
            must(rating.bind(4, level).bind(5, t).bind(6, pick(3) == 0 ? "assisted" : "kiosk").run(), "rating");
            must(score.bind(1, kiosk).bind(2, i + 1).bind(3, level).run(), "score");
        }
        must(tx->commit(), "commit ratings");
    }
    {
        auto tx = must(sqlite::Transaction::begin(*db), "begin");
        auto answer = db->prepare("INSERT INTO quiz_answers(kiosk_id, seq, township, corrected_ms, question_id, correct)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        std::vector<std::string> core;
        for (auto& q : policy.quiz.questions())
            if (q.core) core.push_back(q.id);
        for (std::int64_t i = 0; i < quizzes; ++i) {
            const std::string township = kTownships[pick(10)];
            const UtcMillis t = noon(today.plus_days(-pick(365)));
            for (auto& q : core)
                must(answer.bind(1, township + "-01").bind(2, 10'000'000 + i).bind(3, township).bind(4, t).bind(5, q)
                         .bind(6, pick(5) == 0 ? 0 : 1)
                         .run(),
                     "answer");
        }
        must(tx->commit(), "commit quiz");
    }
    must(db->exec("ANALYZE"), "analyze");
}

std::string run_cli(const std::string& args) {
    const std::string cmd = std::string(YIMEN_BIN_DIR) + "/county-server " + args + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

}  // namespace

namespace {

// PostgreSQL for the second half: ctest's cluster ($YIMEN_PG_CLUSTER), else a throwaway one of our own in DIR/pg
// (YIMEN_BENCH_NO_POSTGRES=1 skips it); "" when PostgreSQL cannot run here.
std::string postgres_server_url(const std::string& dir) {
    if (std::getenv("YIMEN_BENCH_NO_POSTGRES")) return "";
    std::string cluster;
    if (const char* c = std::getenv("YIMEN_PG_CLUSTER"); c && *c) {
        cluster = c;
    } else {
        cluster = dir + "/pg";
        // A failed start leaves no url file: reported below.
        if (std::system((std::string(YIMEN_PG_CLUSTER_SCRIPT) + " start " + cluster + " >/dev/null").c_str()) != 0)
            std::fprintf(stderr, "county_stats_bench: %s start failed\n", YIMEN_PG_CLUSTER_SCRIPT);
    }
    std::ifstream in(cluster + "/url");
    std::string url;
    std::getline(in, url);
    if (url.empty()) std::printf("county_stats_bench: PostgreSQL unavailable here: figures on SQLite only\n");
    return url;
}

void stop_own_cluster(const std::string& dir) {
    if (std::filesystem::exists(dir + "/pg"))
        if (std::system((std::string(YIMEN_PG_CLUSTER_SCRIPT) + " stop " + dir + "/pg").c_str()) != 0)
            std::fprintf(stderr, "county_stats_bench: the cluster in %s/pg did not stop cleanly\n", dir.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    bench::g_name = "county_stats_bench";
    // --tiny: 2,000 cases; --cases N: N cases (3N ratings, N quiz responses); default 1 M.
    const bool tiny = argc > 1 && std::string(argv[1]) == "--tiny";
    std::int64_t cases = tiny ? 2'000 : 1'000'000;
    if (argc > 2 && std::string(argv[1]) == "--cases") cases = std::max<std::int64_t>(100, std::atoll(argv[2]));
    const std::int64_t ratings = 3 * cases, quizzes = cases;
    // --reuse DIR: the data a run with YIMEN_BENCH_KEEP left (the full size takes a quarter of an hour to write).
    const bool reuse = argc > 2 && std::string(argv[1]) == "--reuse";
    const std::string dir = reuse ? std::string(argv[2])
                                  : std::string(std::filesystem::temp_directory_path() /
                                                ("yimen-stats-bench-" + std::to_string(getpid())));
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/county.db";
    auto policy = must(load_policy_data(resolve_assets_dir()), "policy");
    const CivilDate today = SystemClock().today();
    {
        auto store = must(open_sqlite_store(path), "store");  // the schema, by the store's own migrations
    }
    if (reuse) {
        auto db = must(sqlite::Database::open(path), "open");
        cases = db->scalar("SELECT count(*) FROM applications").value_or(0);
        std::printf("county_stats_bench: reusing %lld cases in %s\n", static_cast<long long>(cases), dir.c_str());
    } else {
        auto t_fill = Steady::now();
        fill(path, cases, ratings, quizzes, today, policy);
        std::printf("county_stats_bench: %lld cases, %lld ratings, %lld quiz responses written in %.1f s\n",
                    static_cast<long long>(cases), static_cast<long long>(ratings), static_cast<long long>(quizzes),
                    ms_since(t_fill) / 1000);
    }

    const StatsConfig cfg;
    const StatsQuery county{today.plus_days(-364), today, ""};
    const StatsQuery one{today.plus_days(-364), today, kTownships[4]};
    {
        // The figure tables for rows written behind the store's back: what a migration does once for old data.
        auto store = must(open_sqlite_store(path), "store");
        auto t_build = Steady::now();
        const FigureRefresh built = must(refresh_figure_tables(*store, policy), "figure tables");
        std::printf("county_stats_bench: figure tables built in %.1f s (%lld cases, %lld day buckets)\n",
                    ms_since(t_build) / 1000, static_cast<long long>(built.cases), static_cast<long long>(built.days));
    }
    auto store = must(open_sqlite_store(path), "store");  // a fresh connection: the first query is cold
    Figures figures(*store, policy, cfg, today);
    auto t0 = Steady::now();
    json first = must(figures.summary(county), "summary");
    const double cold_ms = ms_since(t0);
    std::vector<double> warm, drill;
    json township;
    for (int i = 0; i < (tiny ? 2 : 3); ++i) {
        t0 = Steady::now();
        (void)must(figures.summary(county), "summary");
        warm.push_back(ms_since(t0));
        t0 = Steady::now();
        township = must(figures.summary(one), "drill-down");
        drill.push_back(ms_since(t0));
    }
    for (auto* part : {"timeliness", "convenience", "satisfaction", "awareness", "complaints", "follow_ups", "spot_checks"}) {
        t0 = Steady::now();
        (void)must(figures.part(part, county), "part");
        const double whole = ms_since(t0);
        t0 = Steady::now();
        (void)must(figures.part(part, one), "part");
        std::printf("county_stats_bench:   %-12s %8.1f ms   (one township %6.1f ms)\n", part, whole, ms_since(t0));
    }
    std::int64_t count = 0;
    t0 = Steady::now();
    must(store->query("SELECT count(*) FROM applications", {}, [&](const SqlRow& r) { count = r.integer(0); }), "count");
    const double count_ms = ms_since(t0);
    std::sort(warm.begin(), warm.end());
    std::sort(drill.begin(), drill.end());
    const double warm_ms = warm[warm.size() / 2], drill_ms = drill[drill.size() / 2];
    std::printf("county_stats_bench: whole county figure set: cold %.1f ms, warm %.1f ms (budget 300 ms)\n", cold_ms, warm_ms);
    std::printf("county_stats_bench: one township's drill-down: %.1f ms (budget 100 ms)\n", drill_ms);
    std::printf("county_stats_bench: SELECT count(*) over %lld cases: %.2f ms; figure set / count = %.0fx, drill-down / count = %.0fx\n",
                static_cast<long long>(count), count_ms, warm_ms / std::max(count_ms, 0.001), drill_ms / std::max(count_ms, 0.001));
    std::printf("county_stats_bench: decided %lld (within limit %lld), ratings %lld (rate %.4f), respondents %lld\n",
                first["timeliness"]["decided"].get<long long>(), first["timeliness"]["within_limit"].get<long long>(),
                first["satisfaction"]["ratings"].get<long long>(), first["satisfaction"]["rate"].get<double>(),
                first["awareness"]["respondents"].get<long long>());

    // The same figures from the CLI, as a user would get them.
    const std::string out = run_cli("stats --dir " + dir + " --from " + county.from.iso() + " --to " + county.to.iso() +
                                    " --format json --assets " + policy.assets_dir);
    const json cli = json::parse(out, nullptr, false);
    const bool same = cli == first;
    std::printf("county_stats_bench: figures equal `county-server stats --format json`: %s\n", same ? "yes" : "NO");
    if (!same) std::fprintf(stderr, "county_stats_bench: CLI answered: %.400s\n", out.c_str());
    // Keeping the tables current: one more decision and one more rating, then the next figure set.
    bool same_scan = true;
    {
        const std::string receipt = "1" + std::to_string(100000000000000 + 1);
        t0 = Steady::now();
        must(store->transaction([&]() -> Status {
                 StageRow st{0, receipt, programme_of(1), "household_visit_done", today.iso(), "S1", "", json::object(), {},
                             noon(today), "county"};
                 return store->insert_stage(st);
             }),
             "stage");
        Figures after(*store, policy, cfg, today);
        (void)must(after.summary(county), "summary after a write");
        std::printf("county_stats_bench: figure set after one new stage (incremental refresh + query): %.1f ms\n", ms_since(t0));
        if (cases <= 100'000) {
            Figures scan(*store, policy, cfg, today, Figures::Method::scan);
            t0 = Steady::now();
            const json by_scan = must(scan.summary(county), "scan");
            const double scan_ms = ms_since(t0);
            same_scan = by_scan == must(after.summary(county), "tables") &&
                        must(scan.summary(one), "scan one") == must(after.summary(one), "tables one");
            std::printf("county_stats_bench: the same figures by scanning the raw rows: %.1f ms; equal to the tables': %s\n",
                        scan_ms, same_scan ? "yes" : "NO");
        }
    }
    // The same county on PostgreSQL (issue 17): moved there by `migrate`'s own code, figure tables rebuilt on the
    // target, then the same figure set timed and compared with SQLite's.
    bool same_pg = true;
    if (const std::string server_url = postgres_server_url(dir); !server_url.empty()) {
        const std::string url = must(create_postgres_database(server_url, "stats_bench_" + std::to_string(getpid())), "db");
        auto pg = must(open_postgres_store(url, 4), "postgres store");
        auto t_move = Steady::now();
        const MigrationReport moved = must(migrate_store(*store, *pg), "migrate");
        std::printf("county_stats_bench: PostgreSQL: migrated in %.1f s (%s)\n", ms_since(t_move) / 1000,
                    moved.ok() ? "verified" : "NOT verified");
        auto t_build = Steady::now();
        (void)must(refresh_figure_tables(*pg, policy), "figure tables on PostgreSQL");
        std::printf("county_stats_bench: PostgreSQL: figure tables built in %.1f s\n", ms_since(t_build) / 1000);
        pg.reset();
        auto fresh = must(open_postgres_store(url, 4), "postgres store");  // a fresh connection: the first query is cold
        Figures on_pg(*fresh, policy, cfg, today);
        t0 = Steady::now();
        const json pg_first = must(on_pg.summary(county), "summary on PostgreSQL");
        const double pg_cold = ms_since(t0);
        std::vector<double> pg_warm, pg_drill;
        for (int i = 0; i < (tiny ? 2 : 3); ++i) {
            t0 = Steady::now();
            (void)must(on_pg.summary(county), "summary on PostgreSQL");
            pg_warm.push_back(ms_since(t0));
            t0 = Steady::now();
            (void)must(on_pg.summary(one), "drill-down on PostgreSQL");
            pg_drill.push_back(ms_since(t0));
        }
        std::sort(pg_warm.begin(), pg_warm.end());
        std::sort(pg_drill.begin(), pg_drill.end());
        const json sqlite_now = must(Figures(*store, policy, cfg, today).summary(county), "summary");
        same_pg = moved.ok() && pg_first == sqlite_now;
        std::printf("county_stats_bench: PostgreSQL: whole county figure set: cold %.1f ms, warm %.1f ms (budget 300 ms); "
                    "one township %.1f ms; equal to SQLite's: %s\n",
                    pg_cold, pg_warm[pg_warm.size() / 2], pg_drill[pg_drill.size() / 2], same_pg ? "yes" : "NO");
    }
    store.reset();
    stop_own_cluster(dir);
    if (reuse || std::getenv("YIMEN_BENCH_KEEP")) std::printf("county_stats_bench: data kept in %s\n", dir.c_str());
    else std::filesystem::remove_all(dir);
    return same && same_scan && same_pg ? 0 : 1;
}
