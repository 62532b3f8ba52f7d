// county_load_bench — the county server under load and attack at once: 200 kiosks (mutual TLS, each from its own
// loopback address) push event batches and query a case's status, while one address holds 64 idle TCP connections
// and 16 TLS connections that trickle a byte every 2 s, and a prober times /api/v1/health. Prints the health
// latency, failed legitimate requests, the ingest rate beside raw SQLite's rate for the same rows, and the cost of one
// guess at a staff PIN hash. Asserts nothing about time; exits 1 only if the server lost or refused real work.
// `--tiny` runs a small size (ctest); the default is the issue's full size.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "county/pki.hpp"
#include "county/server.hpp"
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/records.hpp"
#include "base/secrets.hpp"
#include "sync/protocol.hpp"
#include "bench_support.hpp"

using namespace yimen;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;
using Steady = std::chrono::steady_clock;
using yimen::bench::must;

namespace {

double ms_since(Steady::time_point t0) { return std::chrono::duration<double, std::milli>(Steady::now() - t0).count(); }

int tcp_connect(int port, const char* from) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &src.sin_addr);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool peer_closed(int fd) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char b[64];
    return ::recv(fd, b, sizeof b, MSG_DONTWAIT) <= 0;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

struct FleetKiosk {
    std::string id, township, cert_dir, source, receipt;
    std::vector<std::string> bodies;   // gzip push bodies, in chain order
};

// One application (so a status query finds a real case) and then quiz answers, sealed into a chain.
std::vector<std::string> make_bodies(const FleetKiosk& k, int number, int batches, int per_batch, const Clock& clock) {
    std::vector<std::string> bodies;
    std::string prev = rec::kZeroHash;
    std::int64_t seq = 0;
    const std::string now = format_rfc3339(clock.now_utc_ms());
    for (int b = 0; b < batches; ++b) {
        proto::PushRequest req{k.id, "boot-load", 1000, now, {}};
        for (int i = 0; i < per_batch; ++i) {
            rec::Envelope e;
            e.kiosk_id = k.id;
            e.seq = ++seq;
            e.wall_time = now;
            e.boot_id = "boot-load";
            e.uptime_ms = 1000 + seq;
            e.actor = {"resident", ""};
            if (seq == 1) {
                rec::ApplicationSubmitted a;
                a.receipt_number = k.receipt;
                a.programme = "dibao";
                a.township = k.township;
                a.channel = "self";
                a.applicant = {"王秀英", "230523199001010012", "self", "13800000000", "红星村", "healthy", "", "full", false};
                a.applicant_key = hmac_sha256_hex("county-key", "230523199001010012" + std::to_string(number));
                a.income = {30000, 0, 0, 0};
                a.hardship_statement = "家庭困难";
                a.commitment_at = now;
                a.authorisation_at = now;
                a.materials_received = {"id_card", "hukou"};
                a.materials_missing = {"statement"};
                e.type = rec::type::application_submitted;
                e.payload = a;
            } else {
                e.type = rec::type::quiz_answered;
                e.payload = rec::QuizAnswered{"2026.1", {{"q-publicity", static_cast<int>(seq % 3), seq % 3 == 1}}};
            }
            auto sealed = must(rec::seal(e, prev), "seal");
            prev = sealed.hash;
            req.events.push_back(must(canonical_json(rec::to_json_value(sealed)), "canonical"));
        }
        bodies.push_back(proto::gzip_compress(proto::to_json(req).dump()));
    }
    return bodies;
}

CURL* kiosk_handle(const FleetKiosk& k, std::string& sink, curl_slist*& headers) {
    CURL* h = bench::kiosk_push_handle(k.cert_dir, sink, headers);
    curl_easy_setopt(h, CURLOPT_INTERFACE, ("host!" + k.source).c_str());  // its own address: no shared per-address cap
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    return h;
}

}  // namespace

int main(int argc, char** argv) {
    bench::g_name = "county_load_bench";
    const bool tiny = argc > 1 && std::strcmp(argv[1], "--tiny") == 0;
    const int kiosks = tiny ? 10 : 200;
    const int batches = tiny ? 3 : 10;
    const int per_batch = 50;
    const int idle_count = tiny ? 16 : 64;
    const int slow_count = tiny ? 4 : 16;
    std::signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    char tmpl[] = "/tmp/yimen-load-XXXXXX";
    const std::string tmp = mkdtemp(tmpl);
    const std::string dir = tmp + "/county";
    must(county::pki::init(dir, {}), "pki init");
    SystemClock clock;
    auto policy = must(load_policy_data(resolve_assets_dir()), "assets");
    county::ServerConfig cfg;
    cfg.dir = dir;
    cfg.port = 0;
    cfg.access_log = tmp + "/access.log";
    auto server = must(county::CountyServer::create(cfg, std::move(policy), clock), "server");
    const int port = must(server->start(), "listen");
    std::printf("county_load_bench: county server on 127.0.0.1:%d, %d workers, %d I/O threads, per-address cap %d\n", port,
                cfg.threads, cfg.limits.io_threads, cfg.limits.max_connections_per_peer);

    // The fleet: 10 townships of 20 kiosks (a receipt number has two digits for the kiosk), each from its own address.
    std::vector<FleetKiosk> fleet;
    const auto prep0 = Steady::now();
    for (int i = 0; i < kiosks; ++i) {
        FleetKiosk k;
        const int town = 101 + i / 20, number = 1 + i % 20;
        k.township = "230523" + std::to_string(town);
        char id[32];
        std::snprintf(id, sizeof id, "%s-%02d", k.township.c_str(), number);
        k.id = id;
        k.source = "127.0.1." + std::to_string(1 + i);
        auto issued = must(county::pki::issue_kiosk(dir, k.id, k.township), "issue kiosk");
        must(server->store().put_kiosk({k.id, k.township, issued.fingerprint, issued.serial_hex, false, false}), "register");
        k.cert_dir = issued.dir;
        k.receipt = must(make_receipt_number(ReceiptType::application, town, number, clock.today(), 1), "receipt").text;
        k.bodies = make_bodies(k, i, batches, per_batch, clock);
        fleet.push_back(std::move(k));
    }
    std::printf("  prepared %d kiosks x %d batches of %d events in %.1f s\n", kiosks, batches, per_batch, ms_since(prep0) / 1000);

    std::atomic<bool> done{false};
    // Attackers from one address: idle TCP connections and TLS connections trickling a byte every 2 s.
    std::atomic<int> idle_opened{0}, slow_opened{0};
    std::thread idle_thread([&] {
        std::vector<int> fds(static_cast<std::size_t>(idle_count), -1);
        while (!done) {
            for (auto& fd : fds)
                if (fd < 0 || peer_closed(fd)) {
                    if (fd >= 0) ::close(fd);
                    fd = tcp_connect(port, "127.0.0.2");
                    ++idle_opened;
                }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        for (int fd : fds)
            if (fd >= 0) ::close(fd);
    });
    std::thread slow_thread([&] {
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        struct Slow {
            int fd = -1;
            SSL* ssl = nullptr;
        };
        std::vector<Slow> conns(static_cast<std::size_t>(slow_count));
        const std::string line = "GET /api/v1/health HTTP/1.1\r\nHost: county\r\nX-Slow: " + std::string(4096, 'z');
        std::size_t pos = 0;
        while (!done) {
            for (auto& c : conns) {
                if (c.ssl && SSL_write(c.ssl, &line[pos % line.size()], 1) == 1) continue;
                if (c.ssl) SSL_free(c.ssl);
                if (c.fd >= 0) ::close(c.fd);
                c.fd = tcp_connect(port, "127.0.0.2");
                c.ssl = SSL_new(ctx);
                SSL_set_fd(c.ssl, c.fd);
                timeval tv{2, 0};
                ::setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                if (SSL_connect(c.ssl) != 1) {
                    SSL_free(c.ssl);
                    c.ssl = nullptr;
                }
                ++slow_opened;
            }
            ++pos;
            for (int i = 0; i < 20 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        for (auto& c : conns) {
            if (c.ssl) SSL_free(c.ssl);
            if (c.fd >= 0) ::close(c.fd);
        }
        SSL_CTX_free(ctx);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the attackers are in place first

    // The prober: /api/v1/health every 10 ms from its own address, on a kept-alive connection.
    std::vector<double> health_ms;
    std::atomic<int> health_failed{0};
    std::thread prober([&] {
        CURL* h = curl_easy_init();
        std::string sink;
        const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/api/v1/health";
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        curl_easy_setopt(h, CURLOPT_CAINFO, (dir + "/ca.crt").c_str());
        curl_easy_setopt(h, CURLOPT_INTERFACE, "host!127.0.0.4");
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t s, std::size_t n, void*) { return s * n; });
        while (!done) {
            const auto t0 = Steady::now();
            long status = 0;
            const CURLcode rc = curl_easy_perform(h);
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            if (rc != CURLE_OK || status != 200) ++health_failed;
            else health_ms.push_back(ms_since(t0));
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        curl_easy_cleanup(h);
    });

    // The kiosks: push every batch, with a status query of their own case after each.
    std::atomic<int> pushes{0}, queries{0}, failed{0};
    std::mutex err_mu;
    std::string first_error;
    const auto t0 = Steady::now();
    std::vector<std::thread> threads;
    for (auto& k : fleet)
        threads.emplace_back([&, kp = &k] {
            std::string sink;
            curl_slist* headers = nullptr;
            CURL* h = kiosk_handle(*kp, sink, headers);
            const std::string push_url = "https://127.0.0.1:" + std::to_string(port) + proto::kPushPath;
            const std::string status_url = "https://127.0.0.1:" + std::to_string(port) + proto::kStatusPrefix + kp->receipt +
                                           "?id_last4=0012";
            auto note = [&](const char* what, CURLcode rc, long status) {
                ++failed;
                std::lock_guard lock(err_mu);
                if (first_error.empty())
                    first_error = std::string(what) + ": curl " + curl_easy_strerror(rc) + " HTTP " + std::to_string(status) +
                                  " " + sink.substr(0, 200);
            };
            for (auto& body : kp->bodies) {
                sink.clear();
                curl_easy_setopt(h, CURLOPT_URL, push_url.c_str());
                curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
                long status = 0;
                CURLcode rc = curl_easy_perform(h);
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
                if (rc != CURLE_OK || status != 200 || sink.find("\"rejections\":[]") == std::string::npos)
                    note("push", rc, status);
                ++pushes;
                sink.clear();
                curl_easy_setopt(h, CURLOPT_URL, status_url.c_str());
                curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
                rc = curl_easy_perform(h);
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
                if (rc != CURLE_OK || status != 200) note("status", rc, status);
                ++queries;
            }
            curl_slist_free_all(headers);
            curl_easy_cleanup(h);
        });
    for (auto& t : threads) t.join();
    const double load_s = ms_since(t0) / 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    done = true;
    prober.join();
    idle_thread.join();
    slow_thread.join();

    std::int64_t stored = 0;
    for (auto& k : fleet) stored += server->store().checkpoint(k.id).first;
    const std::int64_t expected = static_cast<std::int64_t>(kiosks) * batches * per_batch;
    const double ingest_rate = static_cast<double>(stored) / load_s;
    const auto counters = server->counters();
    server->stop();

    std::printf("  %d kiosks: %d pushes + %d status queries in %.1f s; failed legitimate requests: %d%s%s\n", kiosks,
                pushes.load(), queries.load(), load_s, failed.load(), first_error.empty() ? "" : " — first: ",
                first_error.c_str());
    std::printf("  events stored %lld of %lld; ingest under attack %.0f events/s\n", static_cast<long long>(stored),
                static_cast<long long>(expected), ingest_rate);
    std::printf("  /api/v1/health: %zu probes, p50 %.1f ms, p99 %.1f ms, max %.1f ms, failed %d  (budget p99 <= 100 ms)\n",
                health_ms.size(), percentile(health_ms, 0.5), percentile(health_ms, 0.99),
                health_ms.empty() ? 0.0 : *std::max_element(health_ms.begin(), health_ms.end()), health_failed.load());
    std::printf("  attackers from 127.0.0.2: %d idle TCP held (%d opened in all), %d trickling TLS held (%d opened)\n",
                idle_count, idle_opened.load(), slow_count, slow_opened.load());
    std::printf("  server: %lld connections accepted, %lld cut at a deadline, %lld closed by the per-address cap, "
                "%lld by the total cap, %lld refused busy\n",
                static_cast<long long>(counters.accepted), static_cast<long long>(counters.closed_deadline),
                static_cast<long long>(counters.closed_peer_cap), static_cast<long long>(counters.closed_total_cap),
                static_cast<long long>(counters.refused_busy));

    // The same rows straight into SQLite: same schema, durability and batch size — the ceiling for comparison.
    {
        const std::string envelope(420, 'e');  // about the size of a canonical quiz event
        const std::size_t rows = static_cast<std::size_t>(kiosks) * static_cast<std::size_t>(batches * per_batch);
        const double raw_rate = bench::raw_sqlite_rows_per_second(tmp + "/raw.db", rows, per_batch,
                                                                   [&](std::size_t) { return envelope; });
        std::printf("  raw SQLite insert of %zu rows (%d per transaction, WAL, synchronous=FULL): %.0f rows/s; "
                    "ingest/raw = %.2f\n",
                    rows, per_batch, raw_rate, ingest_rate / raw_rate);
    }

    // One guess at a staff PIN hash, with the parameters users add stores (they travel to kiosks).
    {
        auto hash = must(secrets::hash_pin("482615", secrets::kPinScryptN), "hash");
        const auto g0 = Steady::now();
        const int guesses = tiny ? 1 : 3;
        for (int i = 0; i < guesses; ++i) (void)secrets::verify_pin("000000", hash);
        const double guess_s = ms_since(g0) / 1000 / guesses;
        std::printf("  staff PIN hash (scrypt N=2^17, r=8, p=1): %.2f s per guess; all 10^6 six-digit PINs = %.1f CPU-days "
                    "(budget >= 0.25 s, >= 3 CPU-days)\n",
                    guess_s, guess_s * 1e6 / 86400);
    }
    std::filesystem::remove_all(tmp);
    const bool lost = stored != expected || failed > 0 || health_failed > 0;
    if (lost) std::fprintf(stderr, "county_load_bench: legitimate work failed or was lost\n");
    return lost ? 1 : 0;
}
