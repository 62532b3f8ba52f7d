// pulled_test.cpp — the county's pulled data kept once on the kiosk: the kiosk's status lookup and staff login read
// sync's pulled tables (written here as the uploader writes them, on a connection of its own) with no copy into the
// kiosk's tables; the kiosk's own rows still answer for what it recorded; which of the two wins when both exist; and
// the one-off clean-up of the copies an older kiosk made.
#include <catch2/catch.hpp>

#include "kiosk/model/pin.hpp"
#include "kiosk/model/record_services.hpp"
#include "kiosk/model/staff_session.hpp"
#include "kiosk/model/status_model.hpp"
#include "policy/policy_data.hpp"
#include "policy/receipt_number.hpp"
#include "sync/protocol.hpp"
#include "sync/pulled_store.hpp"
#include "support.hpp"

using namespace yimen;
using namespace yimen::kiosk;
using nlohmann::json;

namespace {

constexpr std::int64_t kMinute = 60 * 1000;

struct PulledFixture {
    std::string dir;
    FixedClock clock{kiosk_test::test_now()};
    KioskConfig config;
    PolicyData data;
    std::unique_ptr<KioskStore> store;
    // The uploader's side: its own connection to the same file, and sync's PulledStore on it.
    std::unique_ptr<sqlite::Database> sync_db;
    std::unique_ptr<sync::PulledStore> pulled;

    explicit PulledFixture(const std::string& name) : dir(kiosk_test::scratch_dir(name)) {
        auto d = load_policy_data(kiosk_test::assets_dir());
        REQUIRE(d.ok());
        data = std::move(d).value();
        reopen();
        auto db = sqlite::Database::open(path());
        REQUIRE(db.ok());
        sync_db = std::move(db).value();
        auto p = sync::PulledStore::open(*sync_db);
        REQUIRE(p.ok());
        pulled = std::move(p).value();
    }
    std::string path() const { return dir + "/kiosk.db"; }
    void reopen() {
        store.reset();
        auto s = KioskStore::open(path(), "K-TEST-01", clock);
        REQUIRE(s.ok());
        store = std::move(s).value();
    }
    std::int64_t count(const std::string& sql) { return store->db().scalar(sql).value_or(-1); }

    std::string receipt(int seq) {
        auto rn = make_receipt_number(ReceiptType::application, std::stoi(config.township_code), config.kiosk_number,
                                      clock.today().plus_days(-10), seq);
        REQUIRE(rn.ok());
        return rn.value().text;
    }
    // The county's status record as county/ingest.cpp builds it (the fields the kiosk reads), stages dated from
    // ten days ago.
    json status_body(const std::string& receipt, const std::vector<std::string>& stages) {
        json timeline = json::array();
        auto day = clock.today().plus_days(-10);
        for (auto& s : stages) timeline.push_back({{"stage", s}, {"name", s}, {"date", day.iso()}});
        return {{"receipt_number", receipt}, {"programme", "dibao"}, {"township", config.township_code},
                {"id_last4_tag", sync::protocol::id_last4_tag(receipt, "0012")}, {"close_relative", false},
                {"timeline", timeline}, {"current_stage", stages.back()}};
    }
    void pull_status(const std::string& receipt, const std::vector<std::string>& stages, UtcMillis at) {
        REQUIRE(pulled->put_status(receipt, status_body(receipt, stages), at).ok());
    }
    // A case this kiosk recorded itself (as RecordServices does at submission), with its masked name.
    void record_locally(const std::string& receipt, const std::vector<std::string>& stages, UtcMillis at) {
        CaseRecord c;
        c.receipt_number = receipt;
        c.programme = "dibao";
        c.masked_name = "Z*H";
        c.last4_hash = last4_hash(receipt, "0012");
        for (auto& s : stages) c.history.push_back({s, clock.today().plus_days(-10), "resident", "", json::object(), {}});
        c.updated_ms = at;
        auto tx = store->begin();
        REQUIRE(tx.ok());
        REQUIRE(store->upsert_case(*tx.value(), c).ok());
        REQUIRE(tx.value()->commit().ok());
    }
    // The kiosk's status lookup with no county reachable: the local answer, checked against the last four.
    std::optional<CaseRecord> look_up(const std::string& receipt, const std::string& last4) {
        RecordServices services(*store, config, data, clock);
        return services.record_status_query(receipt, last4, RemoteStatus{}, false, {"resident", ""});
    }
    std::vector<std::string> stages_of(const CaseRecord& c) {
        std::vector<std::string> out;
        for (auto& e : c.history) out.push_back(e.stage);
        return out;
    }
};

}  // namespace

TEST_CASE("pulled data: a status the county link pulled is found by the status lookup with no copy",
          "[kiosk][pulled]") {
    PulledFixture f("pulled-status");
    const auto rn = f.receipt(21);
    const auto pulled_at = f.clock.now_utc_ms() - 30 * kMinute;
    f.pull_status(rn, {"applied", "accepted", "investigation_started"}, pulled_at);

    auto found = f.look_up(rn, "0012");
    REQUIRE(found.has_value());
    CHECK(found->receipt_number == rn);
    CHECK(found->programme == "dibao");
    CHECK(f.stages_of(*found) == std::vector<std::string>{"applied", "accepted", "investigation_started"});
    CHECK(found->history.front().date == f.clock.today().plus_days(-10));
    CHECK(found->updated_ms == pulled_at);  // the age the screen states is the pull's
    CHECK_FALSE(f.look_up(rn, "0013").has_value());  // the same answer as an unknown number
    CHECK_FALSE(f.look_up(f.receipt(22), "0012").has_value());
    // Nothing was copied into the kiosk's own table.
    CHECK(f.count("SELECT count(*) FROM kiosk_cases") == 0);

    // A later pull is read at once.
    f.pull_status(rn, {"applied", "accepted", "investigation_started", "approved"}, pulled_at + kMinute);
    auto again = f.store->case_record(rn);
    REQUIRE(again.has_value());
    CHECK(again->history.size() == 4);
    CHECK(again->updated_ms == pulled_at + kMinute);
}

TEST_CASE("pulled data: a pulled staff account logs in and the kiosk's own failure counter locks it out",
          "[kiosk][pulled][staff]") {
    PulledFixture f("pulled-staff");
    REQUIRE(f.pulled->put_staff({"3001", "Li Na", "township-staff", hash_pin("2468", 1024)}).ok());
    StaffSession session(*f.store, f.config, f.clock);

    auto ok = session.attempt("3001", "2468");
    CHECK(ok.kind == LoginOutcome::Kind::ok);
    CHECK(ok.name == "Li Na");
    CHECK(f.store->staff_count() == 1);
    CHECK(f.count("SELECT count(*) FROM kiosk_staff") == 0);  // no copy

    for (int i = 1; i < f.config.staff_max_failures; ++i)
        CHECK(session.attempt("3001", "0000").kind == LoginOutcome::Kind::wrong);
    CHECK(session.attempt("3001", "0000").kind == LoginOutcome::Kind::locked_now);
    CHECK(session.attempt("3001", "2468").kind == LoginOutcome::Kind::still_locked);
    // The counter is the kiosk's: the pulled account is untouched, and a pull does not lift the lock.
    CHECK(f.store->staff_failures("3001").second > f.clock.now_utc_ms());
    REQUIRE(f.pulled->put_staff({"3001", "Li Na", "township-staff", hash_pin("2468", 1024)}).ok());
    CHECK(session.attempt("3001", "2468").kind == LoginOutcome::Kind::still_locked);
    f.clock.set(f.clock.now_utc_ms() + (f.config.staff_lockout_seconds + 1) * 1000);
    CHECK(session.attempt("3001", "2468").kind == LoginOutcome::Kind::ok);
}

TEST_CASE("pulled data: a case recorded at this kiosk is still found, and a demo account still logs in",
          "[kiosk][pulled]") {
    PulledFixture f("pulled-local");
    const auto rn = f.receipt(31);
    f.record_locally(rn, {"applied"}, f.clock.now_utc_ms());
    auto found = f.look_up(rn, "0012");
    REQUIRE(found.has_value());
    CHECK(found->masked_name == "Z*H");
    CHECK(f.stages_of(*found) == std::vector<std::string>{"applied"});
    CHECK_FALSE(f.look_up(rn, "9999").has_value());

    REQUIRE(f.store->upsert_staff({"1001", "Demo", hash_pin("123456", 1024)}).ok());
    StaffSession session(*f.store, f.config, f.clock);
    CHECK(session.attempt("1001", "123456").kind == LoginOutcome::Kind::ok);
}

TEST_CASE("pulled data: the later of the kiosk's row and the county's status wins, the county on a tie",
          "[kiosk][pulled]") {
    PulledFixture f("pulled-precedence");
    const auto rn = f.receipt(41);
    const auto t0 = f.clock.now_utc_ms() - 60 * kMinute;
    f.record_locally(rn, {"applied"}, t0);

    SECTION("a county status pulled after the kiosk recorded the case wins, keeping the kiosk's masked name") {
        f.pull_status(rn, {"applied", "accepted", "investigation_started"}, t0 + 10 * kMinute);
        auto c = f.look_up(rn, "0012");
        REQUIRE(c.has_value());
        CHECK(f.stages_of(*c) == std::vector<std::string>{"applied", "accepted", "investigation_started"});
        CHECK(c->updated_ms == t0 + 10 * kMinute);
        CHECK(c->masked_name == "Z*H");  // the county sends no names
    }
    SECTION("on a tie the county wins") {
        f.pull_status(rn, {"applied", "rejected"}, t0);
        auto c = f.store->case_record(rn);
        REQUIRE(c.has_value());
        CHECK(f.stages_of(*c) == std::vector<std::string>{"applied", "rejected"});
    }
    SECTION("a step recorded here after the last pull shows until the county's next status arrives") {
        f.pull_status(rn, {"applied"}, t0 + 10 * kMinute);
        // Accepted at this desk, offline: the kiosk's row (the pulled history plus the step) is the later state.
        auto c = f.store->case_record(rn);
        REQUIRE(c.has_value());
        c->history.push_back({"accepted", f.clock.today(), "township", "", json::object(), {}});
        c->updated_ms = t0 + 20 * kMinute;
        auto tx = f.store->begin();
        REQUIRE(tx.ok());
        REQUIRE(f.store->upsert_case(*tx.value(), *c).ok());
        REQUIRE(tx.value()->commit().ok());
        auto shown = f.look_up(rn, "0012");
        REQUIRE(shown.has_value());
        CHECK(f.stages_of(*shown) == std::vector<std::string>{"applied", "accepted"});
        // The county's status after the acceptance went up wins again.
        f.pull_status(rn, {"applied", "accepted", "investigation_started"}, t0 + 30 * kMinute);
        shown = f.look_up(rn, "0012");
        REQUIRE(shown.has_value());
        CHECK(f.stages_of(*shown) == std::vector<std::string>{"applied", "accepted", "investigation_started"});
    }
}

TEST_CASE("pulled data: the county's account wins over a kiosk-local one with the same number, even disabled",
          "[kiosk][pulled][staff]") {
    PulledFixture f("pulled-staff-precedence");
    REQUIRE(f.store->upsert_staff({"1001", "Demo", hash_pin("111111", 1024)}).ok());
    REQUIRE(f.pulled->put_staff({"1001", "Li Na", "township-staff", hash_pin("222222", 1024)}).ok());
    CHECK(f.store->staff_count() == 1);
    StaffSession session(*f.store, f.config, f.clock);
    CHECK(session.attempt("1001", "111111").kind == LoginOutcome::Kind::wrong);
    auto ok = session.attempt("1001", "222222");
    CHECK(ok.kind == LoginOutcome::Kind::ok);
    CHECK(ok.name == "Li Na");
    // The county withdraws the login (an empty hash): the local account does not come back.
    REQUIRE(f.pulled->put_staff({"1001", "Li Na", "township-staff", ""}).ok());
    CHECK(session.attempt("1001", "111111").kind == LoginOutcome::Kind::wrong);
    CHECK(session.attempt("1001", "222222").kind == LoginOutcome::Kind::wrong);
}

TEST_CASE("pulled data: an older kiosk's copies of pulled rows are removed once, the kiosk's own rows stay",
          "[kiosk][pulled]") {
    PulledFixture f("pulled-migration");
    const auto copied = f.receipt(51);
    const auto changed = f.receipt(52);
    const auto local = f.receipt(53);
    const auto t = f.clock.now_utc_ms() - 60 * kMinute;
    f.pull_status(copied, {"applied", "accepted"}, t);
    f.pull_status(changed, {"applied"}, t);
    REQUIRE(f.pulled->put_staff({"3001", "Li Na", "township-staff", hash_pin("2468", 1024)}).ok());
    {
        // What the old county link wrote after each pull: the converted status and the account, copied.
        auto tx = f.store->begin();
        REQUIRE(tx.ok());
        auto body = f.pulled->status(copied);
        REQUIRE(body.has_value());
        REQUIRE(f.store->upsert_case(*tx.value(), case_from_status(body->body, t + 5)).ok());
        auto second = case_from_status(f.pulled->status(changed)->body, t + 5);
        second.history.push_back({"accepted", f.clock.today(), "township", "", json::object(), {"id_card"}});
        second.updated_ms = t + kMinute;  // accepted here after the copy was made
        REQUIRE(f.store->upsert_case(*tx.value(), second).ok());
        REQUIRE(tx.value()->commit().ok());
        REQUIRE(f.store->upsert_staff({"3001", "Li Na", f.pulled->staff("3001")->pin_hash}).ok());
    }
    f.record_locally(local, {"applied"}, t);
    REQUIRE(f.store->upsert_staff({"1002", "Demo", hash_pin("654321", 1024)}).ok());
    // The database as it was before the upgrade: the clean-up has not run.
    REQUIRE(f.store->db().exec("DELETE FROM kiosk_migrations").ok());
    CHECK(f.count("SELECT count(*) FROM kiosk_cases") == 3);
    CHECK(f.count("SELECT count(*) FROM kiosk_staff") == 2);

    f.reopen();
    CHECK(f.count("SELECT count(*) FROM kiosk_cases WHERE receipt = '" + copied + "'") == 0);
    CHECK(f.count("SELECT count(*) FROM kiosk_cases WHERE receipt = '" + changed + "'") == 1);
    CHECK(f.count("SELECT count(*) FROM kiosk_cases WHERE receipt = '" + local + "'") == 1);
    CHECK(f.count("SELECT count(*) FROM kiosk_staff WHERE staff_id = '3001'") == 0);
    CHECK(f.count("SELECT count(*) FROM kiosk_staff WHERE staff_id = '1002'") == 1);
    CHECK(f.count("SELECT count(*) FROM kiosk_migrations WHERE name = 'drop_pulled_copies'") == 1);
    CHECK(f.store->staff_count() == 2);

    // Every case still reads as before.
    auto a = f.look_up(copied, "0012");
    REQUIRE(a.has_value());
    CHECK(f.stages_of(*a) == std::vector<std::string>{"applied", "accepted"});
    CHECK(a->updated_ms == t);
    auto b = f.look_up(changed, "0012");
    REQUIRE(b.has_value());
    CHECK(f.stages_of(*b) == std::vector<std::string>{"applied", "accepted"});
    CHECK(f.look_up(local, "0012").has_value());
    StaffSession session(*f.store, f.config, f.clock);
    CHECK(session.attempt("3001", "2468").kind == LoginOutcome::Kind::ok);

    // Once: a later open leaves the kiosk's rows alone, whatever they hold.
    {
        auto tx = f.store->begin();
        REQUIRE(tx.ok());
        REQUIRE(f.store->upsert_case(*tx.value(), case_from_status(f.pulled->status(copied)->body, t)).ok());
        REQUIRE(tx.value()->commit().ok());
    }
    f.reopen();
    CHECK(f.count("SELECT count(*) FROM kiosk_cases WHERE receipt = '" + copied + "'") == 1);
}
