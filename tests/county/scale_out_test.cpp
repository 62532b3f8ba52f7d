// scale_out_test.cpp — several county-server processes on one store behave as one server (issue 17). Two real
// server processes share the county directory's store (on the county/postgres/ run, one PostgreSQL database; on the
// SQLite run, one county.db); four kiosks push to either at random, one kiosk's batch also reaches the other server at
// the same moment (a load balancer retrying), and one server SIGKILLs itself mid-stream and is restarted. Afterwards
// every kiosk's events are stored exactly once, in order, with their hash chain intact.
#include <random>
#include <thread>

#include "county/verify.hpp"
#include "support/county_http.hpp"
#include "support/server_process.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;

// (Catch's console reporter aborts on a test name wider than its page: keep the name short.)
TEST_CASE("two servers on one store, one SIGKILLed and restarted: every chain once, in order, intact", "[scale]") {
    County c;
    std::vector<std::unique_ptr<Kiosk>> kiosks;
    for (int i = 1; i <= 4; ++i) kiosks.push_back(c.add_kiosk("230523104-0" + std::to_string(i), "230523104", i));
    c.stop();  // from here on only the two server processes touch the store
    // The halls keep working while they sync: each round every kiosk records an application and nine quizzes, then
    // pushes them to a server picked at random; after the last one the queues drain.
    constexpr int kRounds = 16, kApplications = kRounds, kQuizzes = 9 * kRounds, kPerKiosk = kApplications + kQuizzes;
    auto produce = [&](Kiosk& k) {
        k.append(rec::type::application_submitted, k.application());
        for (int i = 0; i < 9; ++i) k.append(rec::type::quiz_answered, rec::QuizAnswered{"v", {{"q", i % 3, true}}});
    };

    // Server A dies (SIGKILL, by its own hook) once it has committed 200 events, mid-stream; B stays up.
    auto a = std::make_unique<ServerProcess>(c.dir, std::vector<std::string>{"YIMEN_FAULT_KILL_AFTER_EVENTS=200"});
    auto b = std::make_unique<ServerProcess>(c.dir, std::vector<std::string>{});
    std::mt19937 pick(2026);
    int kills = 0, rounds = 0;
    auto acknowledged = [&](Kiosk& k) { return k.journal->counts().acknowledged_through; };
    auto all_done = [&] {
        for (auto& k : kiosks)
            if (acknowledged(*k) < kPerKiosk) return false;
        return true;
    };
    while (rounds < 80 && (rounds < kRounds || !all_done())) {
        ++rounds;
        if (rounds <= kRounds)
            for (auto& k : kiosks) produce(*k);
        std::vector<std::unique_ptr<sync::Uploader>> uploaders;
        for (std::size_t i = 0; i < kiosks.size(); ++i) {
            auto cfg = kiosks[i]->config(pick() % 2 ? a->port : b->port);
            cfg.max_events_per_push = 20;
            auto u = sync::Uploader::create(kiosks[i]->db_path, kiosks[i]->id, cfg, kiosks[i]->clock, kiosks[i]->boot,
                                            kiosks[i]->rng);
            REQUIRE(u.ok());
            uploaders.push_back(std::move(u).value());
            if (i == 0) {  // the same kiosk's same batch, at the same moment, to the other server
                auto twin = kiosks[i]->config(cfg.server_url.find(std::to_string(a->port)) != std::string::npos ? b->port
                                                                                                                 : a->port);
                twin.max_events_per_push = 20;
                auto t = sync::Uploader::create(kiosks[i]->db_path, kiosks[i]->id, twin, kiosks[i]->clock,
                                                kiosks[i]->boot, kiosks[i]->rng);
                REQUIRE(t.ok());
                uploaders.push_back(std::move(t).value());
            }
        }
        std::vector<std::thread> pushers;
        std::vector<sync::SyncError> results(uploaders.size());
        for (std::size_t i = 0; i < uploaders.size(); ++i)
            pushers.emplace_back([&, i] { results[i] = uploaders[i]->sync_once(); });
        for (auto& t : pushers) t.join();
        // Only a round in which server A was killed may have failed pushes: its connections dropped (offline), or
        // reset in the middle of a TLS handshake (tls). Any other round, and any other failure (a push the store
        // refused because two servers wrote one kiosk's events at once), fails the test.
        const bool a_died = a->ended();
        for (auto& r : results) {
            INFO("round " << rounds << ": " << sync::category_name(r.category) << " " << r.message << " " << r.detail);
            if (a_died)
                CHECK((r.category == sync::ErrorCategory::none || r.category == sync::ErrorCategory::offline ||
                       r.category == sync::ErrorCategory::tls));
            else
                CHECK(r.category == sync::ErrorCategory::none);
        }
        if (a_died) {  // killed by its hook: restarted without it, as systemd would
            ++kills;
            a = std::make_unique<ServerProcess>(c.dir, std::vector<std::string>{});
        }
    }
    INFO("rounds " << rounds << ", kills " << kills);
    CHECK(kills == 1);
    REQUIRE(all_done());
    // A resident's status query answers the same from either server (the load balancer may pick either).
    {
        std::string receipt;
        auto store_now = open_test_store(c.dir);
        REQUIRE(store_now.ok());
        REQUIRE((*store_now)->query("SELECT receipt_number FROM applications ORDER BY receipt_number LIMIT 1", {},
                                    [&](const county::SqlRow& r) { receipt = r.text(0); })
                    .ok());
        std::vector<nlohmann::json> answers;
        for (int port : {a->port, b->port}) {
            auto u = sync::Uploader::create(kiosks[0]->db_path, kiosks[0]->id, kiosks[0]->config(port),
                                            kiosks[0]->clock, kiosks[0]->boot, kiosks[0]->rng);
            REQUIRE(u.ok());
            auto answer = (*u)->query_status(receipt, "0012");
            REQUIRE(answer.ok());
            CHECK(answer->found);
            answers.push_back(answer->body);
        }
        CHECK(answers[0] == answers[1]);
        CHECK(answers[0].value("receipt_number", "") == receipt);
    }
    a.reset();
    b.reset();

    auto store = open_test_store(c.dir);
    REQUIRE(store.ok());
    for (auto& k : kiosks) {
        INFO(k->id);
        CHECK(count(c, "SELECT count(*) FROM events WHERE kiosk_id = '" + k->id + "'") == kPerKiosk);
        CHECK(count(c, "SELECT count(DISTINCT seq) FROM events WHERE kiosk_id = '" + k->id + "'") == kPerKiosk);
        CHECK(count(c, "SELECT max(seq) FROM events WHERE kiosk_id = '" + k->id + "'") == kPerKiosk);
        CHECK(count(c, "SELECT seq FROM checkpoints WHERE kiosk_id = '" + k->id + "'") == kPerKiosk);
        auto chain = county::verify_kiosk_chain(**store, k->id, "");
        REQUIRE(chain.ok());
        CHECK(chain->chain_ok);
        CHECK(chain->events_checked == kPerKiosk);
        CHECK(chain->last_seq == kPerKiosk);
    }
    CHECK(count(c, "SELECT count(*) FROM applications") == 4 * kApplications);
    CHECK(count(c, "SELECT count(*) FROM records WHERE type = 'quiz.answered'") == 4 * kQuizzes);
    CHECK(count(c, "SELECT count(*) FROM events WHERE status <> 'accepted'") == 0);
}
