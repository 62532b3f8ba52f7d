// server.hpp — the county server: one HTTPS listener over the event-driven core (http_core.hpp), TLS 1.2 AEAD /
// TLS 1.3, client certificates requested but not required; the kiosk paths admit only a verified, registered,
// unrevoked certificate (looked up per request, so a revocation takes effect at once); staff use expiring tokens.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "county/casework.hpp"
#include "county/http_core.hpp"
#include "county/ingest.hpp"
#include "county/stats.hpp"
#include "county/store.hpp"
#include "policy/policy_data.hpp"

namespace yimen::county {

// Points in a kiosk push where a test harness may act (kill the process, stall the handler). The shipped server
// never sets them; they keep fault injection out of the product's code paths and environment.
struct PushHooks {
    std::function<void()> before_ingest;                      // batch parsed, nothing of it committed yet
    std::function<void(std::int64_t committed_events)> after_commit;  // the batch committed; the server's running total
};

struct ServerConfig {
    std::string dir;                 // PKI and store live here
    // [store] url: "" = the SQLite store D/county.db; postgresql://… = a PostgreSQL store (a city's back office, or
    // several servers on one database); sqlite:PATH = a SQLite store elsewhere. pool_size: PostgreSQL connections.
    std::string store_url;
    int store_pool_size = 8;
    std::string sealing_key_dir;     // [pki] sealing_key_dir; "" = D/sealing-keys (the private keys that open events)
    std::string host = "127.0.0.1";
    int port = 8443;                 // 0 = pick a free port (tests)
    int threads = 8;                 // workers that answer requests (the I/O threads are separate)
    http::Limits limits;             // deadlines, connection caps, body size
    std::size_t max_push_bytes = sync::protocol::kMaxPushBytes;
    std::size_t max_inflated_bytes = sync::protocol::kMaxInflatedBytes;
    std::size_t max_staff_body_bytes = 64 * 1024;
    int max_json_depth = sync::protocol::kMaxJsonDepth;
    std::int64_t clock_skew_limit_ms = 120'000;
    // [sync] require_signature: refuse a push with events but no chain-head signature (signature_required). Off by
    // default, so kiosks from before signatures (schema 1) still sync; `county-server verify` reports them unsigned.
    bool require_signature = false;
    std::string earliest_event_date = "2020-01-01";   // [limits] earliest_event_date
    std::int64_t token_ttl_ms = 12LL * 3600 * 1000;   // [auth] token_hours
    std::int64_t session_idle_ms = 30LL * 60 * 1000;  // [web] session_idle_minutes: a back-office session ends
    int status_failures_per_receipt = 5;   // per hour, per (receipt, township)
    int status_failures_per_kiosk = 30;    // per hour
    // Access log: "-" or "" = standard error (the journal on a real installation), otherwise a file appended to.
    std::string access_log = "-";
    PushHooks push_hooks;            // empty in production; tests/county/fault_server.cpp injects faults here
    // How often serve runs the alert rules; default stats.alert_interval_minutes (tests set milliseconds).
    std::int64_t alert_interval_ms = -1;
    StatsConfig stats;               // [stats]: the supervision figures (county/stats.hpp)
};

class CountyServer {
public:
    // Opens D/county.db and the PKI in D (ca.crt, server.crt, server.key).
    static Result<std::unique_ptr<CountyServer>> create(const ServerConfig& cfg, PolicyData policy, const Clock& clock);
    ~CountyServer();
    // Binds and serves on background threads; returns the bound port.
    Result<int> start();
    // After start(): waits until stop() has finished.
    void serve_blocking_after_start();
    // Graceful: in-flight requests finish and are answered, then the threads stop. Not from a signal handler.
    void stop();
    int port() const { return port_; }
    Store& store() { return *store_; }
    http::Server::Counters counters() const;
    // How many times the alert rules have run on their timer.
    std::int64_t alert_runs() const;

private:
    CountyServer() = default;
    http::Response route(http::Request& req);
    http::Response dispatch(http::Request& req, std::string& route);
    std::optional<http::Response> before_body(const http::Request& req, std::size_t& body_limit);
    std::optional<KioskRecord> kiosk_of(const http::Request& req);
    std::optional<User> user_of(const http::Request& req);
    http::Response handle_push(const KioskRecord& kiosk, const http::Request& req);
    // The push's chain-head signature checked against the certificate the kiosk presented: a refusal to answer, or
    // nullopt to go on with `head` filled when the push was signed.
    std::optional<http::Response> check_head_signature(const KioskRecord& kiosk, const http::Request& req,
                                                       const sync::protocol::PushRequest& push,
                                                       std::optional<VerifiedHeadSignature>& head);
    http::Response handle_pull(const KioskRecord& kiosk, const http::Request& req);
    http::Response handle_status(const KioskRecord& kiosk, const http::Request& req);
    http::Response handle_stage(const User& user, const http::Request& req);
    http::Response handle_case(const User& user, const http::Request& req);
    http::Response handle_events(const User& user, const http::Request& req);
    http::Response handle_alerts(const User& user, const http::Request& req);
    http::Response handle_renew(const User& user);
    http::Response handle_audit(const User& user, const http::Request& req);
    // The supervision figures and the follow-up, complaint, alert and spot-check lifecycles (county/API.md §Supervision).
    http::Response handle_supervision(const User& user, const http::Request& req, const std::string& route);
    void log_access(const http::AccessLogEntry& e);
    void log_audit(const User& user, const std::string& action, const std::string& target, const std::string& detail);

    struct Impl;
    std::unique_ptr<Impl> impl_;
    ServerConfig cfg_;
    std::unique_ptr<PolicyData> policy_;
    const Clock* clock_ = nullptr;
    std::unique_ptr<Store> store_;
    int port_ = 0;
};

}  // namespace yimen::county
