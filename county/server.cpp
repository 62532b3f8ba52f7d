// server.cpp — routes, the per-request kiosk check, body limits, and the identical answer for every failed status query.
#include "county/server.hpp"

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>

#include "county/pki.hpp"
#include "county/users.hpp"

namespace yimen::county {

using nlohmann::json;
namespace proto = yimen::sync::protocol;

struct CountyServer::Http {
    std::unique_ptr<httplib::SSLServer> server;
};

namespace {

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
    send_json(res, status, {{"error", code}, {"message", message}});
}

int http_status_for(const std::string& code) {
    if (code == "forbidden" || code == proto::reason::wrong_kiosk) return 403;
    if (code == "unknown_case" || code == "not_found") return 404;
    if (code == "bad_request" || code == "bad_gzip") return 400;
    if (code == "too_large") return 413;
    if (code == "db_error" || code == "disk_full") return 503;
    return 422;
}

bool is_kiosk_path(const std::string& path) {
    return path.rfind("/api/v1/sync/", 0) == 0 || path.rfind(proto::kStatusPrefix, 0) == 0;
}

// The kiosk a request comes from: verified certificate → registered, unrevoked fingerprint.
std::optional<KioskRecord> kiosk_of(const httplib::Request& req, Store& store) {
    if (!req.ssl) return std::nullopt;
    if (SSL_get_verify_result(req.ssl) != X509_V_OK) return std::nullopt;
    X509* cert = SSL_get1_peer_certificate(req.ssl);
    if (!cert) return std::nullopt;
    const std::string fp = pki::fingerprint_sha256(cert);
    X509_free(cert);
    auto k = store.kiosk_by_fingerprint(fp);
    if (!k || k->revoked) return std::nullopt;
    return k;
}

std::optional<User> user_of(const httplib::Request& req, Store& store) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) != 0) return std::nullopt;
    return authenticate(store, auth.substr(7));
}

}  // namespace

Result<std::unique_ptr<CountyServer>> CountyServer::create(const ServerConfig& cfg, PolicyData policy, const Clock& clock) {
    std::unique_ptr<CountyServer> s(new CountyServer());
    s->cfg_ = cfg;
    s->policy_ = std::make_unique<PolicyData>(std::move(policy));
    s->clock_ = &clock;
    auto store = open_sqlite_store(cfg.dir + "/county.db");
    if (!store) return store.error();
    s->store_ = std::move(store).value();
    IngestConfig ic;
    ic.clock_skew_limit_ms = cfg.clock_skew_limit_ms;
    s->ingestor_ = std::make_unique<Ingestor>(*s->store_, s->policy_->rules, s->policy_->calendar, ic);
    s->casework_ = std::make_unique<Casework>(*s->store_, s->policy_->rules, s->policy_->calendar, clock);
    s->http_ = std::make_unique<Http>();
    const std::string dir = cfg.dir;
    bool tls_ok = true;
    s->http_->server = std::make_unique<httplib::SSLServer>([dir, &tls_ok](SSL_CTX& ctx) {
        SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
        tls_ok = SSL_CTX_use_certificate_chain_file(&ctx, (dir + "/server.crt").c_str()) == 1 &&
                 SSL_CTX_use_PrivateKey_file(&ctx, (dir + "/server.key").c_str(), SSL_FILETYPE_PEM) == 1 &&
                 SSL_CTX_check_private_key(&ctx) == 1 &&
                 SSL_CTX_load_verify_locations(&ctx, (dir + "/ca.crt").c_str(), nullptr) == 1;
        // Request a client certificate, do not require one: browsers reach the staff pages on the same port.
        SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file((dir + "/ca.crt").c_str());
        if (names) SSL_CTX_set_client_CA_list(&ctx, names);
        return tls_ok;
    });
    if (!tls_ok || !s->http_->server->is_valid())
        return Error{"tls_setup", "无法加载服务器证书：请先运行 county-server pki init --dir " + dir};
    s->install_routes();
    return s;
}

CountyServer::~CountyServer() {
    stop();
    if (thread_.joinable()) thread_.join();
}

void CountyServer::install_routes() {
    auto& svr = *http_->server;
    const int threads = cfg_.threads;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    svr.set_tcp_nodelay(true);
    svr.set_payload_max_length(cfg_.max_push_bytes);
    svr.set_read_timeout(10, 0);
    svr.set_write_timeout(10, 0);

    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (is_kiosk_path(req.path) && !kiosk_of(req, *store_)) {
            send_error(res, 403, "kiosk_certificate_required", "需要已登记且未吊销的终端证书。");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method == "POST" && req.path == proto::kPushPath) {
            // Refused before the body is read: chunked or length-less bodies have no size bound, and a
            // Content-Encoding would make the HTTP library inflate without our cap.
            if (req.has_header("Transfer-Encoding") || !req.has_header("Content-Length")) {
                send_error(res, 411, "length_required", "上传须带 Content-Length，不接受分块传输。");
                return httplib::Server::HandlerResponse::Handled;
            }
            if (req.get_header_value("Content-Type") != "application/gzip") {
                send_error(res, 415, "unsupported_media_type", "上传内容须为 application/gzip。");
                return httplib::Server::HandlerResponse::Handled;
            }
            if (req.has_header("Content-Encoding")) {
                send_error(res, 415, "unsupported_encoding", "上传内容须为 application/gzip，不使用 Content-Encoding。");
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    svr.Get("/api/v1/health", [](const httplib::Request&, httplib::Response& res) {
        send_json(res, 200, {{"ok", true}, {"service", "yimen-county"}});
    });

    svr.Post(proto::kPushPath, [this](const httplib::Request& req, httplib::Response& res) {
        auto kiosk = kiosk_of(req, *store_);
        if (!kiosk) return send_error(res, 403, "kiosk_certificate_required", "需要终端证书。");
        auto body = proto::gzip_decompress(req.body, cfg_.max_inflated_bytes);
        if (!body) return send_error(res, body.error().code == "too_large" ? 413 : 400, body.error().code, body.error().message);
        json j = json::parse(*body, nullptr, false);
        if (j.is_discarded()) return send_error(res, 400, "bad_request", "上传内容不是有效的 JSON。");
        auto push = proto::push_request_from_json(j);
        if (!push) return send_error(res, 400, push.error().code, push.error().message);
        if (cfg_.kill_before_commit) raise(SIGKILL);
        auto out = ingestor_->push(*kiosk, *push, clock_->now_utc_ms());
        if (!out) return send_error(res, http_status_for(out.error().code), out.error().code, out.error().message);
        if (cfg_.kill_after_events > 0 && ingestor_->committed_events() >= cfg_.kill_after_events) raise(SIGKILL);
        send_json(res, 200, proto::to_json(*out));
    });

    svr.Get(proto::kPullPath, [this](const httplib::Request& req, httplib::Response& res) {
        auto kiosk = kiosk_of(req, *store_);
        if (!kiosk) return send_error(res, 403, "kiosk_certificate_required", "需要终端证书。");
        std::int64_t cursor = 0;
        if (req.has_param("cursor")) {
            try {
                cursor = std::stoll(req.get_param_value("cursor"));
            } catch (...) {
                return send_error(res, 400, "bad_request", "cursor 须为整数。");
            }
        }
        proto::PullResponse out;
        auto changes = store_->changes_after(kiosk->township, cursor, proto::kMaxChangesPerPull + 1);
        out.more = changes.size() > static_cast<std::size_t>(proto::kMaxChangesPerPull);
        if (out.more) changes.pop_back();
        for (auto& c : changes) out.changes.push_back({c.id, c.kind, c.key, c.body});
        out.cursor = changes.empty() ? cursor : changes.back().id;
        auto [seq, hash] = store_->checkpoint(kiosk->kiosk_id);
        out.checkpoint = seq;
        out.checkpoint_hash = hash;
        auto [day, high] = store_->receipt_high_water(kiosk->kiosk_id);
        out.receipt_day = day;
        out.receipt_high_water = high;
        out.server_time = format_rfc3339(clock_->now_utc_ms());
        send_json(res, 200, proto::to_json(out));
    });

    svr.Get(R"(/api/v1/status/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
        auto kiosk = kiosk_of(req, *store_);
        if (!kiosk) return send_error(res, 403, "kiosk_certificate_required", "需要终端证书。");
        // Unknown, malformed, wrong digits and rate-limited all get this same answer.
        auto not_found = [&] {
            send_error(res, 404, "not_found", "没有找到这个回执编号，或身份证后四位不符。请核对后再试，或向工作人员咨询。");
        };
        const UtcMillis now = clock_->now_utc_ms();
        const UtcMillis hour_ago = now - 3'600'000;
        const std::string receipt = req.matches[1];
        const std::string last4 = req.get_param_value("id_last4");
        const std::string rkey = "status:receipt:" + receipt, kkey = "status:kiosk:" + kiosk->kiosk_id;
        auto fail = [&] {
            (void)store_->add_failure(rkey, now);
            (void)store_->add_failure(kkey, now);
            not_found();
        };
        if (store_->failures_since(rkey, hour_ago) >= cfg_.status_failures_per_receipt ||
            store_->failures_since(kkey, hour_ago) >= cfg_.status_failures_per_kiosk)
            return fail();
        json rec = status_record(*store_, policy_->rules, policy_->calendar, receipt, clock_->today());
        if (rec.is_null() || last4.size() != 4 || rec["id_last4_tag"] != proto::id_last4_tag(receipt, last4)) return fail();
        rec.erase("id_last4_tag");
        send_json(res, 200, rec);
    });

    auto staff_route = [this](auto handler) {
        return [this, handler](const httplib::Request& req, httplib::Response& res) {
            auto user = user_of(req, *store_);
            if (!user) return send_error(res, 401, "unauthorised", "请使用有效的 API 令牌（Authorization: Bearer …）。");
            handler(*user, req, res);
        };
    };

    svr.Post(R"(/api/v1/cases/([^/]+)/stages)", staff_route([this](const User& user, const httplib::Request& req,
                                                                     httplib::Response& res) {
        json body = json::parse(req.body, nullptr, false);
        if (body.is_discarded()) return send_error(res, 400, "bad_request", "请求内容不是有效的 JSON。");
        auto out = casework_->record_stage(user, req.matches[1], body);
        if (!out) return send_error(res, http_status_for(out.error().code), out.error().code, out.error().message);
        send_json(res, 200, *out);
    }));

    svr.Get(R"(/api/v1/cases/([^/]+))", staff_route([this](const User& user, const httplib::Request& req,
                                                           httplib::Response& res) {
        auto out = casework_->view(user, req.matches[1]);
        if (!out) return send_error(res, http_status_for(out.error().code), out.error().code, out.error().message);
        send_json(res, 200, *out);
    }));

    svr.Get("/api/v1/stats/events", staff_route([this](const User& user, const httplib::Request&, httplib::Response& res) {
        json counts = json::object();
        for (auto& [type, n] : store_->event_counts_by_type()) counts[type] = n;
        json alerts = json::array();
        for (auto& a : store_->alerts())
            if (user.role != "township-staff" || a["township"] == user.township) alerts.push_back(a);
        send_json(res, 200, {{"events_by_type", counts}, {"alerts", alerts}});
    }));
}

Result<int> CountyServer::start() {
    auto& svr = *http_->server;
    if (cfg_.port == 0) {
        const int p = svr.bind_to_any_port(cfg_.host);
        if (p <= 0) return Error{"listen_failed", "无法监听 " + cfg_.host};
        port_ = p;
    } else {
        if (!svr.bind_to_port(cfg_.host, cfg_.port))
            return Error{"listen_failed", "无法监听 " + cfg_.host + ":" + std::to_string(cfg_.port) + "（端口被占用？）"};
        port_ = cfg_.port;
    }
    thread_ = std::thread([this] { http_->server->listen_after_bind(); });
    for (int i = 0; i < 5000 && !http_->server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!http_->server->is_running()) return Error{"listen_failed", "服务器未能开始监听。"};
    return port_;
}

void CountyServer::serve_blocking_after_start() {
    if (thread_.joinable()) thread_.join();
}

void CountyServer::stop() {
    if (http_ && http_->server) http_->server->stop();
}

}  // namespace yimen::county
