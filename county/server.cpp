// server.cpp — TLS setup, the routes, the per-request kiosk and staff checks, early refusals before a body is read,
// security headers on every answer, the access log, and the identical answer for every failed status query.
#include "county/server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "county/http_answers.hpp"
#include "county/pki.hpp"
#include "county/users.hpp"
#include "county/web_app.hpp"
#include "policy/receipt_number.hpp"
#include "sync/chain_signature.hpp"

namespace yimen::county {

using nlohmann::json;
namespace proto = yimen::sync::protocol;
using namespace answers;

namespace {

// TLS 1.2 with forward secrecy and AEAD only (no CBC); TLS 1.3's suites are all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool is_kiosk_path(const std::string& path) {
    return starts_with(path, "/api/v1/sync/") || starts_with(path, proto::kStatusPrefix);
}

// "/api/v1/cases/*/stages" against a path: '*' matches one non-empty segment.
bool match(std::string_view pattern, std::string_view path, std::vector<std::string>& out) {
    out.clear();
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty()) return false;
        const auto pslash = pattern.find('/', 1), qslash = path.find('/', 1);
        const std::string_view pseg = pattern.substr(0, pslash), qseg = path.substr(0, qslash);
        if (pseg == "/*") {
            if (qseg.size() < 2) return false;
            out.emplace_back(qseg.substr(1));
        } else if (pseg != qseg) {
            return false;
        }
        pattern = pslash == std::string_view::npos ? std::string_view() : pattern.substr(pslash);
        path = qslash == std::string_view::npos ? std::string_view() : path.substr(qslash);
    }
    return true;
}

// Media types compare without case and without parameters ("Application/GZIP; x=y" is application/gzip).
std::string media_type(const std::string& content_type) {
    std::string t = content_type.substr(0, content_type.find(';'));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(t.begin());
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (n == 9) return false;
        for (std::size_t k = 1; k <= n; ++k)
            if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

// Midnight at the start of a civil date in the county (+08:00), as UTC milliseconds.
UtcMillis county_midnight_ms(CivilDate d) {
    auto t = parse_rfc3339(d.iso() + "T00:00:00.000Z");
    return (t ? *t : 0) - 8LL * 3600 * 1000;
}

}  // namespace

struct CountyServer::Impl {
    std::unique_ptr<Ingestor> ingestor;
    std::unique_ptr<Casework> casework;
    std::unique_ptr<web::WebApp> web;   // the back office: every path outside /api/
    std::unique_ptr<http::Server> http;
    std::mutex log_mu;
    std::FILE* access_log = nullptr;
    bool own_log = false;
    std::atomic<UtcMillis> last_prune{0};
    // The alert rules on a timer: a thread that sleeps on a condition variable so that stop() wakes it at once.
    std::thread alert_thread;
    std::mutex alert_mu;
    std::condition_variable alert_cv;
    bool alert_stop = false;
    std::mutex stop_mu;
    std::atomic<std::int64_t> alert_runs{0};
    ~Impl() {
        if (own_log && access_log) std::fclose(access_log);
    }
};

Result<std::unique_ptr<CountyServer>> CountyServer::create(const ServerConfig& cfg, PolicyData policy, const Clock& clock) {
    std::unique_ptr<CountyServer> s(new CountyServer());
    s->cfg_ = cfg;
    s->policy_ = std::make_unique<PolicyData>(std::move(policy));
    s->clock_ = &clock;
    s->impl_ = std::make_unique<Impl>();
    auto store = open_county_store(cfg.dir, cfg.store_url, cfg.store_pool_size);
    if (!store) return store.error();
    s->store_ = std::move(store).value();

    auto earliest = CivilDate::parse(cfg.earliest_event_date);
    if (!earliest) return Error{"bad_config", "[limits] earliest_event_date 须为 YYYY-MM-DD：" + cfg.earliest_event_date};
    IngestConfig ic;
    ic.clock_skew_limit_ms = cfg.clock_skew_limit_ms;
    ic.earliest_event_ms = county_midnight_ms(*earliest);
    ic.follow_up_max_level = 0;
    for (int level = 1; level <= 5; ++level)
        if (s->policy_->rating.is_low(level)) ic.follow_up_max_level = level;
    // Without its sealing keys the county still serves: schema-2 events are then stored sealed and answered with
    // unknown_sealing_key: the sealed event stays in the store (nothing is lost) and the kiosk quarantines it.
    const std::string key_dir = cfg.sealing_key_dir.empty() ? pki::default_sealing_key_dir(cfg.dir) : cfg.sealing_key_dir;
    if (auto ring = seal::load_key_ring(key_dir)) {
        ic.sealing_keys = std::move(ring).value();
    } else {
        std::fprintf(stderr, "county-server: no sealing keys in %s (%s): sealed kiosk records cannot be opened\n",
                     key_dir.c_str(), ring.error().code.c_str());
    }
    s->impl_->ingestor = std::make_unique<Ingestor>(*s->store_, s->policy_->rules, s->policy_->calendar, ic);
    s->impl_->casework = std::make_unique<Casework>(*s->store_, s->policy_->rules, s->policy_->calendar, clock, *earliest);
    s->impl_->web = std::make_unique<web::WebApp>(*s->store_, *s->policy_, s->cfg_.stats, clock, *s->impl_->casework,
                                                  cfg.session_idle_ms);

    if (cfg.access_log.empty() || cfg.access_log == "-") {
        s->impl_->access_log = stderr;
    } else {
        s->impl_->access_log = std::fopen(cfg.access_log.c_str(), "ae");
        if (!s->impl_->access_log) return Error{"bad_config", "无法写入访问日志：" + cfg.access_log};
        s->impl_->own_log = true;
    }

    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return Error{"tls_setup", "无法创建 TLS 环境。"};
    const std::string dir = cfg.dir;
    const bool tls_ok =
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 && SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) == 1 &&
        SSL_CTX_use_certificate_chain_file(ctx, (dir + "/server.crt").c_str()) == 1 &&
        SSL_CTX_use_PrivateKey_file(ctx, (dir + "/server.key").c_str(), SSL_FILETYPE_PEM) == 1 &&
        SSL_CTX_check_private_key(ctx) == 1 && SSL_CTX_load_verify_locations(ctx, (dir + "/ca.crt").c_str(), nullptr) == 1;
    if (!tls_ok) {
        SSL_CTX_free(ctx);
        ERR_clear_error();
        return Error{"tls_setup", "无法加载服务器证书：请先运行 county-server pki init --dir " + dir};
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    static const unsigned char sid[] = "yimen-county";
    SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1);
    // Request a client certificate, never fail the handshake over it: browsers reach the staff pages on the same
    // port, and a kiosk with a foreign or expired certificate gets a 403 that says why instead of a TLS alert.
    // The verification result is kept and checked per request (http_core fingerprints only verified certificates).
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file((dir + "/ca.crt").c_str()))
        SSL_CTX_set_client_CA_list(ctx, names);

    http::Limits limits = cfg.limits;
    limits.worker_threads = cfg.threads;
    limits.max_body_bytes = std::max(cfg.max_push_bytes, cfg.max_staff_body_bytes);
    CountyServer* self = s.get();
    http::Hooks hooks;
    hooks.handle = [self](http::Request& r) { return self->route(r); };
    hooks.is_inline = [](const http::Request& r) { return r.path == "/api/v1/health"; };
    hooks.before_body = [self](const http::Request& r, std::size_t& limit) { return self->before_body(r, limit); };
    // The back office sets its own policy (its pages load their style sheet); every other answer gets the strictest.
    hooks.finish = [](http::Response& r) {
        auto fill = [&](const char* name, const char* value) {
            if (!r.headers.has(name)) r.headers.set(name, value);
        };
        r.headers.set("Strict-Transport-Security", "max-age=31536000");
        r.headers.set("X-Content-Type-Options", "nosniff");
        fill("Cache-Control", "no-store");
        r.headers.set("X-Frame-Options", "DENY");
        fill("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        r.headers.set("Referrer-Policy", "no-referrer");
    };
    hooks.access_log = [self](const http::AccessLogEntry& e) { self->log_access(e); };
    s->impl_->http = std::make_unique<http::Server>(ctx, limits, std::move(hooks));
    SSL_CTX_free(ctx);
    return s;
}

// The HTTP server (and its workers, which use the store and the log) is stopped and gone before the store goes.
CountyServer::~CountyServer() {
    stop();
    if (impl_) impl_->http.reset();
}

Result<int> CountyServer::start() {
    auto p = impl_->http->start(cfg_.host, cfg_.port);
    if (!p) return p.error();
    port_ = *p;
    const std::int64_t every_ms = cfg_.alert_interval_ms >= 0 ? cfg_.alert_interval_ms
                                                                : std::int64_t{cfg_.stats.alert_interval_minutes} * 60'000;
    if (every_ms > 0)
        impl_->alert_thread = std::thread([this, every_ms] {
            std::unique_lock lock(impl_->alert_mu);
            while (!impl_->alert_cv.wait_for(lock, std::chrono::milliseconds(every_ms), [&] { return impl_->alert_stop; })) {
                lock.unlock();
                // The same rules as POST /api/v1/alerts/evaluate; a condition that still holds only counts a repeat.
                Figures figures(*store_, *policy_, cfg_.stats, clock_->today());
                if (auto n = figures.evaluate_alerts(clock_->now_utc_ms()); !n)
                    std::fprintf(stderr, "county-server: alert rules failed: %s\n", n.error().message.c_str());
                ++impl_->alert_runs;
                lock.lock();
            }
        });
    return port_;
}

std::int64_t CountyServer::alert_runs() const { return impl_->alert_runs.load(); }

void CountyServer::serve_blocking_after_start() { impl_->http->wait(); }

void CountyServer::stop() {
    if (!impl_) return;
    {
        std::lock_guard lock(impl_->alert_mu);
        impl_->alert_stop = true;
    }
    impl_->alert_cv.notify_all();
    {
        std::lock_guard once(impl_->stop_mu);  // two stop() calls must not join the same thread
        if (impl_->alert_thread.joinable() && impl_->alert_thread.get_id() != std::this_thread::get_id())
            impl_->alert_thread.join();
    }
    if (impl_->http) impl_->http->stop();
}

http::Server::Counters CountyServer::counters() const { return impl_->http->counters(); }

void CountyServer::log_access(const http::AccessLogEntry& e) {
    // No personal data: the route pattern, never the path (a path may carry a receipt number), and no query.
    char line[512];
    std::snprintf(line, sizeof line, "access method=%.16s route=%s status=%d bytes=%zu ms=%.1f who=%s peer=%s\n",
                  e.method.c_str(), e.route.empty() ? "-" : e.route.c_str(), e.status, e.bytes, e.ms,
                  e.principal.empty() ? "-" : e.principal.c_str(), e.peer.c_str());
    std::lock_guard lock(impl_->log_mu);
    std::fputs(line, impl_->access_log);
    std::fflush(impl_->access_log);
}

std::optional<KioskRecord> CountyServer::kiosk_of(const http::Request& req) {
    if (req.client_fingerprint.empty()) return std::nullopt;
    auto k = store_->kiosk_by_fingerprint(req.client_fingerprint);
    if (!k || k->revoked) return std::nullopt;
    return k;
}

std::optional<User> CountyServer::user_of(const http::Request& req) {
    const std::string auth = req.headers.get("Authorization");
    const auto space = auth.find(' ');
    if (space == std::string::npos) return std::nullopt;
    std::string scheme = auth.substr(0, space);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "bearer") return std::nullopt;  // auth schemes are case-insensitive (RFC 9110 §11.1)
    std::string token = auth.substr(space + 1);
    while (!token.empty() && token.front() == ' ') token.erase(token.begin());
    return authenticate(*store_, token, clock_->now_utc_ms());
}

std::optional<http::Response> CountyServer::before_body(const http::Request& req, std::size_t& limit) {
    limit = cfg_.max_staff_body_bytes;
    if (!valid_utf8(req.path)) {
        auto r = error_response(400, "bad_request", "请求路径不是有效的 UTF-8。");
        r.route = "(invalid)";
        return r;
    }
    if (is_kiosk_path(req.path) && req.client_fingerprint.empty()) {
        auto r = error_response(403, "kiosk_certificate_required", "需要县 CA 签发、已登记且未吊销的终端证书。");
        r.route = "(kiosk)";
        return r;
    }
    if (req.method == "POST" && req.path == proto::kPushPath) {
        limit = cfg_.max_push_bytes;
        http::Response r;
        // Refused before the body is read: a Content-Encoding would ask us to inflate without our cap.
        if (!req.headers.has("Content-Length"))
            r = error_response(411, "length_required", "上传须带 Content-Length，不接受分块传输。");
        else if (media_type(req.headers.get("Content-Type")) != "application/gzip")
            r = error_response(415, "unsupported_media_type", "上传内容须为 application/gzip。");
        else if (req.headers.has("Content-Encoding"))
            r = error_response(415, "unsupported_encoding", "上传内容须为 application/gzip，不使用 Content-Encoding。");
        else
            return std::nullopt;
        r.route = proto::kPushPath;
        return r;
    }
    return std::nullopt;
}

http::Response CountyServer::route(http::Request& req) {
    http::Response res;
    std::string route;
    try {
        res = dispatch(req, route);
    } catch (const json::exception&) {
        // A field of the wrong type reached a typed accessor: the request is at fault, not the server.
        res = error_response(400, "bad_request", "请求内容的字段类型不正确，请对照 county/API.md 检查。");
    }
    if (res.route.empty()) res.route = route;
    return res;
}

http::Response CountyServer::dispatch(http::Request& req, std::string& route) {
    const std::string& path = req.path;
    const std::string& method = req.method;
    auto allow = [&](const char* m) { return method == m; };
    auto wrong_method = [&](const char* allowed) {
        auto r = error_response(405, "method_not_allowed", std::string("这个地址只接受 ") + allowed + " 请求。");
        r.headers.set("Allow", allowed);
        return r;
    };

    if (path == "/api/v1/health") {
        route = path;
        if (!allow("GET")) return wrong_method("GET");
        return json_response(200, {{"ok", true}, {"service", "yimen-county"}});
    }

    // Kiosk routes: a verified, registered, unrevoked client certificate.
    if (is_kiosk_path(path)) {
        auto kiosk = kiosk_of(req);
        if (!kiosk) {
            route = "(kiosk)";
            return error_response(403, "kiosk_certificate_required", "需要县 CA 签发、已登记且未吊销的终端证书。");
        }
        auto tag = [&](http::Response r) {
            r.principal = "kiosk:" + kiosk->kiosk_id;
            return r;
        };
        if (path == proto::kPushPath) {
            route = path;
            if (!allow("POST")) return tag(wrong_method("POST"));
            return tag(handle_push(*kiosk, req));
        }
        if (path == proto::kPullPath) {
            route = path;
            if (!allow("GET")) return tag(wrong_method("GET"));
            return tag(handle_pull(*kiosk, req));
        }
        if (match("/api/v1/status/*", path, req.matches)) {
            route = "/api/v1/status/{receipt}";
            if (!allow("GET")) return tag(wrong_method("GET"));
            return tag(handle_status(*kiosk, req));
        }
        route = "(unknown)";
        return tag(error_response(404, "not_found", "没有这个接口：请对照 sync/PROTOCOL.md 检查地址。"));
    }

    // Staff routes: a valid, unexpired token of an active user.
    if (starts_with(path, "/api/v1/")) {
        enum Kind { stages, case_view, events, alerts, renew, audit, supervision, none } kind = none;
        if (match("/api/v1/cases/*/stages", path, req.matches)) route = "/api/v1/cases/{receipt}/stages", kind = stages;
        else if (match("/api/v1/cases/*", path, req.matches)) route = "/api/v1/cases/{receipt}", kind = case_view;
        else if (path == "/api/v1/stats/events") route = path, kind = events;
        else if (path == "/api/v1/alerts") route = path, kind = alerts;
        else if (path == "/api/v1/auth/renew") route = path, kind = renew;
        else if (path == "/api/v1/audit") route = path, kind = audit;
        else if (match("/api/v1/stats/*", path, req.matches)) route = "/api/v1/stats/{figure}", kind = supervision;
        else if (path == "/api/v1/follow-ups") route = path, kind = supervision;
        else if (match("/api/v1/follow-ups/*", path, req.matches)) route = "/api/v1/follow-ups/{id}", kind = supervision;
        else if (match("/api/v1/follow-ups/*/state", path, req.matches))
            route = "/api/v1/follow-ups/{id}/state", kind = supervision;
        else if (path == "/api/v1/complaints") route = path, kind = supervision;
        else if (match("/api/v1/complaints/*", path, req.matches)) route = "/api/v1/complaints/{receipt}", kind = supervision;
        else if (match("/api/v1/complaints/*/state", path, req.matches))
            route = "/api/v1/complaints/{receipt}/state", kind = supervision;
        else if (path == "/api/v1/alerts/evaluate") route = path, kind = supervision;
        else if (match("/api/v1/alerts/*", path, req.matches)) route = "/api/v1/alerts/{id}", kind = supervision;
        else if (match("/api/v1/alerts/*/state", path, req.matches)) route = "/api/v1/alerts/{id}/state", kind = supervision;
        else if (path == "/api/v1/samples/draw") route = path, kind = supervision;
        else if (path == "/api/v1/samples/visits") route = path, kind = supervision;
        else if (match("/api/v1/samples/*/*/finding", path, req.matches))
            route = "/api/v1/samples/{month}/{receipt}/finding", kind = supervision;
        if (kind == none) {
            route = "(unknown)";
            return error_response(404, "not_found", "没有这个接口：请对照 county/API.md 检查地址。");
        }
        auto user = user_of(req);
        if (!user) {
            auto r = error_response(401, "unauthorised", "请使用有效且未过期的 API 令牌（Authorization: Bearer …）。");
            r.headers.set("WWW-Authenticate", "Bearer realm=\"yimen\"");
            return r;
        }
        http::Response r;
        switch (kind) {
            case stages: r = allow("POST") ? handle_stage(*user, req) : wrong_method("POST"); break;
            case case_view: r = allow("GET") ? handle_case(*user, req) : wrong_method("GET"); break;
            case events: r = allow("GET") ? handle_events(*user, req) : wrong_method("GET"); break;
            case alerts: r = allow("GET") ? handle_alerts(*user, req) : wrong_method("GET"); break;
            case renew: r = allow("POST") ? handle_renew(*user) : wrong_method("POST"); break;
            case audit: r = allow("GET") ? handle_audit(*user, req) : wrong_method("GET"); break;
            case supervision: {
                const bool post = route.ends_with("/state") || route.ends_with("/finding") || route.ends_with("/evaluate") ||
                                  route.ends_with("/draw") || route.ends_with("/visits");
                r = allow(post ? "POST" : "GET") ? handle_supervision(*user, req, route) : wrong_method(post ? "POST" : "GET");
                break;
            }
            case none: break;
        }
        r.principal = "user:" + user->user_id;
        return r;
    }
    if (path == "/api" || starts_with(path, "/api/")) {
        route = "(unknown)";
        return error_response(404, "not_found", "没有这个接口：请对照 county/API.md 检查地址。");
    }
    return impl_->web->handle(req, route);
}

http::Response CountyServer::handle_push(const KioskRecord& kiosk, const http::Request& req) {
    auto body = proto::gzip_decompress(req.body, cfg_.max_inflated_bytes);
    if (!body) return from_error(body.error());
    auto j = proto::parse_json_bounded(*body, cfg_.max_json_depth);
    if (!j) return from_error(j.error());
    auto push = proto::push_request_from_json(*j);
    if (!push) return from_error(push.error());
    std::optional<VerifiedHeadSignature> head;
    if (auto refused = check_head_signature(kiosk, req, *push, head)) return *refused;
    if (cfg_.push_hooks.before_ingest) cfg_.push_hooks.before_ingest();
    auto out = impl_->ingestor->push(kiosk, *push, clock_->now_utc_ms(), proto::push_fleet_facts_from_json(*j), head);
    if (!out) return from_error(out.error());
    if (cfg_.push_hooks.after_commit) cfg_.push_hooks.after_commit(impl_->ingestor->committed_events());
    return json_response(200, proto::to_json(*out));
}

std::optional<http::Response> CountyServer::check_head_signature(const KioskRecord& kiosk, const http::Request& req,
                                                                const proto::PushRequest& push,
                                                                std::optional<VerifiedHeadSignature>& head) {
    namespace sig = yimen::sync::chain_signature;
    // A batch naming another kiosk is refused by the ingestor (wrong_kiosk) whatever it carries.
    if (push.events.empty() || push.kiosk_id != kiosk.kiosk_id) return std::nullopt;
    if (!push.signature) {
        if (!cfg_.require_signature) return std::nullopt;
        return error_response(403, "signature_required",
                              "县服务器要求每次上传都带终端签名，本次上传没有签名，未保存任何记录。请升级终端程序后再上传。");
    }
    const auto& s = *push.signature;
    auto refuse = [](const std::string& why) {
        return error_response(403, "bad_signature", "终端签名核对不通过（" + why + "），本批记录一条也没有保存。请联系县民政局信息科。");
    };
    if (s.alg != sig::kAlgorithm) return refuse("不支持的签名算法 " + s.alg);
    // The signed head must be this batch's last event, so the signature speaks for everything the batch brings.
    const json last = json::parse(push.events.back(), nullptr, false);
    if (!last.is_object() || !last.contains("seq") || !last["seq"].is_number_integer() || !last.contains("hash") ||
        !last["hash"].is_string() || last["seq"].get<std::int64_t>() != s.seq || last["hash"].get<std::string>() != s.hash)
        return refuse("签名的序号和哈希不是本批最后一条记录的");
    if (req.client_certificate_pem.empty()) return refuse("没有收到终端证书");
    if (!sig::verify_with_certificate(req.client_certificate_pem, sig::make_statement(kiosk.kiosk_id, s.seq, s.hash), s.value))
        return refuse("签名不是用本终端证书的私钥做的，或内容被改动过");
    head = VerifiedHeadSignature{s, req.client_certificate_pem};
    return std::nullopt;
}

http::Response CountyServer::handle_pull(const KioskRecord& kiosk, const http::Request& req) {
    bool ok = true;
    const std::int64_t cursor = int_param(req, "cursor", 0, 0, INT64_MAX / 2, ok);
    if (!ok) return error_response(400, "bad_request", "cursor 须为不小于 0 的整数（上次回答里的 cursor）。");
    proto::PullResponse out;
    auto changes = store_->changes_after(kiosk.township, cursor, proto::kMaxChangesPerPull + 1);
    out.more = changes.size() > static_cast<std::size_t>(proto::kMaxChangesPerPull);
    if (out.more) changes.pop_back();
    for (auto& c : changes) out.changes.push_back({c.id, c.kind, c.key, c.body});
    out.cursor = changes.empty() ? cursor : changes.back().id;
    auto [seq, hash] = store_->checkpoint(kiosk.kiosk_id);
    out.checkpoint = seq;
    out.checkpoint_hash = hash;
    auto [day, high] = store_->receipt_high_water(kiosk.kiosk_id);
    out.receipt_day = day;
    out.receipt_high_water = high;
    out.server_time = format_rfc3339(clock_->now_utc_ms());
    return json_response(200, proto::to_json(out));
}

http::Response CountyServer::handle_status(const KioskRecord& kiosk, const http::Request& req) {
    // Unknown, malformed, another township's, wrong digits and rate-limited all get this same answer.
    const http::Response not_found =
        error_response(404, "not_found", "没有找到这个回执编号，或身份证后四位不符。请核对后再试，或向工作人员咨询。");
    const UtcMillis now = clock_->now_utc_ms();
    const UtcMillis hour_ago = now - 3'600'000;
    if (now - impl_->last_prune.load() > 600'000) {
        impl_->last_prune = now;
        (void)store_->prune_failures(hour_ago);
    }
    const std::string receipt = req.matches.at(0);
    std::string last4 = req.param("id_last4");
    for (auto& c : last4)
        if (c == 'x') c = 'X';
    // The lock-out is per (receipt, township): kiosks elsewhere cannot lock a resident out of her own query.
    const std::string rkey = "status:" + receipt + ":" + kiosk.township, kkey = "status:kiosk:" + kiosk.kiosk_id;
    auto fail = [&] {
        (void)store_->add_failure(rkey, now);
        (void)store_->add_failure(kkey, now);
        return not_found;
    };
    if (receipt.size() > 32 || store_->failures_since(rkey, hour_ago) >= cfg_.status_failures_per_receipt ||
        store_->failures_since(kkey, hour_ago) >= cfg_.status_failures_per_kiosk)
        return fail();
    // A complaint receipt (type 3) answers with the complaint's state for its 4-digit query code (in query_code, or
    // in id_last4 where a kiosk asks every receipt the same way).
    if (auto rn = parse_receipt_number(receipt); rn && rn->type == ReceiptType::complaint) {
        json c = complaint_status(*store_, rn->text, req.has_param("query_code") ? req.param("query_code") : last4);
        if (c.is_null()) return fail();
        return json_response(200, c);
    }
    json rec = status_record(*store_, policy_->rules, policy_->calendar, receipt, clock_->today());
    if (rec.is_null() || last4.size() != 4 || rec["id_last4_tag"] != proto::id_last4_tag(receipt, last4)) return fail();
    rec.erase("id_last4_tag");
    return json_response(200, rec);
}

http::Response CountyServer::handle_stage(const User& user, const http::Request& req) {
    auto body = proto::parse_json_bounded(req.body, cfg_.max_json_depth);
    if (!body) return from_error(body.error());
    const std::string& receipt = req.matches.at(0);
    auto out = impl_->casework->record_stage(user, receipt, *body);
    if (!out) return from_error(out.error());
    log_audit(user, "stage.recorded", receipt, (*body)["stage"].get<std::string>());
    return json_response(200, *out);
}

http::Response CountyServer::handle_case(const User& user, const http::Request& req) {
    auto out = impl_->casework->view(user, req.matches.at(0));
    if (!out) return from_error(out.error());
    return json_response(200, *out);
}

http::Response CountyServer::handle_events(const User& user, const http::Request& req) {
    std::int64_t after = 0, limit = 0;
    if (auto refused = paging(req, after, limit)) return *refused;
    const std::string township = user.role == "township-staff" ? user.township : "";
    json counts = json::object();
    for (auto& [type, n] : store_->event_counts_by_type(township)) counts[type] = n;
    auto page = store_->alerts(after, static_cast<int>(limit) + 1, township);
    const bool more = page.size() > static_cast<std::size_t>(limit);
    if (more) page.pop_back();
    json alerts = page;
    return json_response(200, {{"events_by_type", counts},
                               {"alerts", alerts},
                               {"next_after", page.empty() ? json(after) : page.back()["id"]},
                               {"more", more}});
}

http::Response CountyServer::handle_alerts(const User& user, const http::Request& req) {
    std::int64_t after = 0, limit = 0;
    if (auto refused = paging(req, after, limit)) return *refused;
    const std::string township = user.role == "township-staff" ? user.township : "";
    auto page = store_->alerts(after, static_cast<int>(limit) + 1, township);
    const bool more = page.size() > static_cast<std::size_t>(limit);
    if (more) page.pop_back();
    json items = page;
    return json_response(200, {{"items", items}, {"next_after", page.empty() ? json(after) : page.back()["id"]}, {"more", more}});
}

http::Response CountyServer::handle_renew(const User& user) {
    Actor by{user.user_id, clock_->now_utc_ms(), cfg_.token_ttl_ms};
    auto until = renew_token(*store_, user, by);
    if (!until) return from_error(until.error());
    return json_response(200, {{"expires_at", format_rfc3339(*until)}});
}

http::Response CountyServer::handle_audit(const User& user, const http::Request& req) {
    if (user.role != "county-admin") return error_response(403, "forbidden", "只有县级管理员可以查看审计日志。");
    std::int64_t after = 0, limit = 0;
    if (auto refused = paging(req, after, limit)) return *refused;
    auto page = store_->audit_entries(after, static_cast<int>(limit) + 1);
    const bool more = page.size() > static_cast<std::size_t>(limit);
    if (more) page.pop_back();
    json items = json::array();
    for (auto& a : page)
        items.push_back({{"id", a.id}, {"at", format_rfc3339(a.at_ms)}, {"user_id", a.user_id}, {"action", a.action},
                         {"target", a.target}, {"detail", a.detail}});
    return json_response(200, {{"items", items}, {"next_after", page.empty() ? after : page.back().id}, {"more", more}});
}

void CountyServer::log_audit(const User& user, const std::string& action, const std::string& target,
                             const std::string& detail) {
    // The audit row itself was written in the same transaction as the action (casework.cpp, users.cpp).
    const UtcMillis now = clock_->now_utc_ms();
    std::lock_guard lock(impl_->log_mu);
    // The target (a receipt number) stays in the audit table; the log line says who did what, never to which case.
    (void)target;
    std::fprintf(impl_->access_log, "audit at=%s user=%s action=%s detail=%s\n", format_rfc3339(now).c_str(),
                 user.user_id.c_str(), action.c_str(), detail.c_str());
    std::fflush(impl_->access_log);
}

}  // namespace yimen::county
