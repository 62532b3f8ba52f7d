// scale_out_test.cpp — several county-server processes on one store behave as one server (issue 17). Two real
// server processes share the county directory's store (on the county/postgres/ run, one PostgreSQL database; on the
// SQLite run, one county.db); four kiosks push to either at random, one kiosk's batch also reaches the other server at
// the same moment (a load balancer retrying), and one server SIGKILLs itself mid-stream and is restarted. Afterwards
// every kiosk's events are stored exactly once, in order, with their hash chain intact, and both servers give the
// same answers: status queries, casework, the pull feed, the figures.
#include <algorithm>
#include <chrono>
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
    // Staff tokens issued at the wall clock's now: the server processes judge them by it, not by the fixture's clock.
    const UtcMillis skew = c.clock.now_utc_ms() - SystemClock().now_utc_ms();
    const std::string township_token = add_user(c, "township-staff", "230523104", std::nullopt, skew).token;
    const std::string county_token = add_user(c, "county-staff", "", std::nullopt, skew).token;
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
        // A process killing itself resets its connections before it can be reaped: when a push failed, give server
        // A's end a moment to show (bounded) before deciding which kind of round this was.
        bool a_died = a->ended();
        const bool any_failed = std::any_of(results.begin(), results.end(),
                                            [](const sync::SyncError& r) { return r.category != sync::ErrorCategory::none; });
        for (int waited = 0; any_failed && !a_died && waited < 100; ++waited) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            a_died = a->ended();
        }
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
    // Whichever server the load balancer picks, every answer is the same: a resident's status query, a stage recorded
    // on one and read on the other, the kiosk's pull feed, the supervision figures.
    {
        std::string receipt, programme;
        auto store_now = open_test_store(c.dir);
        REQUIRE(store_now.ok());
        REQUIRE((*store_now)->query("SELECT receipt_number, programme FROM applications ORDER BY receipt_number LIMIT 1", {},
                                    [&](const county::SqlRow& r) {
                                        receipt = r.text(0);
                                        programme = r.text(1);
                                    })
                    .ok());
        auto staff_call = [&](int port, const std::string& token, const std::string& method, const std::string& path,
                              const std::string& body = "") {
            RawOptions o;
            o.headers = {"Authorization: Bearer " + token, "Content-Type: application/json"};
            auto r = request(port, c.dir, method, path, body, o);
            REQUIRE(r.code == CURLE_OK);
            INFO(method << " " << path << " → " << r.status << " " << r.body.substr(0, 300));
            CHECK(r.status == 200);
            return nlohmann::json::parse(r.body, nullptr, false);
        };
        nlohmann::json accept = {{"stage", "accepted"}};
        if (const Programme* p = shared_policy().rules.programme(programme))
            if (const StageDef* st = p->stage("accepted")) accept["documents"] = st->documents;
        const nlohmann::json recorded =
            staff_call(a->port, township_token, "POST", "/api/v1/cases/" + receipt + "/stages", accept.dump());
        REQUIRE(recorded.is_object());
        CHECK(recorded.value("current_stage", "") == "accepted");
        nlohmann::json as_read = recorded;
        as_read.erase("recorded_stage_id");  // only the answer to the POST names the stage row it wrote
        CHECK(staff_call(b->port, township_token, "GET", "/api/v1/cases/" + receipt) == as_read);

        std::vector<nlohmann::json> answers, feeds, figures;
        for (int port : {a->port, b->port}) {
            auto u = sync::Uploader::create(kiosks[0]->db_path, kiosks[0]->id, kiosks[0]->config(port),
                                            kiosks[0]->clock, kiosks[0]->boot, kiosks[0]->rng);
            REQUIRE(u.ok());
            auto answer = (*u)->query_status(receipt, "0012");
            REQUIRE(answer.ok());
            CHECK(answer->found);
            answers.push_back(answer->body);
            RawOptions kiosk_tls;
            kiosk_tls.cert_dir = kiosks[0]->cert_dir;
            auto pulled = request(port, c.dir, "GET", std::string(sync::protocol::kPullPath) + "?cursor=0", "", kiosk_tls);
            REQUIRE(pulled.status == 200);
            auto feed = nlohmann::json::parse(pulled.body, nullptr, false);
            REQUIRE(feed.is_object());
            feed.erase("server_time");  // the one member that is each server's own
            feeds.push_back(feed);
            figures.push_back(staff_call(port, county_token, "GET", "/api/v1/stats/summary"));
        }
        CHECK(answers[0] == answers[1]);
        CHECK(answers[0].value("receipt_number", "") == receipt);
        CHECK(feeds[0] == feeds[1]);
        CHECK(feeds[0].dump().find(receipt) != std::string::npos);  // the stage reached the township's feed
        CHECK(figures[0] == figures[1]);
        CHECK(figures[0]["timeliness"].is_object());
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
