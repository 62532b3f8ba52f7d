// sync_bench — upload of queued events over mutual TLS on loopback, and county ingest with many concurrent kiosks,
// beside the raw SQLite insert rate of the same rows on the same machine. Prints figures; asserts nothing about time.
// `--tiny` runs a small size (ctest), the default is the full size of the budgets in DESIGN.md.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include "base/seal.hpp"
#include "county/pki.hpp"
#include "county/server.hpp"
#include "sync/protocol.hpp"
#include "sync/sealed_payload.hpp"
#include "sync/uploader.hpp"
#include "bench_kiosks.hpp"
#include "bench_support.hpp"

#include <atomic>
#include <curl/curl.h>

using namespace yimen;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;
using Steady = std::chrono::steady_clock;
using yimen::bench::must;

namespace {

using bench::KioskDb;
using bench::AppendTime;
using bench::make_kiosk;
using bench::seconds_since;

}  // namespace

int main(int argc, char** argv) {
    bench::g_name = "sync_bench";
    const bool tiny = argc > 1 && std::strcmp(argv[1], "--tiny") == 0;
    const int upload_events = tiny ? 200 : 10000;
    const int kiosks = tiny ? 4 : 20;
    const int per_kiosk = tiny ? 50 : 1000;

    char tmpl[] = "/tmp/yimen-bench-XXXXXX";
    const std::string tmp = mkdtemp(tmpl);
    const std::string dir = tmp + "/county";
    must(county::pki::init(dir, {}), "pki init");
    SystemClock clock;
    sync::SystemBootClock boot;
    auto policy = must(load_policy_data(resolve_assets_dir()), "assets");
    county::ServerConfig cfg;
    cfg.dir = dir;
    cfg.port = 0;
    cfg.threads = std::max(8, kiosks);
    auto server = must(county::CountyServer::create(cfg, std::move(policy), clock), "server");
    const int port = must(server->start(), "listen");
    std::printf("sync_bench: county server on 127.0.0.1:%d (mutual TLS), SQLite WAL synchronous=FULL\n", port);

    // 1. One kiosk uploads its queue.
    {
        KioskDb k = make_kiosk(*server, dir, tmp, "230523104-01", upload_events, clock, boot);
        sync::UploaderConfig uc;
        uc.server_url = "https://127.0.0.1:" + std::to_string(port);
        uc.ca_file = k.cert_dir + "/ca.crt";
        uc.cert_file = k.cert_dir + "/client.crt";
        uc.key_file = k.cert_dir + "/client.key";
        sync::SystemRandom rng;
        auto up = must(sync::Uploader::create(k.path, k.id, uc, clock, boot, rng), "uploader");
        const auto t0 = Steady::now();
        auto e = up->sync_once();
        const double s = seconds_since(t0);
        if (e.category != sync::ErrorCategory::none) {
            std::fprintf(stderr, "sync_bench: upload failed: %s %s\n", e.message.c_str(), e.detail.c_str());
            return 1;
        }
        std::printf("  upload of %d queued events (batches of %d): %.2f s, %.0f events/s  (budget <= 2 s for 10,000)\n",
                    upload_events, uc.max_events_per_push, s, upload_events / s);
    }

    // 2. Many kiosks push at once (pre-built batches, as their uploaders would send them): once with schema-1 events,
    //    once with the same events sealed (schema 2), so the price of sealing shows on both ends in one run.
    const auto county_key = must(seal::load_public_key(dir + "/sealing.pub"), "sealing.pub");
    std::vector<std::string> all_rows;
    auto ingest = [&](const char* label, const std::optional<seal::SealingPublicKey>& key, int first_number,
                      double& rate) -> bool {
        AppendTime appended;
        std::vector<KioskDb> fleet;
        for (int i = 0; i < kiosks; ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "230523104-%02d", i + first_number);
            fleet.push_back(make_kiosk(*server, dir, tmp, id, per_kiosk, clock, boot, key, &appended));
        }
        std::vector<std::vector<std::string>> bodies(fleet.size());
        for (std::size_t i = 0; i < fleet.size(); ++i) {
            auto events = must(fleet[i].journal->events_after(0, per_kiosk, 1u << 30), "events");
            for (std::size_t off = 0; off < events.size(); off += 500) {
                proto::PushRequest req{fleet[i].id, boot.boot_id(), boot.uptime_ms(), format_rfc3339(clock.now_utc_ms()), {}};
                for (std::size_t j = off; j < std::min(events.size(), off + 500); ++j) {
                    req.events.push_back(events[j].canonical);
                    if (!key) all_rows.push_back(events[j].canonical);
                }
                bodies[i].push_back(proto::gzip_compress(proto::to_json(req).dump()));
            }
        }
        std::vector<std::thread> threads;
        std::atomic<int> failures{0};
        const auto t0 = Steady::now();
        for (std::size_t i = 0; i < fleet.size(); ++i)
            threads.emplace_back([&, i] {
                failures += bench::push_bodies("https://127.0.0.1:" + std::to_string(port) + proto::kPushPath,
                                               fleet[i].cert_dir, bodies[i]);
            });
        for (auto& t : threads) t.join();
        const double ingest_s = seconds_since(t0);
        const double total = static_cast<double>(kiosks) * per_kiosk;
        const auto stored = server->store().checkpoint(fleet.back().id).first;
        std::int64_t refused = 0;
        (void)server->store().query("SELECT count(*) FROM events WHERE status <> 'accepted'", {},
                                    [&](const county::SqlRow& r) { refused = r.integer(0); });
        if (failures || stored != per_kiosk || refused != 0) {
            std::fprintf(stderr, "sync_bench: %d failed pushes, last kiosk checkpoint %lld, %lld events not accepted\n",
                         failures.load(), static_cast<long long>(stored), static_cast<long long>(refused));
            return false;
        }
        rate = total / ingest_s;
        std::printf("  %s: kiosk append %.0f us per event; ingest, %d kiosks pushing %d events each at once: %.2f s, "
                    "%.0f events/s  (budget >= 5,000/s)\n",
                    label, appended.seconds * 1e6 / std::max(1L, appended.events), kiosks, per_kiosk, ingest_s, rate);
        return true;
    };
    double ingest_rate = 0, sealed_rate = 0;
    if (!ingest("schema 1 (clear)", std::nullopt, 10, ingest_rate)) return 1;
    if (!ingest("schema 2 (sealed, every other event a personal member)", county_key, 10 + kiosks, sealed_rate)) return 1;
    std::printf("  sealing's cost at the county: %.0f -> %.0f events/s (%.0f%%)\n", ingest_rate, sealed_rate,
                100.0 * (sealed_rate - ingest_rate) / ingest_rate);
    server->stop();

    // 3. The same rows inserted straight into SQLite, same durability, same batch size: the ceiling for comparison.
    const double raw_rate = bench::raw_sqlite_rows_per_second(tmp + "/raw.db", all_rows.size(), 500,
                                                              [&](std::size_t j) { return all_rows[j]; });
    std::printf("  raw SQLite insert of the same %zu rows (500 per transaction): %.0f rows/s; ingest/raw = %.2f\n",
                all_rows.size(), raw_rate, ingest_rate / raw_rate);

    // 4. Sealing one event's personal fields (~1 KB of JSON) to the county's key, and opening it with the ring.
    {
        const auto pub = must(seal::load_public_key(dir + "/sealing.pub"), "sealing.pub");
        const auto ring = must(seal::load_key_ring(county::pki::default_sealing_key_dir(dir)), "sealing keys");
        std::string payload = R"({"name":"测试甲","id_number":"230523199001010012","phone":"13800001111",)"
                              R"("address":"宝清镇一村三组","members":[{"name":"测试乙","relation":"spouse"}],"hardship":")";
        payload.append(1000 - payload.size(), 'x');
        payload += "\"}";
        const int n = tiny ? 200 : 5000;
        std::vector<std::string> sealed;
        sealed.reserve(static_cast<std::size_t>(n));
        const auto seal_start = Steady::now();
        for (int i = 0; i < n; ++i) sealed.push_back(must(seal::seal(payload, pub), "seal"));
        const double seal_us = seconds_since(seal_start) * 1e6 / n;
        const auto open_start = Steady::now();
        for (const auto& env : sealed) must(seal::open_sealed(env, ring), "open");
        const double open_us = seconds_since(open_start) * 1e6 / n;
        std::printf("  seal of a %zu-byte personal payload: %.0f us per event (open at the county: %.0f us)  "
                    "(budget: sealing adds <= 1 ms per event)\n",
                    payload.size(), seal_us, open_us);
    }
    std::filesystem::remove_all(tmp);
    return 0;
}
