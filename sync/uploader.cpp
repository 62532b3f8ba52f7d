// uploader.cpp — libcurl with the kiosk's client certificate, the county CA pinned, TLS 1.2 minimum.
#include "sync/uploader.hpp"

#include <curl/curl.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "policy/receipt_number.hpp"
#include "sync/bundle.hpp"
#include "sync/chain_signature.hpp"
#include "sync/protocol.hpp"

namespace yimen::sync {

using nlohmann::json;
namespace proto = yimen::sync::protocol;

const char* category_name(ErrorCategory c) {
    switch (c) {
        case ErrorCategory::none: return "none";
        case ErrorCategory::offline: return "offline";
        case ErrorCategory::tls: return "tls";
        case ErrorCategory::refused: return "refused";
        case ErrorCategory::busy: return "busy";
        case ErrorCategory::rejected_event: return "rejected_event";
        case ErrorCategory::local: return "local";
    }
    return "";
}

double SystemRandom::uniform01() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::int64_t Backoff::next_delay_ms(RandomSource& rng) {
    ++failures_;
    double base = static_cast<double>(initial_);
    for (int i = 1; i < failures_ && base < static_cast<double>(max_); ++i) base *= 2;
    base = std::min(base, static_cast<double>(max_));
    const double factor = 1.0 + jitter_ * (2.0 * rng.uniform01() - 1.0);
    return static_cast<std::int64_t>(std::llround(base * factor));
}

namespace {

struct HttpResult {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string body;
    std::string error;
};

std::size_t collect(char* p, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(p, size * n);
    return size * n;
}

HttpResult http(const UploaderConfig& cfg, const std::string& method, const std::string& path, const std::string& body,
                const std::string& content_type) {
    HttpResult r;
    CURL* c = curl_easy_init();
    if (!c) {
        r.code = CURLE_FAILED_INIT;
        return r;
    }
    char errbuf[CURL_ERROR_SIZE] = {0};
    const std::string url = cfg.server_url + path;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(c, CURLOPT_CAINFO, cfg.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);  // only the county CA is trusted
    curl_easy_setopt(c, CURLOPT_SSLCERT, cfg.cert_file.c_str());
    // No key file: the key is in the certificate file (one PEM holding both).
    if (!cfg.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, cfg.key_file.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg.request_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_slist* headers = nullptr;
    if (method == "POST") {
        headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
        headers = curl_slist_append(headers, "Expect:");
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    r.code = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    r.error = errbuf[0] ? errbuf : curl_easy_strerror(r.code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return r;
}

bool is_tls_failure(CURLcode code, const std::string& error) {
    switch (code) {
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_CLIENTCERT: return true;
        // With TLS 1.3 a refused client certificate shows up after the handshake, as a send or receive error.
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR: return error.find("SSL") != std::string::npos || error.find("alert") != std::string::npos;
        default: return false;
    }
}

SyncError classify(const HttpResult& r) {
    if (r.code != CURLE_OK) {
        if (is_tls_failure(r.code, r.error))
            return {ErrorCategory::tls,
                    "与县服务器的安全连接失败：终端证书可能已过期、被吊销或与县服务器不匹配。记录已安全保存在本机。请联系县民政局信息科。",
                    r.error};
        return {ErrorCategory::offline, "暂时连不上县服务器（网络不通或服务器未开）。记录已安全保存在本机，联网后会自动上传。",
                r.error};
    }
    if (r.status == 200) return {};
    std::string server_message, server_code;
    if (auto j = json::parse(r.body, nullptr, false); j.is_object()) {
        if (j.contains("message") && j["message"].is_string()) server_message = j["message"].get<std::string>();
        if (j.contains("error") && j["error"].is_string()) server_code = j["error"].get<std::string>();
    }
    const std::string detail = "HTTP " + std::to_string(r.status) + (server_message.empty() ? "" : "：" + server_message);
    if (r.status == 429 || r.status == 502 || r.status == 503 || r.status == 504)
        return {ErrorCategory::busy, "县服务器繁忙，稍后会自动重试，记录已安全保存在本机。", detail};
    // The certificate was fine, the push's chain-head signature was not (sync/PROTOCOL.md §5.7).
    if (server_code == "bad_signature" || server_code == "signature_required")
        return {ErrorCategory::refused,
                "县服务器不接受本终端的上传签名（" + server_code + "）。记录已安全保存在本机。请联系县民政局信息科。", detail};
    if (r.status == 401 || r.status == 403)
        return {ErrorCategory::refused, "县服务器拒绝了本终端（证书未登记或已吊销）。请联系县民政局信息科。", detail};
    return {ErrorCategory::refused, "县服务器不接受本次上传（" + detail + "）。请联系县民政局信息科。", detail};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

Result<std::unique_ptr<Uploader>> Uploader::create(const std::string& db_path, const std::string& kiosk_id,
                                                   UploaderConfig cfg, const Clock& clock, const BootClock& boot,
                                                   RandomSource& rng) {
    static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curl_ready) return Error{"curl_init", "网络组件初始化失败。"};
    std::unique_ptr<Uploader> u(new Uploader());
    u->cfg_ = std::move(cfg);
    u->clock_ = &clock;
    u->boot_ = &boot;
    u->rng_ = &rng;
    u->backoff_ = Backoff(u->cfg_.backoff_initial_ms, u->cfg_.backoff_max_ms, u->cfg_.backoff_jitter);
    sqlite::OpenOptions opt;
    opt.private_file = true;  // the journal's events carry personal data: the file and its -wal/-shm are 0600
    auto db = sqlite::Database::open(db_path, opt);
    if (!db) return db.error();
    u->db_ = std::move(db).value();
    auto j = Journal::open(*u->db_, kiosk_id, clock, boot);
    if (!j) return j.error();
    u->journal_ = std::move(j).value();
    auto p = PulledStore::open(*u->db_);
    if (!p) return p.error();
    u->pulled_ = std::move(p).value();
    auto c = ReceiptCounter::open(*u->db_);
    if (!c) return c.error();
    u->counter_ = std::move(c).value();
    return u;
}

Uploader::~Uploader() { stop(); }

SyncError Uploader::push_all() {
    SyncError rejected;  // reported after the round; it does not stop the events behind it
    for (int round = 0; round < 1000; ++round) {
        // From the lower of the county's checkpoint (lower after a county restore: send again) and what the county
        // acknowledged to us (lower after a kiosk restore or a lost answer: the county tells duplicates from
        // conflicts by hash).
        const std::int64_t checkpoint = pulled_->server_checkpoint();
        const std::int64_t from = std::min(checkpoint, journal_->counts().acknowledged_through);
        auto batch = journal_->events_after(from, cfg_.max_events_per_push, cfg_.max_push_bytes);
        if (!batch) return {ErrorCategory::local, "读取本机记录失败：" + batch.error().message, batch.error().code};
        if (batch->empty()) {
            // The county holds more of our chain than this journal does (restored from an old backup with nothing
            // new since): continue after the county's checkpoint so that no sequence number is used twice.
            if (journal_->last_seq() < checkpoint) {
                auto reb = journal_->rebase(checkpoint, pulled_->server_checkpoint_hash());
                if (!reb) return {ErrorCategory::local, reb.error().message, reb.error().code};
                continue;
            }
            return rejected;
        }
        proto::PushRequest req;
        req.kiosk_id = journal_->kiosk_id();
        // Boot, uptime and wall time describe the sender now (the server derives this boot's clock offset).
        req.boot_id = boot_->boot_id();
        req.uptime_ms = boot_->uptime_ms();
        req.sent_at = format_rfc3339(clock_->now_utc_ms());
        for (auto& e : *batch) req.events.push_back(e.canonical);
        req.signature = sign_head(*batch);
        proto::PushFleetFacts fleet;
        fleet.queue_depth = std::max<std::int64_t>(0, journal_->counts().unacknowledged - static_cast<std::int64_t>(batch->size()));
        fleet.software_version = cfg_.software_version;
        if (cfg_.printer_state) fleet.printer = cfg_.printer_state();
        const std::string body = proto::gzip_compress(proto::to_json(req, fleet).dump());
        auto r = http(cfg_, "POST", proto::kPushPath, body, "application/gzip");
        if (auto e = classify(r); e.category != ErrorCategory::none) return e;
        auto resp = proto::push_response_from_json(json::parse(r.body, nullptr, false));
        if (!resp) return {ErrorCategory::refused, resp.error().message, "bad push response"};
        std::int64_t conflict_seq = 0;
        for (auto& rej : resp->rejections) {
            if (rej.code == proto::reason::seq_conflict) {
                conflict_seq = rej.seq;
                continue;
            }
            if (resp->stopped && rej.seq > resp->contiguous_through) continue;  // not stored: will be retried
            if (auto s = journal_->quarantine(rej.seq, rej.code, rej.message); !s)
                return {ErrorCategory::local, s.error().message, s.error().code};
            rejected = {ErrorCategory::rejected_event,
                        "有记录被县服务器拒收（" + rej.code + "：" + rej.message + "），已隔离，不影响其他记录上传。请联系县民政局信息科核对。",
                        "seq " + std::to_string(rej.seq)};
        }
        // Our events before a conflicting one are the county's too; the conflicting one and those after it are not.
        const std::int64_t acked = conflict_seq > 0 ? std::min(resp->contiguous_through, conflict_seq - 1)
                                                    : resp->contiguous_through;
        if (auto s = journal_->mark_acknowledged(acked); !s)
            return {ErrorCategory::local, s.error().message, s.error().code};
        if (auto s = pulled_->set_server_checkpoint(resp->contiguous_through, resp->checkpoint_hash); !s)
            return {ErrorCategory::local, s.error().message, s.error().code};
        if (conflict_seq > 0) {
            // The county holds other events at our unsent sequence numbers: this kiosk was restored from an old
            // backup. Continue after the county's checkpoint.
            auto reb = journal_->rebase(resp->contiguous_through, resp->checkpoint_hash);
            if (!reb) return {ErrorCategory::local, reb.error().message, reb.error().code};
            continue;
        }
        if (resp->stopped)
            return {ErrorCategory::refused, "县服务器停止处理本批记录：" + (resp->rejections.empty() ? std::string() : resp->rejections.back().message) +
                                                "。请联系县民政局信息科。",
                    "stopped"};
        auto more = journal_->events_after(resp->contiguous_through, 1, 1 << 20);
        if (!more) return {ErrorCategory::local, more.error().message, more.error().code};
        if (batch->size() < static_cast<std::size_t>(cfg_.max_events_per_push) && more->empty()) return rejected;
    }
    return rejected;
}

std::optional<proto::ChainHeadSignature> Uploader::sign_head(const std::vector<StoredEvent>& batch) {
    if (batch.empty()) return std::nullopt;
    SyncError problem;
    if (!signing_key_tried_) {
        signing_key_tried_ = true;
        auto key = chain_signature::load_private_key(cfg_.key_file);
        if (key) signing_key_ = std::move(key).value();
        else problem = {ErrorCategory::local,
                        "本机终端私钥无法用于签名，记录仍会上传，但不带终端签名；县里设置了必须签名时会被拒收。"
                        "请联系县民政局信息科重新签发终端证书。",
                        key.error().message};
    }
    std::optional<proto::ChainHeadSignature> out;
    if (signing_key_) {
        const auto& head = batch.back().envelope;
        auto value = chain_signature::sign(signing_key_.get(),
                                           chain_signature::make_statement(journal_->kiosk_id(), head.seq, head.hash));
        if (value) out = proto::ChainHeadSignature{chain_signature::kAlgorithm, head.seq, head.hash, *value};
        else problem = {ErrorCategory::local, "本次上传未能签名（" + value.error().message + "），记录仍会上传，但不带终端签名。",
                        value.error().code};
    }
    if (problem.category != ErrorCategory::none) {
        // Not a failed round: it stays on the staff screen as the latest problem until another one replaces it.
        std::lock_guard lock(mu_);
        last_error_ = problem;
    }
    return out;
}

SyncError Uploader::pull_all() {
    std::vector<proto::Change> applied;
    SyncError refused_bundle;
    for (int page = 0; page < 1000; ++page) {
        const std::int64_t cursor = pulled_->cursor();
        auto r = http(cfg_, "GET", std::string(proto::kPullPath) + "?cursor=" + std::to_string(cursor), "", "");
        if (auto e = classify(r); e.category != ErrorCategory::none) return e;
        auto resp = proto::pull_response_from_json(json::parse(r.body, nullptr, false));
        if (!resp) return {ErrorCategory::refused, resp.error().message, "bad pull response"};
        const UtcMillis now = clock_->now_utc_ms();
        for (auto& c : resp->changes) {
            Status s = Ok{};
            if (c.kind == "status") s = pulled_->put_status(c.key, c.body, now);
            else if (c.kind == "staff")
                s = pulled_->put_staff({c.body.value("staff_id", c.key), c.body.value("name", ""), c.body.value("role", ""),
                                        c.body.value("pin_hash", "")});
            else if (c.kind == "config") s = pulled_->put_config(c.key, c.body);
            else if (c.kind == "bundle" && !cfg_.bundle_root.empty()) {
                auto b = bundle::from_json(c.body);
                if (!b) s = b.error();
                else {
                    bundle::Installer installer(cfg_.bundle_root);
                    auto installed = installer.install(*b, read_file(cfg_.bundle_public_key));
                    // An older or equal version is simply not installed. A bundle that fails verification is refused
                    // and reported, but the feed moves on: retrying cannot make a bad signature good.
                    if (!installed && installed.error().code != "not_newer")
                        refused_bundle = {ErrorCategory::rejected_event,
                                          "县服务器下发的政策包（版本 " + c.key + "）未通过校验，已拒绝安装（" +
                                              installed.error().code + "）。请联系县民政局信息科。",
                                          installed.error().message};
                }
            }
            if (!s) return {ErrorCategory::local, "应用县服务器下发的内容失败：" + s.error().message, s.error().code};
            applied.push_back(c);
        }
        if (auto s = pulled_->set_cursor(resp->cursor); !s) return {ErrorCategory::local, s.error().message, s.error().code};
        // Our event at the county's checkpoint with the county's hash: everything up to it is the county's (an
        // answer may have been lost). A missing or different event is settled by the next push (duplicates by hash,
        // seq_conflict → rebase, or a rebase when our journal is shorter than the county's copy of it).
        if (resp->checkpoint > 0) {
            auto local = journal_->event(resp->checkpoint);
            if (local && local->envelope.hash == resp->checkpoint_hash)
                if (auto s = journal_->mark_acknowledged(resp->checkpoint); !s)
                    return {ErrorCategory::local, s.error().message, s.error().code};
        }
        if (auto s = pulled_->set_server_checkpoint(resp->checkpoint, resp->checkpoint_hash); !s)
            return {ErrorCategory::local, s.error().message, s.error().code};
        if (!resp->receipt_day.empty())
            if (auto d = CivilDate::parse(resp->receipt_day))
                if (auto s = counter_->raise_to(*d, resp->receipt_high_water); !s)
                    return {ErrorCategory::local, s.error().message, s.error().code};
        if (auto s = pulled_->set_last_pull(now); !s) return {ErrorCategory::local, s.error().message, s.error().code};
        if (!resp->more) break;
    }
    PulledCallback cb;
    {
        std::lock_guard lock(mu_);
        cb = on_pulled_;
    }
    if (cb && !applied.empty()) cb(applied);
    return refused_bundle;
}

SyncError Uploader::sync_once() {
    std::lock_guard round(db_mu_);
    // A rejected event or refused bundle is reported but does not stop the round; any other error does.
    SyncError reported;
    auto step = [&](SyncError e) {
        if (e.category == ErrorCategory::rejected_event) reported = e;
        return e.category == ErrorCategory::none || e.category == ErrorCategory::rejected_event ? SyncError{} : e;
    };
    SyncError e;
    // Pull first once per session: it tells us the county's checkpoint (a restored kiosk or county is found here).
    if (!pulled_once_) {
        e = step(pull_all());
        if (e.category == ErrorCategory::none) pulled_once_ = true;
    }
    if (e.category == ErrorCategory::none) e = step(push_all());
    if (e.category == ErrorCategory::none) e = step(pull_all());
    if (e.category == ErrorCategory::none) {
        if (auto r = journal_->apply_retention(cfg_.retention_days); !r)
            e = {ErrorCategory::local, r.error().message, r.error().code};
    }
    if (e.category == ErrorCategory::none) e = reported;
    record(e);
    return e;
}

void Uploader::record(const SyncError& e) {
    std::lock_guard lock(mu_);
    // A rejected event is quarantined and reported, but the round itself succeeded.
    if (e.category == ErrorCategory::none || e.category == ErrorCategory::rejected_event) {
        last_success_ = clock_->now_utc_ms();
        backoff_.reset();
        next_delay_ms_ = 0;
        if (e.category == ErrorCategory::rejected_event) last_error_ = e;
        return;
    }
    last_error_ = e;
    next_delay_ms_ = backoff_.next_delay_ms(*rng_);
}

SyncStatus Uploader::status() {
    SyncStatus s;
    {
        std::lock_guard round(db_mu_);
        auto c = journal_->counts();
        s.queue_depth = c.unacknowledged;
        if (c.oldest_unsent_wall_ms) s.oldest_unsent_age_ms = clock_->now_utc_ms() - *c.oldest_unsent_wall_ms;
        s.quarantined = journal_->quarantined();
        s.server_checkpoint = pulled_->server_checkpoint();
        s.last_pull = pulled_->last_pull();
        if (!cfg_.bundle_root.empty()) s.installed_bundle = bundle::Installer(cfg_.bundle_root).current_version();
    }
    std::lock_guard lock(mu_);
    s.last_success = last_success_;
    s.last_error = last_error_;
    s.consecutive_failures = backoff_.failures();
    s.next_attempt_in_ms = next_delay_ms_;
    return s;
}

Result<StatusAnswer> Uploader::query_status(const std::string& receipt, const std::string& id_last4) {
    // Only well-formed values go into the URL; anything else cannot be a case.
    auto parsed = parse_receipt_number(receipt);
    if (!parsed || id_last4.size() != 4 ||
        id_last4.find_first_not_of("0123456789Xx") != std::string::npos)
        return StatusAnswer{false, json()};
    auto r = http(cfg_, "GET", std::string(proto::kStatusPrefix) + parsed->text + "?id_last4=" + id_last4, "", "");
    if (r.code == CURLE_OK && r.status == 404) return StatusAnswer{false, json()};
    if (auto e = classify(r); e.category != ErrorCategory::none) return Error{category_name(e.category), e.message};
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded()) return Error{"refused", "县服务器的答复格式不正确。"};
    return StatusAnswer{true, body};
}

void Uploader::on_pulled(PulledCallback cb) {
    std::lock_guard lock(mu_);
    on_pulled_ = std::move(cb);
}

void Uploader::run() {
    while (true) {
        const SyncError e = sync_once();
        std::int64_t wait_ms;
        {
            std::lock_guard lock(mu_);
            if (e.category != ErrorCategory::none && e.category != ErrorCategory::rejected_event) wait_ms = next_delay_ms_;
            else wait_ms = cfg_.pull_interval_ms;
        }
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return wake_ || stopping_; });
        if (stopping_) return;
        wake_ = false;
    }
}

void Uploader::start() {
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mu_);
        stopping_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void Uploader::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Uploader::notify_append() {
    {
        std::lock_guard lock(mu_);
        wake_ = true;
    }
    cv_.notify_all();
}

void Uploader::sync_now() { notify_append(); }

}  // namespace yimen::sync
