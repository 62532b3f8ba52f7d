// fault_test.cpp — deterministic fault injection on the real county code in its own process (county-server-faulty:
// county-server with push hooks): it SIGKILLs itself after committing N events, or inside a push before committing.
// After the kiosk retries, the county's counts equal the kiosk's: nothing lost, nothing twice.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "support/county_fixture.hpp"
#include "support/server_process.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;

namespace {

std::int64_t county_count(const std::string& dir, const std::string& sql) {
    auto db = sqlite::Database::open(dir + "/county.db");
    REQUIRE(db.ok());
    return (*db)->scalar(sql).value_or(-1);
}

// A county directory with PKI and one registered kiosk, but no server running in this process.
struct Setup {
    County county;  // only for its PKI, directory and kiosk helpers
    std::unique_ptr<Kiosk> kiosk;
    Setup() {
        kiosk = county.add_kiosk("230523104-01");
        county.stop();  // the real process will serve this directory
        for (int i = 0; i < 10; ++i) kiosk->append(rec::type::application_submitted, kiosk->application());
        for (int i = 0; i < 290; ++i) kiosk->append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", i % 3, true}}});
    }
    void connect(int port) {
        auto cfg = kiosk->config(port);
        cfg.max_events_per_push = 50;
        kiosk->connect(port, cfg);
    }
};

}  // namespace

TEST_CASE("the server killed after committing N events: the kiosk's retry makes the counts equal", "[fault]") {
    Setup s;
    {
        ServerProcess p(s.county.dir, {"YIMEN_FAULT_KILL_AFTER_EVENTS=120"});
        s.connect(p.port);
        auto e = s.kiosk->uploader->sync_once();
        CHECK(e.category == sync::ErrorCategory::offline);  // the connection died with the server
        CHECK(p.wait_killed());
    }
    // The third batch was committed but never acknowledged.
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM events") == 150);
    CHECK(s.kiosk->journal->counts().acknowledged_through == 100);
    {
        ServerProcess p(s.county.dir, {});
        s.connect(p.port);
        auto e = s.kiosk->uploader->sync_once();
        INFO(e.message << " " << e.detail);
        CHECK(e.category == sync::ErrorCategory::none);
    }
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM events") == 300);
    CHECK(county_count(s.county.dir, "SELECT count(DISTINCT seq) FROM events") == 300);
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM applications") == 10);
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM records WHERE type = 'quiz.answered'") == 290);
    auto c = s.kiosk->journal->counts();
    CHECK(c.acknowledged_through == 300);
    CHECK(c.unacknowledged == 0);
}

TEST_CASE("the server killed inside a push before committing: nothing stored, then everything once", "[fault]") {
    Setup s;
    {
        ServerProcess p(s.county.dir, {"YIMEN_FAULT_KILL_BEFORE_COMMIT=1"});
        s.connect(p.port);
        CHECK(s.kiosk->uploader->sync_once().category == sync::ErrorCategory::offline);
        CHECK(p.wait_killed());
    }
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM events") == 0);
    CHECK(s.kiosk->journal->counts().acknowledged_through == 0);
    {
        ServerProcess p(s.county.dir, {});
        s.connect(p.port);
        CHECK(s.kiosk->uploader->sync_once().category == sync::ErrorCategory::none);
    }
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM events") == 300);
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM applications") == 10);
}

TEST_CASE("SIGTERM while a push is being answered: the push is committed and acknowledged, then the server exits 0",
          "[fault]") {
    Setup s;
    ServerProcess p(s.county.dir, {"YIMEN_FAULT_HANDLER_DELAY_MS=1500"});
    s.connect(p.port);
    sync::SyncError result;
    std::thread pusher([&] { result = s.kiosk->uploader->sync_once(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the first push is now inside its handler
    REQUIRE(kill(p.pid, SIGTERM) == 0);
    pusher.join();
    CHECK(p.wait_clean_exit());
    // The batch in flight was answered; the ones after it found the server gone (or were answered before it left).
    const auto acked = s.kiosk->journal->counts().acknowledged_through;
    CHECK(acked >= 50);
    CHECK(county_count(s.county.dir, "SELECT count(*) FROM events") == acked);
    INFO(result.message);
}
