// http_core.hpp — the county server's HTTPS core: accepting, TLS handshakes and request reads run on a small set of
// event-driven I/O threads with hard deadlines, and only complete requests reach the worker threads that answer them.
// A slow or idle client can hold a socket, never a worker. Boost.Asio/Beast stay inside http_core.cpp.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace yimen::county::http {

// Header names are compared without regard to case (RFC 9110 §5.1).
struct Headers {
    std::vector<std::pair<std::string, std::string>> items;
    const std::string* find(std::string_view name) const;
    std::string get(std::string_view name) const;
    bool has(std::string_view name) const { return find(name) != nullptr; }
    void set(std::string name, std::string value);
};

struct Request {
    std::string method;
    std::string target;                       // as sent: path and query
    std::string path;                         // percent-decoded path
    std::vector<std::pair<std::string, std::string>> query;  // decoded
    Headers headers;
    std::string body;
    std::string peer_address;
    // SHA-256 (lower hex, DER) of a client certificate that TLS verified against the county CA; empty otherwise.
    std::string client_fingerprint;
    std::string client_certificate_pem;      // that certificate itself, PEM (checks a kiosk's signatures)
    std::vector<std::string> matches;        // path parameters filled by the router
    std::string param(std::string_view name) const;   // first query value or ""
    bool has_param(std::string_view name) const;
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    // For the access log, filled by the router and handlers: the route pattern and who asked (never personal data).
    std::string route;
    std::string principal;
};

struct Limits {
    std::chrono::milliseconds handshake{10'000};   // TCP accept → TLS established, however the bytes trickle in
    std::chrono::milliseconds header{10'000};      // start of a request (incl. keep-alive wait) → headers complete
    std::chrono::milliseconds body{30'000};        // headers complete → body complete
    std::chrono::milliseconds write{30'000};
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 2u << 20;         // default; a route may ask for less (body_limit_for)
    int max_connections = 2048;                    // in total
    int max_connections_per_peer = 64;             // per remote address
    int max_queued_requests = 2048;                // waiting for a worker; beyond this the answer is 503
    int io_threads = 2;
    int worker_threads = 8;
    std::chrono::milliseconds drain{20'000};       // graceful stop: how long in-flight requests may take
};

struct AccessLogEntry {
    std::string method, route, principal, peer;
    int status = 0;
    std::size_t bytes = 0;
    double ms = 0;
};

struct Hooks {
    // Answers a complete request (on a worker thread unless is_inline says otherwise). Exceptions become 500.
    std::function<Response(Request&)> handle;
    // Cheap, store-free routes (health) are answered on the I/O thread and never queue behind the workers.
    std::function<bool(const Request&)> is_inline;
    // Called after the headers arrive, before the body is read: an early refusal (wrong media type, missing
    // certificate…) or nullopt to go on. Also decides the body limit for this route.
    std::function<std::optional<Response>(const Request&, std::size_t& body_limit)> before_body;
    // Headers every response carries (security headers).
    std::function<void(Response&)> finish;
    std::function<void(const AccessLogEntry&)> access_log;
};

class Server {
public:
    // ctx: a configured OpenSSL server context (certificates, verify mode); the server takes one reference.
    Server(SSL_CTX* ctx, Limits limits, Hooks hooks);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts the I/O and worker threads; returns the bound port (port 0 picks a free one).
    Result<int> start(const std::string& host, int port);
    // Graceful: stops accepting, closes connections that are not in a request, lets in-flight requests finish
    // (up to limits.drain), then stops the threads. Safe to call from any thread, more than once.
    void stop();
    // Blocks until stop() has finished.
    void wait();

    struct Counters {
        std::int64_t accepted = 0, open = 0, closed_deadline = 0, closed_peer_cap = 0, closed_total_cap = 0,
                     requests = 0, refused_busy = 0;
    };
    Counters counters() const;

    struct Impl;  // defined in http_core.cpp, shared with its connections

private:
    std::shared_ptr<Impl> impl_;
};

// "%E4%B8%80" → bytes; false on a malformed escape. '+' is kept (paths) unless plus_is_space (query strings).
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace yimen::county::http
