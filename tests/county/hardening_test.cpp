// hardening_test.cpp — the county server under attack and overload, one test per finding of the security review:
// deep JSON, idle and trickling connections, per-address caps, authorisation of kiosk records, staff lifecycle,
// headers, TLS suites, error bodies. Real TLS on 127.0.0.1, real certificates, real SQLite files.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include "county/users.hpp"
#include "base/secrets.hpp"
#include "support/chain_writer.hpp"
#include "support/county_http.hpp"
#include "sync/pulled_store.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;
using nlohmann::json;

namespace {

// A plain TCP connection from a chosen loopback address; -1 on failure.
int tcp_connect(int port, const char* from = "127.0.0.1") {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &src.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
        ::close(fd);
        return -1;
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Waits up to `seconds` for the server to close the socket: true when it did (EOF or reset).
bool closed_by_server(int fd, int seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) return true;
        if (n < 0) return errno == ECONNRESET;
        // TLS alerts or an error answer may come first; keep reading until EOF.
    }
}

bool still_open(int fd) {
    char b;
    const ssize_t n = ::recv(fd, &b, 1, MSG_DONTWAIT | MSG_PEEK);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// A TLS client that completes the handshake and then trickles the request one byte at a time.
struct SlowTls {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    int fd = -1;
    SlowTls(int port, const std::string& ca, const char* from = "127.0.0.1") {
        ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr);
        fd = tcp_connect(port, from);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
    }
    bool handshake() { return SSL_connect(ssl) == 1; }
    bool send_byte(char c) { return SSL_write(ssl, &c, 1) == 1; }
    ~SlowTls() {
        if (ssl) SSL_free(ssl);
        if (fd >= 0) ::close(fd);
        if (ctx) SSL_CTX_free(ctx);
    }
};

std::string wall(UtcMillis t) { return format_rfc3339(t); }

// The server's own bookkeeping runs just after the socket closes: poll it briefly.
template <typename Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 200 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return pred();
}

county::ServerConfig quick_deadlines() {
    county::ServerConfig cfg;
    cfg.limits.handshake = std::chrono::milliseconds(1000);
    cfg.limits.header = std::chrono::milliseconds(1000);
    cfg.limits.body = std::chrono::milliseconds(2000);
    return cfg;
}

}  // namespace

TEST_CASE("hardening: a staff body nested 60,000 deep is refused before any recursion, 250,000 by its size",
          "[county][hardening]") {
    County c;
    const Api api{c, add_user(c, "township-staff", "230523104").token};
    const std::string deep = R"({"stage":"x","fields":)" + std::string(60'000, '[');
    auto [status, body] = api.call("POST", "/api/v1/cases/11040126010100015/stages", deep);
    CHECK(status == 400);
    CHECK(body["error"] == "too_deep");
    auto huge = api.call("POST", "/api/v1/cases/11040126010100015/stages", R"({"stage":"x","fields":)" + std::string(250'000, '['));
    CHECK(huge.first == 413);
    CHECK(huge.second["error"] == "too_large");
    CHECK(raw(c, "GET", "/api/v1/health", "", "").status == 200);
}

TEST_CASE("hardening: a push whose events nest 120,000 levels is refused with too_deep", "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    std::string nested = std::string(120'000, '[') + std::string(120'000, ']');
    const std::string text = R"({"kiosk_id":"230523104-01","boot_id":"b","uptime_ms":1,"sent_at":")" +
                             wall(c.clock.now_utc_ms()) + R"(","events":[{"seq":1,"payload":)" + nested + "}]}";
    auto r = raw(c, "POST", proto::kPushPath, proto::gzip_compress(text), k->cert_dir, {"Content-Type: application/gzip"});
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"] == "too_deep");
    CHECK(count(c, "SELECT count(*) FROM events") == 0);
    CHECK(raw(c, "GET", "/api/v1/health", "", "").status == 200);
}

TEST_CASE("hardening: 24 idle TCP and 8 trickling TLS connections hold no worker, health and a push are answered",
          "[county][hardening]") {
    county::ServerConfig cfg;
    cfg.threads = 2;  // far fewer workers than held connections
    County c(cfg);
    auto k = c.add_kiosk("230523104-01");
    std::vector<int> idle;
    for (int i = 0; i < 24; ++i) idle.push_back(tcp_connect(c.port, "127.0.0.2"));
    std::vector<std::unique_ptr<SlowTls>> slow;
    for (int i = 0; i < 8; ++i) {
        slow.push_back(std::make_unique<SlowTls>(c.port, c.dir + "/ca.crt", "127.0.0.2"));
        REQUIRE(slow.back()->handshake());
        REQUIRE(slow.back()->send_byte('G'));
    }
    RawOptions quick;
    quick.timeout_s = 5;  // the old pool answered only after the idle ones timed out (8.7 s)
    for (int i = 0; i < 5; ++i) {
        auto h = request(c.port, c.dir, "GET", "/api/v1/health", "", quick);
        CHECK(h.code == CURLE_OK);
        CHECK(h.status == 200);
    }
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}});
    CHECK(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events") == 1);
    for (int fd : idle) ::close(fd);
}

TEST_CASE("hardening: a client that trickles a byte at a time cannot extend the header deadline", "[county][hardening]") {
    std::signal(SIGPIPE, SIG_IGN);  // writing to the socket the server closed must fail, not kill the test
    County c(quick_deadlines());
    SlowTls t(c.port, c.dir + "/ca.crt");
    REQUIRE(t.handshake());
    const std::string line = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(200, 'a');
    int sent = 0;
    for (char ch : line) {
        if (!t.send_byte(ch)) break;
        ++sent;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // A 1-second header deadline: cut off after about 10 bytes, never all ~240 (24 s of trickling).
    CHECK(sent < static_cast<int>(line.size()));
    CHECK(closed_by_server(t.fd, 5));
    CHECK(eventually([&] { return c.server->counters().closed_deadline >= 1; }));
}

TEST_CASE("hardening: a TCP connection that never starts TLS is closed at the handshake deadline", "[county][hardening]") {
    County c(quick_deadlines());
    const int fd = tcp_connect(c.port);
    REQUIRE(fd >= 0);
    CHECK(closed_by_server(fd, 10));
    ::close(fd);
    CHECK(eventually([&] { return c.server->counters().closed_deadline >= 1; }));
}

TEST_CASE("hardening: the per-address cap closes that address's oldest idle connection and never refuses the new one",
          "[county][hardening]") {
    county::ServerConfig cfg;
    cfg.limits.max_connections_per_peer = 4;
    County c(cfg);
    std::vector<int> fds;
    for (int i = 0; i < 6; ++i) {
        fds.push_back(tcp_connect(c.port, "127.0.0.3"));
        REQUIRE(fds.back() >= 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(closed_by_server(fds[0], 5));
    CHECK(closed_by_server(fds[1], 5));
    for (int i = 2; i < 6; ++i) CHECK(still_open(fds[i]));
    CHECK(eventually([&] { return c.server->counters().closed_peer_cap == 2; }));
    // Another address is untouched by this one's cap.
    CHECK(raw(c, "GET", "/api/v1/health", "", "").status == 200);
    for (int fd : fds) ::close(fd);
}

TEST_CASE("hardening: ratings count only from the case's township, for a case that exists, anonymous ones count",
          "[county][hardening]") {
    County c;
    auto a = c.add_kiosk("230523104-01");
    auto other = c.add_kiosk("230523101-01", "230523101", 1);
    auto app = a->application();
    a->append(rec::type::application_submitted, app);
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    // Another township's kiosk rates the case; then a receipt that does not exist; then an anonymous rating.
    other->append(rec::type::rating_given, rec::RatingGiven{app.receipt_number, 1, {}, {"slow"}, "", "kiosk", ""});
    const std::string never_issued = other->next_receipt(ReceiptType::application);
    other->append(rec::type::rating_given, rec::RatingGiven{never_issued, 1, {}, {}, "", "kiosk", ""});
    other->append(rec::type::rating_given, rec::RatingGiven{"", 4, {}, {}, "", "kiosk", ""});
    CHECK(other->uploader->sync_once().category == sync::ErrorCategory::rejected_event);
    auto q = other->journal->quarantined();
    REQUIRE(q.size() == 2);
    CHECK(q[0].code == "unknown_case");
    CHECK(q[1].code == "unknown_case");
    CHECK(count(c, "SELECT count(*) FROM ratings WHERE status = 'counted'") == 1);
    CHECK(count(c, "SELECT count(*) FROM ratings WHERE status = 'counted' AND receipt_number IS NULL") == 1);

    // A rating from a boot the county has never measured, dated a year back, cannot displace the counted one.
    a->append(rec::type::rating_given, rec::RatingGiven{app.receipt_number, 5, {}, {}, "", "kiosk", ""});
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    auto b = c.add_kiosk("230523104-02", "230523104", 2);
    ChainWriter w{b->id};
    const std::string old = w.next(rec::type::rating_given, rec::RatingGiven{app.receipt_number, 1, {}, {}, "", "kiosk", ""},
                                   wall(c.clock.now_utc_ms() - 300LL * 86'400'000), {"resident", ""}, "boot-never-seen");
    auto r = raw(c, "POST", proto::kPushPath, w.body({old}, wall(c.clock.now_utc_ms())), b->cert_dir,
                 {"Content-Type: application/gzip"});
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["rejections"][0]["code"] == "already_rated");
    CHECK(count(c, "SELECT level FROM ratings WHERE status = 'counted' AND receipt_number IS NOT NULL") == 5);
}

TEST_CASE("hardening: a kiosk acceptance must name active staff of the kiosk's own township", "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    auto mine = add_user(c, "township-staff", "230523104");
    auto elsewhere = add_user(c, "township-staff", "230523101");
    auto gone = add_user(c, "township-staff", "230523104");
    REQUIRE(county::disable_user(c.server->store(), gone.user.user_id, {"cli:test", c.clock.now_utc_ms()}).ok());
    std::vector<std::string> receipts;
    for (int i = 0; i < 4; ++i) {
        auto app = k->application("linshi_jinan");
        app.materials_received = {"id_card"};
        app.materials_missing = {};
        k->append(rec::type::application_submitted, app);
        receipts.push_back(app.receipt_number);
    }
    const std::string today = c.clock.today().iso();
    const std::vector<std::string> operators = {"NOBODY-999", elsewhere.user.user_id, gone.user.user_id, mine.user.user_id};
    for (std::size_t i = 0; i < 4; ++i)
        k->append(rec::type::application_accepted,
                  rec::ApplicationAccepted{receipts[i], "linshi_jinan", today, {"id_card"}, operators[i]},
                  {"staff", operators[i]});
    CHECK(k->uploader->sync_once().category == sync::ErrorCategory::rejected_event);
    auto q = k->journal->quarantined();
    REQUIRE(q.size() == 3);
    for (auto& e : q) CHECK(e.code == "unknown_staff");
    CHECK(count(c, "SELECT count(*) FROM stage_events WHERE stage = 'accepted'") == 1);
    CHECK(count(c, "SELECT count(*) FROM stage_events WHERE stage = 'accepted' AND actor = '" + mine.user.user_id + "'") == 1);
}

TEST_CASE("hardening: implausible event times are quarantined, not projected, weeks-old events still count",
          "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    ChainWriter w{k->id};
    const UtcMillis now = c.clock.now_utc_ms();
    auto quiz = rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}};
    std::vector<std::string> events = {
        w.next(rec::type::quiz_answered, quiz, "1990-01-01T00:00:00.000Z", {"resident", ""}, "boot-old"),
        w.next(rec::type::quiz_answered, quiz, wall(now + 400LL * 86'400'000), {"resident", ""}, "boot-future"),
        w.next(rec::type::quiz_answered, quiz, wall(now - 21LL * 86'400'000)),  // offline for three weeks
    };
    auto r = raw(c, "POST", proto::kPushPath, w.body(events, wall(now)), k->cert_dir, {"Content-Type: application/gzip"});
    REQUIRE(r.status == 200);
    auto body = json::parse(r.body);
    CHECK(body["contiguous_through"] == 3);
    REQUIRE(body["rejections"].size() == 2);
    CHECK(body["rejections"][0]["code"] == "implausible_time");
    CHECK(body["rejections"][1]["code"] == "implausible_time");
    CHECK(count(c, "SELECT count(*) FROM events WHERE status = 'quarantined'") == 2);
    CHECK(count(c, "SELECT count(*) FROM records WHERE type = 'quiz.answered'") == 1);
}

TEST_CASE("hardening: a refused batch writes nothing — no checkpoint, no boot row, no clock alert", "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    ChainWriter w{k->id};
    auto quiz = rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}};
    (void)w.next(rec::type::quiz_answered, quiz, wall(c.clock.now_utc_ms()));  // seq 1 is never sent: a gap
    const std::string second = w.next(rec::type::quiz_answered, quiz, wall(c.clock.now_utc_ms()));
    // Sent by a kiosk whose clock is an hour off: a batch the county takes would raise a skew alert.
    auto r = raw(c, "POST", proto::kPushPath, w.body({second}, wall(c.clock.now_utc_ms() - 3'600'000)), k->cert_dir,
                 {"Content-Type: application/gzip"});
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["rejections"][0]["code"] == "gap");
    CHECK(count(c, "SELECT count(*) FROM events") == 0);
    CHECK(count(c, "SELECT count(*) FROM checkpoints") == 0);
    CHECK(count(c, "SELECT count(*) FROM boots") == 0);
    CHECK(count(c, "SELECT count(*) FROM alerts") == 0);
}

TEST_CASE("hardening: repeated conflicts raise one open alert that counts its repeats, and alerts page", "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    auto quiz = rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}};
    ChainWriter w{k->id};
    const std::string first = w.next(rec::type::quiz_answered, quiz, wall(c.clock.now_utc_ms()));
    REQUIRE(raw(c, "POST", proto::kPushPath, w.body({first}, wall(c.clock.now_utc_ms())), k->cert_dir,
                {"Content-Type: application/gzip"}).status == 200);
    ChainWriter fork{k->id};
    const std::string conflicting =
        fork.next(rec::type::quiz_answered, rec::QuizAnswered{"2026.1", {{"q-publicity", 2, false}}}, wall(c.clock.now_utc_ms()));
    for (int i = 0; i < 5; ++i)
        raw(c, "POST", proto::kPushPath, fork.body({conflicting}, wall(c.clock.now_utc_ms())), k->cert_dir,
            {"Content-Type: application/gzip"});
    CHECK(count(c, "SELECT count(*) FROM alerts WHERE kind = 'seq_conflict'") == 1);
    CHECK(count(c, "SELECT repeats FROM alerts WHERE kind = 'seq_conflict'") == 5);
    const Api api{c, add_user(c, "county-staff").token};
    auto [status, page] = api.get("/api/v1/alerts?limit=1");
    CHECK(status == 200);
    CHECK(page["items"].size() == 1);
    CHECK(api.get("/api/v1/alerts?limit=0").first == 400);
}

TEST_CASE("hardening: staff lifecycle — disable, enable, rotate, expiry, PIN rules and the kiosk's copy",
          "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    auto& store = c.server->store();
    const county::Actor op{"cli:test", c.clock.now_utc_ms()};
    // Short PINs are refused; a PIN hash carries a cost of N = 2^17 in its own parameters.
    CHECK_FALSE(county::add_user(store, {"", "李娜", "township-staff", "230523104", std::string("4826")}, op).ok());
    auto staff = add_user(c, "township-staff", "230523104", std::string("482615"));
    auto params = secrets::scrypt_params(staff.user.pin_hash);
    REQUIRE(params.has_value());
    CHECK(params->n >= (1u << 17));
    CHECK(params->r == 8);
    CHECK(params->p == 1);

    const Api api{c, staff.token};
    CHECK(api.get("/api/v1/alerts").first == 200);
    REQUIRE(county::disable_user(store, staff.user.user_id, op).ok());
    CHECK(api.get("/api/v1/alerts").first == 401);  // at once
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto pulled = sync::PulledStore::open(*k->db);
    REQUIRE(pulled.ok());
    auto copy = (*pulled)->staff(staff.user.user_id);
    REQUIRE(copy.has_value());
    CHECK(copy->pin_hash.empty());  // the hash left the kiosk
    CHECK_FALSE(secrets::verify_pin("482615", copy->pin_hash));

    REQUIRE(county::enable_user(store, staff.user.user_id, op).ok());
    CHECK(api.get("/api/v1/alerts").first == 200);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(secrets::verify_pin("482615", (*pulled)->staff(staff.user.user_id)->pin_hash));
    CHECK_FALSE(county::reset_pin(store, staff.user.user_id, "12345", op).ok());

    auto fresh = county::rotate_token(store, staff.user.user_id, op);
    REQUIRE(fresh.ok());
    CHECK(api.get("/api/v1/alerts").first == 401);
    CHECK(Api{c, *fresh}.get("/api/v1/alerts").first == 200);
    // Renewal extends a valid token; an expired one is refused and cannot be renewed.
    auto renewed = Api{c, *fresh}.call("POST", "/api/v1/auth/renew", "");
    CHECK(renewed.first == 200);
    CHECK(renewed.second["expires_at"].is_string());
    auto old_one = add_user(c, "county-staff", "", std::nullopt, 13LL * 3'600'000);  // issued 13 hours ago
    CHECK(Api{c, old_one.token}.get("/api/v1/alerts").first == 401);
    CHECK(Api{c, old_one.token}.call("POST", "/api/v1/auth/renew", "").first == 401);
    // Every change is on the append-only audit trail.
    auto entries = store.audit_entries(0, 100);
    std::vector<std::string> actions;
    for (auto& e : entries) actions.push_back(e.action);
    for (const char* a : {"user.added", "user.disabled", "user.enabled", "token.rotated", "token.renewed"})
        CHECK(std::find(actions.begin(), actions.end(), a) != actions.end());
    auto db = sqlite::Database::open(c.dir + "/county.db");
    REQUIRE(db.ok());
    CHECK_FALSE((*db)->exec("DELETE FROM audit_log").ok());
    CHECK_FALSE((*db)->exec("UPDATE audit_log SET action = 'x'").ok());
}

TEST_CASE("hardening: the backup file is 0600 whatever the umask", "[county][hardening]") {
    County c;
    const mode_t old = ::umask(0022);
    const std::string path = c.tmp.str() + "/backup.db";
    REQUIRE(c.server->store().backup_to(path).ok());
    ::umask(old);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("hardening: security headers on every answer, errors are JSON without library text", "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    const std::vector<Raw> answers = {
        raw(c, "GET", "/api/v1/health", "", ""),
        raw(c, "GET", "/api/v1/no-such-thing", "", ""),
        raw(c, "GET", "/api/nothing/here", "", ""),                 // outside /api/ the back office answers (web_test)
        raw(c, "GET", "/api/v1/alerts", "", ""),                       // 401
        raw(c, "GET", proto::kPullPath, "", ""),                        // 403, no certificate
        raw(c, "GET", "/api/v1/status/%FF%FE?id_last4=1234", "", k->cert_dir),  // invalid UTF-8 in the path
        raw(c, "DELETE", "/api/v1/health", "", ""),                     // 405
    };
    const std::vector<long> expected = {200, 404, 404, 401, 403, 400, 405};
    for (std::size_t i = 0; i < answers.size(); ++i) {
        auto& a = answers[i];
        INFO(i << ": " << a.status << " " << a.body);
        CHECK(a.status == expected[i]);
        CHECK(a.has_header("Strict-Transport-Security: max-age="));
        CHECK(a.has_header("X-Content-Type-Options: nosniff"));
        CHECK(a.has_header("Cache-Control: no-store"));
        CHECK(a.has_header("X-Frame-Options: DENY"));
        CHECK_FALSE(a.has_header("EXCEPTION_WHAT"));
        auto j = json::parse(a.body, nullptr, false);
        REQUIRE(j.is_object());
        if (a.status != 200) {
            CHECK(j["error"].is_string());
            CHECK(j["message"].is_string());
        }
    }
    // A field of the wrong type is the request's fault (400), not the server's (500).
    const Api api{c, add_user(c, "township-staff", "230523104").token};
    auto app = k->application();
    k->append(rec::type::application_submitted, app);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto [status, body] = api.post(app.receipt_number, {{"stage", "accepted"}, {"reason", 5}});
    CHECK(status == 400);
    CHECK(body["error"] == "bad_request");
    // Header names and auth schemes are case-insensitive.
    RawOptions lower;
    lower.headers = {"authorization: bearer " + api.token};
    CHECK(request(c.port, c.dir, "GET", "/api/v1/alerts", "", lower).status == 200);
}

TEST_CASE("hardening: TLS 1.2 offers AEAD suites only, CBC is refused at the handshake", "[county][hardening]") {
    County c;
    auto try_suite = [&](const char* suite) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_cipher_list(ctx, suite);
        const int fd = tcp_connect(c.port);
        SSL* ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        const bool ok = SSL_connect(ssl) == 1;
        SSL_free(ssl);
        ::close(fd);
        SSL_CTX_free(ctx);
        return ok;
    };
    CHECK_FALSE(try_suite("ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:AES128-SHA:AES256-SHA256"));
    CHECK(try_suite("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"));
}

TEST_CASE("hardening: a failed status query locks out per (receipt, township), and another township cannot lock it",
          "[county][hardening]") {
    County c;
    auto home = c.add_kiosk("230523104-01");
    auto away = c.add_kiosk("230523101-01", "230523101", 1);
    auto app = home->application("dibao", "11010519491231002X");
    home->append(rec::type::application_submitted, app);
    REQUIRE(home->uploader->sync_once().category == sync::ErrorCategory::none);
    const std::string path = std::string(proto::kStatusPrefix) + app.receipt_number;
    for (int i = 0; i < 8; ++i) raw(c, "GET", path + "?id_last4=0000", "", away->cert_dir);
    // The resident at her own township's kiosk still gets her answer, typing a lower-case x.
    auto mine = raw(c, "GET", path + "?id_last4=002x", "", home->cert_dir);
    CHECK(mine.status == 200);
    // Another township's kiosk gets the failure answer even with the right digits.
    auto theirs = raw(c, "GET", path + "?id_last4=002X", "", away->cert_dir);
    CHECK(theirs.status == 404);
}

TEST_CASE("hardening: the access log names routes and actors, never receipts or digits", "[county][hardening]") {
    county::ServerConfig cfg;
    TempDir logdir;
    cfg.access_log = logdir.str() + "/access.log";
    County c(cfg);
    auto k = c.add_kiosk("230523104-01");
    auto app = k->application();
    k->append(rec::type::application_submitted, app);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    raw(c, "GET", std::string(proto::kStatusPrefix) + app.receipt_number + "?id_last4=0012", "", k->cert_dir);
    c.stop();
    std::ifstream in(cfg.access_log);
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(log.find("route=/api/v1/status/{receipt}") != std::string::npos);
    CHECK(log.find("route=/api/v1/sync/push status=200") != std::string::npos);
    CHECK(log.find("who=kiosk:230523104-01") != std::string::npos);
    CHECK(log.find(app.receipt_number) == std::string::npos);
    CHECK(log.find("0012") == std::string::npos);
    CHECK(log.find("王秀英") == std::string::npos);
}

TEST_CASE("hardening: stage dates before the earliest date are refused, from a kiosk and through the API",
          "[county][hardening]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    auto staff = add_user(c, "township-staff", "230523104");
    auto first = k->application("linshi_jinan");
    first.materials_received = {"id_card"};
    first.materials_missing = {};
    k->append(rec::type::application_submitted, first);
    k->append(rec::type::application_accepted,
              rec::ApplicationAccepted{first.receipt_number, "linshi_jinan", "1900-01-01", {"id_card"}, staff.user.user_id},
              {"staff", staff.user.user_id});
    CHECK(k->uploader->sync_once().category == sync::ErrorCategory::rejected_event);
    auto q = k->journal->quarantined();
    REQUIRE(q.size() == 1);
    CHECK(q[0].code == "implausible_time");
    const Api api{c, staff.token};
    auto [status, body] = api.post(first.receipt_number, {{"stage", "accepted"}, {"date", "1900-01-01"}, {"documents", {"id_card"}}});
    CHECK(status == 400);
    CHECK(count(c, "SELECT count(*) FROM stage_events WHERE date < '2020-01-01'") == 0);
}

TEST_CASE("hardening: status-query failures older than the window are pruned and no longer count", "[county][hardening]") {
    County c;
    auto& store = c.server->store();
    const UtcMillis now = c.clock.now_utc_ms();
    for (int i = 0; i < 5; ++i) REQUIRE(store.add_failure("status:x:230523104", now - 2 * 3'600'000 + i).ok());
    REQUIRE(store.add_failure("status:x:230523104", now).ok());
    CHECK(store.failures_since("status:x:230523104", 0) == 6);
    REQUIRE(store.prune_failures(now - 3'600'000).ok());
    CHECK(store.failures_since("status:x:230523104", 0) == 1);
    CHECK(count(c, "SELECT count(*) FROM rate_failures") == 1);
}

TEST_CASE("serve runs the alert rules on a timer, and stop() ends the timer at once", "[county][hardening]") {
    county::ServerConfig cfg;
    cfg.alert_interval_ms = 50;
    County c(cfg);
    CHECK(eventually([&] { return c.server->alert_runs() >= 2; }));
    c.stop();  // returns although the timer's next run is pending
    county::ServerConfig off;
    County quiet(off);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(quiet.server->alert_runs() == 0);  // the default is hourly
}

TEST_CASE("hardening: over the per-address cap the oldest connection goes, even one past its handshake", "[county][hardening]") {
    county::ServerConfig cfg;
    cfg.limits.max_connections_per_peer = 3;
    County c(cfg);
    SlowTls oldest(c.port, c.dir + "/ca.crt", "127.0.0.5");  // handshake done, waiting for a request
    REQUIRE(oldest.handshake());
    std::vector<int> later;
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        later.push_back(tcp_connect(c.port, "127.0.0.5"));  // still in their handshakes
    }
    CHECK(closed_by_server(oldest.fd, 5));
    for (int fd : later) CHECK(still_open(fd));
    CHECK(eventually([&] { return c.server->counters().closed_peer_cap == 1; }));
    for (int fd : later) ::close(fd);
}
