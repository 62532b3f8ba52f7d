// store_scale_bench — county ingest on each store (issue 17): 20 kiosks pushing at once to one county server on
// SQLite, one on PostgreSQL, and two servers sharing one PostgreSQL database (each kiosk talks to one of them, as a
// load balancer would spread them), each rate beside the raw insert rate of its own database for the same rows in
// the same run. Prints figures; asserts nothing about time; exits 1 only if a push failed or an event went missing.
//
//   store_scale_bench [--tiny] [--durable]
// PostgreSQL: the cluster in $YIMEN_PG_CLUSTER (ctest's "postgres" fixture), else a throwaway one of its own
// (tests/support/pg_cluster.sh). --durable: that own cluster keeps fsync and synchronous_commit on, as a county's
// server would (ctest's cluster runs without them; the ratio to raw inserts is measured on the same cluster either way).
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <curl/curl.h>

#include "bench_kiosks.hpp"
#include "bench_support.hpp"
#include "sync/protocol.hpp"

using namespace yimen;
namespace proto = yimen::sync::protocol;
using Steady = std::chrono::steady_clock;
using yimen::bench::must;

namespace {

struct Run {
    double rate = 0;      // events/s through the servers
    double raw_rate = 0;  // rows/s straight into the same database
};

std::string read_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// The same rows inserted straight into a PostgreSQL database through libpq, one prepared INSERT per row and one
// transaction per `per_tx` rows: the ceiling ingest is compared with.
double raw_postgres_rows_per_second(const std::string& url, const std::vector<std::string>& rows, std::size_t per_tx) {
    auto store = must(county::open_postgres_store(url, 1), "raw store");
    must(store->execute("CREATE TABLE raw_rows(id BIGINT PRIMARY KEY, body TEXT NOT NULL)", {}), "raw table");
    const auto t0 = Steady::now();
    for (std::size_t off = 0; off < rows.size(); off += per_tx)
        must(store->transaction([&]() -> Status {
                 for (std::size_t j = off; j < std::min(rows.size(), off + per_tx); ++j) {
                     auto r = store->execute("INSERT INTO raw_rows(id, body) VALUES(?1, ?2)",
                                             {static_cast<std::int64_t>(j), rows[j]});
                     if (!r) return r.error();
                 }
                 return Ok{};
             }),
             "raw insert");
    return static_cast<double>(rows.size()) / bench::seconds_since(t0);
}

// One configuration: a fresh county directory on `store_url`, `servers` servers on it, every kiosk pushing its
// queue at once in batches of 500.
bool ingest(const std::string& label, const std::string& slug, const std::string& store_url, int servers, int kiosks,
            int per_kiosk, const std::string& tmp, Run& run) {
    const std::string dir = tmp + "/" + slug;
    must(county::pki::init(dir, {}), "pki init");
    SystemClock clock;
    sync::SystemBootClock boot;
    std::vector<std::unique_ptr<county::CountyServer>> fleet_servers;
    std::vector<int> ports;
    for (int s = 0; s < servers; ++s) {
        county::ServerConfig cfg;
        cfg.dir = dir;
        cfg.port = 0;
        cfg.store_url = store_url;
        cfg.threads = std::max(8, kiosks / servers);
        cfg.store_pool_size = cfg.threads;
        fleet_servers.push_back(must(county::CountyServer::create(cfg, must(load_policy_data(resolve_assets_dir()), "assets"), clock), "server"));
        ports.push_back(must(fleet_servers.back()->start(), "listen"));
    }
    std::vector<bench::KioskDb> fleet;
    std::vector<std::string> rows;
    std::vector<std::vector<std::string>> bodies(static_cast<std::size_t>(kiosks));
    for (int i = 0; i < kiosks; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "230523104-%02d", i + 1);
        fleet.push_back(bench::make_kiosk(*fleet_servers[0], dir, dir, id, per_kiosk, clock, boot));
        auto events = must(fleet.back().journal->events_after(0, per_kiosk, 1u << 30), "events");
        for (std::size_t off = 0; off < events.size(); off += 500) {
            proto::PushRequest req{fleet.back().id, boot.boot_id(), boot.uptime_ms(), format_rfc3339(clock.now_utc_ms()), {}};
            for (std::size_t j = off; j < std::min(events.size(), off + 500); ++j) {
                req.events.push_back(events[j].canonical);
                rows.push_back(events[j].canonical);
            }
            bodies[static_cast<std::size_t>(i)].push_back(proto::gzip_compress(proto::to_json(req).dump()));
        }
    }
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    const auto t0 = Steady::now();
    for (int i = 0; i < kiosks; ++i)
        threads.emplace_back([&, i] {
            const auto k = static_cast<std::size_t>(i);
            failures += bench::push_bodies("https://127.0.0.1:" + std::to_string(ports[k % ports.size()]) +
                                               proto::kPushPath,
                                           fleet[k].cert_dir, bodies[k]);
        });
    for (auto& t : threads) t.join();
    const double seconds = bench::seconds_since(t0);
    std::int64_t stored = 0;
    (void)fleet_servers[0]->store().query("SELECT count(*) FROM events WHERE status = 'accepted'", {},
                                          [&](const county::SqlRow& r) { stored = r.integer(0); });
    for (auto& s : fleet_servers) s->stop();
    fleet_servers.clear();
    const std::int64_t expected = static_cast<std::int64_t>(kiosks) * per_kiosk;
    if (failures || stored != expected) {
        std::fprintf(stderr, "store_scale_bench: %s: %d failed pushes, %lld of %lld events stored\n", label.c_str(),
                     failures.load(), static_cast<long long>(stored), static_cast<long long>(expected));
        return false;
    }
    run.rate = static_cast<double>(expected) / seconds;
    run.raw_rate = store_url.empty()
                       ? bench::raw_sqlite_rows_per_second(dir + "-raw.db", rows.size(), 500,
                                                           [&](std::size_t j) { return rows[j]; })
                       : raw_postgres_rows_per_second(store_url, rows, 500);
    std::printf("  %-34s %2d kiosks x %5d events: %6.2f s, %7.0f events/s; raw inserts %7.0f rows/s; ingest/raw %.2f\n",
                label.c_str(), kiosks, per_kiosk, seconds, run.rate, run.raw_rate, run.rate / run.raw_rate);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    bench::g_name = "store_scale_bench";
    bool tiny = false, durable = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--tiny") == 0) tiny = true;
        else if (std::strcmp(argv[i], "--durable") == 0) durable = true;
        else {
            std::fprintf(stderr, "usage: store_scale_bench [--tiny] [--durable]\n");
            return 2;
        }
    }
    const int kiosks = tiny ? 4 : 20;
    const int per_kiosk = tiny ? 100 : 1000;
    char tmpl[] = "/tmp/yimen-bench-XXXXXX";
    const std::string tmp = mkdtemp(tmpl);

    // The PostgreSQL cluster: ctest's, or one of our own.
    std::string cluster;
    bool own_cluster = false;
    if (const char* c = std::getenv("YIMEN_PG_CLUSTER"); c && *c) {
        cluster = c;
    } else {
        // Beside, not inside, the private (0700) temporary directory: as root the cluster runs as the postgres user.
        cluster = "/tmp/yimen-bench-pg-" + std::to_string(getpid());
        const std::string start = std::string(durable ? "PG_CLUSTER_DURABLE=1 " : "") + YIMEN_PG_CLUSTER_SCRIPT +
                                  " start " + cluster + " >/dev/null";
        own_cluster = std::system(start.c_str()) == 0;
    }
    const std::string server_url = read_line(cluster + "/url");
    const std::string pg_note = server_url.empty() ? "unavailable (" + read_line(cluster + "/unavailable") + ")"
                                : durable && own_cluster ? "with fsync and synchronous_commit on"
                                                         : "on a test cluster (fsync off: compare the ratios, not the rates)";
    std::printf("store_scale_bench: county ingest over mutual TLS on loopback; SQLite WAL synchronous=FULL; PostgreSQL %s\n",
                pg_note.c_str());
    Run sqlite_run, pg_one, pg_two;
    bool ok = ingest("SQLite, 1 server", "sqlite1", "", 1, kiosks, per_kiosk, tmp, sqlite_run);
    if (ok && !server_url.empty()) {
        ok = ingest("PostgreSQL, 1 server", "pg1", must(county::create_postgres_database(server_url, "bench_one"), "db"), 1,
                    kiosks, per_kiosk, tmp, pg_one) &&
             ingest("PostgreSQL, 2 servers on 1 database", "pg2", must(county::create_postgres_database(server_url, "bench_two"), "db"),
                    2, kiosks, per_kiosk, tmp, pg_two);
        if (ok)
            std::printf("  2 servers / 1 server on PostgreSQL: %.2f\n", pg_two.rate / pg_one.rate);
    }
    if (own_cluster && std::system((std::string(YIMEN_PG_CLUSTER_SCRIPT) + " stop " + cluster).c_str()) != 0)
        std::fprintf(stderr, "store_scale_bench: the cluster in %s did not stop cleanly\n", cluster.c_str());
    std::filesystem::remove_all(tmp);
    return ok ? 0 : 1;
}
