// server.hpp — the county server's HTTPS listener: one port, TLS 1.2+, client certificates requested but not
// required; a pre-routing check admits the kiosk paths only with a verified, registered, unrevoked certificate
// (looked up per request, so a revocation takes effect at once).
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "county/casework.hpp"
#include "county/ingest.hpp"
#include "county/store.hpp"
#include "policy/policy_data.hpp"

namespace yimen::county {

struct ServerConfig {
    std::string dir;                 // PKI and store live here
    std::string host = "127.0.0.1";
    int port = 8443;                 // 0 = pick a free port (tests)
    int threads = 8;
    std::size_t max_push_bytes = sync::protocol::kMaxPushBytes;
    std::size_t max_inflated_bytes = sync::protocol::kMaxInflatedBytes;
    std::int64_t clock_skew_limit_ms = 120'000;
    int status_failures_per_receipt = 5;   // per hour
    int status_failures_per_kiosk = 30;    // per hour
    // Fault injection for tests (also from the environment, see county-server): SIGKILL the process after this many
    // events have been committed in total, or inside the first push's transaction before it commits.
    std::int64_t kill_after_events = 0;
    bool kill_before_commit = false;
};

class CountyServer {
public:
    // Opens D/county.db and the PKI in D (ca.crt, server.crt, server.key).
    static Result<std::unique_ptr<CountyServer>> create(const ServerConfig& cfg, PolicyData policy, const Clock& clock);
    ~CountyServer();
    // Binds and serves on a background thread; returns the bound port.
    Result<int> start();
    // After start(): waits until stop() is called (from a signal handler or another thread).
    void serve_blocking_after_start();
    void stop();
    int port() const { return port_; }
    Store& store() { return *store_; }

private:
    CountyServer() = default;
    void install_routes();

    ServerConfig cfg_;
    std::unique_ptr<PolicyData> policy_;
    const Clock* clock_ = nullptr;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Ingestor> ingestor_;
    std::unique_ptr<Casework> casework_;
    struct Http;
    std::unique_ptr<Http> http_;
    std::thread thread_;
    int port_ = 0;
};

}  // namespace yimen::county
