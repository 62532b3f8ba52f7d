// core_test.cpp — the kiosk core's parts on their own: the task runner's lanes and main-thread queue, the one
// transaction helper (a record and its journal event together or not at all, with a real SQLite file), and the
// session wipe that leaves nothing of one resident for the next.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include <sqlite3.h>

#include "kiosk/model/kiosk_app.hpp"
#include "kiosk/model/record_tx.hpp"
#include "support.hpp"

using namespace yimen;
using namespace yimen::kiosk;

TEST_CASE("task runner: work runs on its lane, its result on the main thread at drain", "[kiosk][core]") {
    TaskRunner runner;
    const auto main_id = std::this_thread::get_id();
    std::thread::id work_id, done_id;
    int result = 0;
    runner.submit<int>(
        Lane::records,
        [&work_id] {
            work_id = std::this_thread::get_id();
            return 42;
        },
        [&](int r) {
            done_id = std::this_thread::get_id();
            result = r;
        });
    CHECK(runner.pending() == 1);
    runner.settle(10000);
    CHECK(runner.pending() == 0);
    CHECK(result == 42);
    CHECK(work_id != main_id);
    CHECK(done_id == main_id);
}

TEST_CASE("task runner: one lane keeps order, a blocked lane does not hold up another", "[kiosk][core]") {
    TaskRunner runner;
    std::promise<void> release;
    auto gate = release.get_future().share();
    std::vector<int> order;
    // The county lane waits until the test lets it go (a county query that hangs).
    runner.submit<int>(Lane::county, [gate] { gate.wait(); return 0; }, [&order](int) { order.push_back(0); });
    for (int i = 1; i <= 3; ++i) runner.submit<int>(Lane::print, [i] { return i; }, [&order](int v) { order.push_back(v); });
    // The print lane's three jobs land while the county lane is still blocked.
    while (order.size() < 3) runner.drain();
    CHECK(order == std::vector<int>{1, 2, 3});
    CHECK(runner.pending() == 1);
    release.set_value();
    runner.settle(10000);
    CHECK(order == std::vector<int>{1, 2, 3, 0});
}

TEST_CASE("task runner: posting wakes the loop", "[kiosk][core]") {
    TaskRunner runner;
    std::atomic<int> wakes{0};
    runner.set_wake([&wakes] { ++wakes; });
    runner.submit<int>(Lane::ink, [] { return 1; }, [](int) {});
    runner.settle(10000);
    CHECK(wakes.load() >= 1);
}

namespace {

struct StoreFixture {
    std::string dir = kiosk_test::scratch_dir("core-tx");
    FixedClock clock{kiosk_test::test_now()};
    std::unique_ptr<KioskStore> store;
    StoreFixture() {
        auto s = KioskStore::open(dir + "/kiosk.db", "K-TEST-01", clock);
        REQUIRE(s.ok());
        store = std::move(s).value();
    }
    int ratings() {
        auto st = store->db().prepare("SELECT count(*) FROM kiosk_ratings");
        REQUIRE(st.ok());
        REQUIRE(st.step() == SQLITE_ROW);
        return static_cast<int>(st.integer(0));
    }
};

Result<JournalEvent> write_rating(KioskStore& store, sqlite::Transaction& tx, const CivilDate& day) {
    if (auto s = store.insert_rating(tx, "", 5, day); !s) return s.error();
    records::RatingGiven r;
    r.level = 5;
    r.channel = "kiosk";
    return JournalEvent{records::type::rating_given, {"resident", ""}, nlohmann::json(r)};
}

}  // namespace

TEST_CASE("transaction helper: the record and its event commit together", "[kiosk][core]") {
    StoreFixture f;
    auto day = f.clock.today();
    auto r = journaled_write(*f.store, [&](sqlite::Transaction& tx) { return write_rating(*f.store, tx, day); });
    REQUIRE(r.ok());
    CHECK(f.ratings() == 1);
    CHECK(f.store->events().events_of_type(records::type::rating_given).size() == 1);
}

TEST_CASE("transaction helper: a failing append rolls the record back", "[kiosk][core]") {
    StoreFixture f;
    // The journal refuses every new event (as a full disk or a broken journal would).
    REQUIRE(f.store->db().exec("CREATE TRIGGER refuse BEFORE INSERT ON journal_events "
                               "BEGIN SELECT RAISE(ABORT, 'journal refuses'); END").ok());
    auto day = f.clock.today();
    auto r = journaled_write(*f.store, [&](sqlite::Transaction& tx) { return write_rating(*f.store, tx, day); });
    CHECK_FALSE(r.ok());
    CHECK(f.ratings() == 0);
    CHECK(f.store->events().events_of_type(records::type::rating_given).empty());
    // The connection is usable again afterwards: nothing was left open.
    REQUIRE(f.store->db().exec("DROP TRIGGER refuse").ok());
    auto again = journaled_write(*f.store, [&](sqlite::Transaction& tx) { return write_rating(*f.store, tx, day); });
    CHECK(again.ok());
    CHECK(f.ratings() == 1);
}

TEST_CASE("transaction helper: a failing write appends no event", "[kiosk][core]") {
    StoreFixture f;
    auto r = journaled_write(*f.store, [](sqlite::Transaction&) -> Result<JournalEvent> {
        return Error{"refused", "the write refuses"};
    });
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "refused");
    CHECK(f.store->events().counts().last_seq == 0);
}

TEST_CASE("router: the idle clocks warn, count down and wipe, and the wipe starts a new generation at home",
          "[kiosk][core]") {
    FixedClock clock{kiosk_test::test_now()};
    KioskConfig cfg = demo_config(kiosk_test::scratch_dir("core-router"));
    cfg.idle_warn_seconds = 60;
    cfg.idle_countdown_seconds = 20;
    Router router(cfg, clock);
    // At home nothing runs: nobody's session to end.
    clock.set(clock.now_utc_ms() + 600 * 1000);
    CHECK_FALSE(router.check(false).wipe);
    CHECK(router.next_timer_ms(false) == -1);

    router.show(Screen::intake);
    router.touched();
    CHECK(router.next_timer_ms(false) == 60 * 1000);
    clock.set(clock.now_utc_ms() + 59 * 1000);
    auto due = router.check(false);
    CHECK_FALSE(due.warning);
    clock.set(clock.now_utc_ms() + 1000);
    due = router.check(false);
    CHECK(due.warning);
    CHECK(due.warning_began);
    CHECK(router.idle_seconds_left() == 20);
    CHECK_FALSE(router.check(false).warning_began);  // once per warning
    // A touch during the countdown keeps the session.
    router.touched();
    CHECK_FALSE(router.idle_warning(false));
    clock.set(clock.now_utc_ms() + 80 * 1000);
    due = router.check(false);
    CHECK(due.wipe);
    const int before = router.wipe_generation();
    router.wiped();
    CHECK(router.screen() == Screen::home);
    CHECK(router.wipe_generation() == before + 1);
    CHECK_FALSE(router.check(false).wipe);
}

TEST_CASE("router: staff mode keeps the clocks running at home and logs staff out when idle", "[kiosk][core]") {
    FixedClock clock{kiosk_test::test_now()};
    KioskConfig cfg = demo_config(kiosk_test::scratch_dir("core-router-staff"));
    Router router(cfg, clock);
    router.staff_began();
    CHECK(router.next_timer_ms(true) > 0);
    clock.set(clock.now_utc_ms() + std::int64_t{cfg.staff_idle_seconds} * 1000);
    CHECK(router.check(true).staff_logout);
}
