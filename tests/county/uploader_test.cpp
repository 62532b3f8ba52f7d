// uploader_test.cpp — the kiosk's sync worker: exact backoff delays with an injected random source, and the status
// snapshot the staff screen shows when offline, on a TLS failure, on HTTP 503 and after a rejected event.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include "support/county_fixture.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;

namespace {

// A loopback port that is bound but never listens, held for the test's whole run: a connection to it is refused at
// once, and no other process can take the port meanwhile (probing a free port and releasing it would race).
class RefusingPort {
public:
    RefusingPort() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        REQUIRE(fd_ >= 0);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port_ = ntohs(a.sin_port);
    }
    ~RefusingPort() { ::close(fd_); }
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace

TEST_CASE("backoff doubles from 1 s to a 5-minute cap with ±20 % jitter", "[uploader]") {
    sync::Backoff b(1000, 300'000, 0.2);
    FixedRandom mid(0.5), low(0.0), high(0.999999);
    const std::int64_t expected[] = {1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000};
    for (auto e : expected) CHECK(b.next_delay_ms(mid) == e);
    b.reset();
    CHECK(b.next_delay_ms(low) == 800);
    CHECK(b.next_delay_ms(high) == 2400);
    for (int i = 0; i < 30; ++i) b.next_delay_ms(mid);  // never gives up, never overflows
    CHECK(b.next_delay_ms(low) == 240000);
    CHECK(b.failures() == 33);
}

TEST_CASE("status snapshot when the county cannot be reached", "[uploader]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    RefusingPort nobody;
    auto cfg = k->config(nobody.port());
    k->connect(0, cfg);
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 0, true}}});
    k->clock.set(k->clock.now_utc_ms() + 90'000);
    auto e1 = k->uploader->sync_once();
    CHECK(e1.category == sync::ErrorCategory::offline);
    auto e2 = k->uploader->sync_once();
    CHECK(e2.category == sync::ErrorCategory::offline);
    auto s = k->uploader->status();
    CHECK(s.queue_depth == 1);
    REQUIRE(s.oldest_unsent_age_ms.has_value());
    CHECK(*s.oldest_unsent_age_ms >= 90'000);
    CHECK_FALSE(s.last_success.has_value());
    CHECK(s.last_error.category == sync::ErrorCategory::offline);
    CHECK(s.last_error.message.find("连不上县服务器") != std::string::npos);
    CHECK(s.consecutive_failures == 2);
    CHECK(s.next_attempt_in_ms == 2000);  // 1 s, then 2 s (jitter source fixed at the middle)
    // When the county is reachable again, everything goes and the backoff resets.
    k->connect(c.port);
    CHECK(k->uploader->sync_once().category == sync::ErrorCategory::none);
    s = k->uploader->status();
    CHECK(s.queue_depth == 0);
    CHECK(s.consecutive_failures == 0);
    CHECK(s.last_success.has_value());
}

TEST_CASE("status snapshot on a TLS failure", "[uploader]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    TempDir other;
    REQUIRE(county::pki::init(other.str() + "/x", {}).ok());
    auto cfg = k->config(c.port);
    cfg.ca_file = other.str() + "/x/ca.crt";  // a CA that did not sign the county's server certificate
    k->connect(0, cfg);
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 0, true}}});
    auto e = k->uploader->sync_once();
    CHECK(e.category == sync::ErrorCategory::tls);
    auto s = k->uploader->status();
    CHECK(s.last_error.message.find("安全连接失败") != std::string::npos);
    CHECK(s.queue_depth == 1);
    CHECK(s.next_attempt_in_ms == 1000);
}

TEST_CASE("status snapshot on HTTP 503", "[uploader]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    httplib::SSLServer busy((c.dir + "/server.crt").c_str(), (c.dir + "/server.key").c_str());
    busy.Get(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
    busy.Post(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
    const int port = busy.bind_to_any_port("127.0.0.1");
    std::thread t([&] { busy.listen_after_bind(); });
    while (!busy.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    k->connect(0, k->config(port));
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 0, true}}});
    auto e = k->uploader->sync_once();
    busy.stop();
    t.join();
    CHECK(e.category == sync::ErrorCategory::busy);
    auto s = k->uploader->status();
    CHECK(s.last_error.message.find("繁忙") != std::string::npos);
    CHECK(s.last_error.detail.find("503") != std::string::npos);
    CHECK(s.queue_depth == 1);
}

TEST_CASE("a rejected event is quarantined, reported, and does not block the ones behind it", "[uploader]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 0, true}}});
    rec::RatingGiven bad{"", 9, {}, {}, "", "kiosk", ""};  // level 9 does not exist
    k->append(rec::type::rating_given, bad);
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 1, false}}});
    auto e = k->uploader->sync_once();
    CHECK(e.category == sync::ErrorCategory::rejected_event);
    auto s = k->uploader->status();
    CHECK(s.queue_depth == 0);
    REQUIRE(s.quarantined.size() == 1);
    CHECK(s.quarantined[0].seq == 2);
    CHECK(s.quarantined[0].code == "bad_level");
    CHECK(s.last_error.message.find("已隔离") != std::string::npos);
    CHECK(s.server_checkpoint == 3);
    CHECK(s.last_success.has_value());
    CHECK(s.consecutive_failures == 0);
}

TEST_CASE("the worker thread wakes on an append and uploads without blocking the caller", "[uploader]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    k->uploader->start();
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 0, true}}});
    k->uploader->notify_append();
    for (int i = 0; i < 500 && k->uploader->status().server_checkpoint < 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(k->uploader->status().server_checkpoint == 1);
    k->uploader->stop();
}

TEST_CASE("every push carries the fleet facts: events still queued, the printer's state, the software version",
          "[uploader]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    auto cfg = k->config(c.port);
    cfg.max_events_per_push = 2;
    cfg.software_version = "0.1.0-test";
    std::vector<std::string> states = {"paper_empty"};
    cfg.printer_state = [&states] { return states.back(); };
    k->connect(c.port, cfg);
    for (int i = 0; i < 5; ++i) k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 0, true}}});
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto fleet = [&] {
        nlohmann::json row;
        REQUIRE(c.server->store().query("SELECT queue_depth, printer, software_version FROM kiosk_fleet WHERE kiosk_id = ?1",
                                {std::string("230523104-01")}, [&](const county::SqlRow& r) {
                                    row = {r.integer(0), r.text(1), r.text(2)};
                                }).ok());
        return row;
    };
    // Three pushes of 2, 2 and 1 events: the last one leaves nothing queued.
    CHECK(fleet() == nlohmann::json({0, "paper_empty", "0.1.0-test"}));
    states.push_back("ok");
    k->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", 0, true}}});
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(fleet() == nlohmann::json({0, "ok", "0.1.0-test"}));
}
