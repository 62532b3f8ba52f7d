// journal_test.cpp — the kiosk journal: atomic appends with state, the chain, queries, rebase, retention, and a
// crash at every I/O step of an append (forked child killed through a fault-injecting VFS).
#include "sync/journal.hpp"
#include "support/temp_dir.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "crash_vfs.hpp"
#include "base/canonical_json.hpp"
#include "sync/sealed_payload.hpp"

using namespace yimen;
using namespace yimen::sync;
namespace rec = yimen::records;
using nlohmann::json;

namespace {

struct TempDir : yimen::test::TempDir {
    TempDir() : yimen::test::TempDir("yimen-journal") {}
};

struct Kiosk {
    std::unique_ptr<sqlite::Database> db;
    FixedClock clock{*parse_rfc3339("2026-11-27T01:00:00Z")};
    FixedBootClock boot{"boot-1", 1000};
    std::unique_ptr<Journal> journal;

    explicit Kiosk(const std::string& path, const std::string& id = "230523104-01", const sqlite::OpenOptions& o = {}) {
        auto d = sqlite::Database::open(path, o);
        REQUIRE(d.ok());
        db = std::move(d).value();
        REQUIRE(db->exec("CREATE TABLE IF NOT EXISTS app_state(id INTEGER PRIMARY KEY, event_seq INTEGER NOT NULL, note TEXT)").ok());
        auto j = Journal::open(*db, id, clock, boot);
        REQUIRE(j.ok());
        journal = std::move(j).value();
    }

    // A state change and its event in one transaction.
    rec::Envelope record(const std::string& note) {
        auto tx = sqlite::Transaction::begin(*db);
        REQUIRE(tx.ok());
        json payload = rec::StatusQueried{"", "offline", false};
        payload["receipt_number"] = "";
        auto e = journal->append(**tx, rec::type::quiz_answered, {"resident", ""},
                                 rec::QuizAnswered{"v1", {{note, 0, true}}});
        REQUIRE(e.ok());
        auto st = db->prepare("INSERT INTO app_state(event_seq, note) VALUES(?1, ?2)");
        st.bind(1, e->seq).bind(2, note);
        REQUIRE(st.run().ok());
        REQUIRE((*tx)->commit().ok());
        clock.set(clock.now_utc_ms() + 1000);
        boot.advance(1000);
        return *e;
    }
};

}  // namespace

TEST_CASE("appends are gap-free, chained, and commit with their state", "[journal]") {
    TempDir dir;
    Kiosk k(dir.file("kiosk.db"));
    auto e1 = k.record("a");
    auto e2 = k.record("b");
    CHECK(e1.seq == 1);
    CHECK(e2.seq == 2);
    CHECK(e1.prev_hash == rec::kZeroHash);
    CHECK(e2.prev_hash == e1.hash);
    CHECK(e2.boot_id == "boot-1");
    CHECK(e2.uptime_ms == 2000);
    CHECK(e2.wall_time == "2026-11-27T01:00:01.000Z");
    CHECK(k.journal->verify_chain().ok());
    {
        // A transaction that is not committed leaves neither the event nor the state.
        auto tx = sqlite::Transaction::begin(*k.db);
        REQUIRE(tx.ok());
        REQUIRE(k.journal->append(**tx, rec::type::staff_login, {"staff", "s1"}, rec::StaffSession{"s1", ""}).ok());
    }
    CHECK(k.journal->last_seq() == 2);
    CHECK(k.record("c").seq == 3);
    CHECK(k.db->scalar("SELECT count(*) FROM app_state") == 3);
}

TEST_CASE("tampering with a stored event breaks the chain check", "[journal]") {
    TempDir dir;
    Kiosk k(dir.file("kiosk.db"));
    k.record("a");
    k.record("b");
    REQUIRE(k.db->exec("UPDATE journal_events SET envelope = replace(envelope, '\"a\"', '\"x\"') WHERE seq = 1").ok());
    CHECK(k.journal->verify_chain().error().code == "chain_broken");
}

TEST_CASE("a database belongs to one kiosk", "[journal]") {
    TempDir dir;
    { Kiosk k(dir.file("kiosk.db")); }
    auto db = sqlite::Database::open(dir.file("kiosk.db"));
    REQUIRE(db.ok());
    FixedClock clock(0);
    FixedBootClock boot("b", 0);
    CHECK(Journal::open(**db, "230523104-02", clock, boot).error().code == "kiosk_mismatch");
}

TEST_CASE("queries for the uploader and the staff screen", "[journal]") {
    TempDir dir;
    Kiosk k(dir.file("kiosk.db"));
    for (int i = 0; i < 10; ++i) k.record("n" + std::to_string(i));
    auto batch = k.journal->events_after(0, 4, 1 << 20);
    REQUIRE(batch.ok());
    REQUIRE(batch->size() == 4);
    CHECK(batch->front().envelope.seq == 1);
    CHECK(rec::hash_matches(json::parse(batch->front().canonical)));
    auto small = k.journal->events_after(0, 100, 1);
    REQUIRE(small.ok());
    CHECK(small->size() == 1);  // at least one, even over the byte bound
    REQUIRE(k.journal->mark_acknowledged(3).ok());
    REQUIRE(k.journal->quarantine(5, "bad_payload", "字段类型不正确").ok());
    auto c = k.journal->counts();
    CHECK(c.total == 10);
    CHECK(c.acknowledged_through == 3);
    CHECK(c.quarantined == 1);
    CHECK(c.unacknowledged == 6);
    CHECK(c.oldest_unsent_wall_ms == *parse_rfc3339("2026-11-27T01:00:03.000Z"));
    auto rest = k.journal->events_after(3, 100, 1 << 20);
    REQUIRE(rest.ok());
    CHECK(rest->size() == 7);
    CHECK(rest->at(1).quarantined);
    auto q = k.journal->quarantined();
    REQUIRE(q.size() == 1);
    CHECK(q[0].seq == 5);
    CHECK(q[0].code == "bad_payload");
}

TEST_CASE("rebase after a restore continues after the server's checkpoint", "[journal]") {
    TempDir dir;
    Kiosk k(dir.file("kiosk.db"));
    for (int i = 0; i < 5; ++i) k.record("n" + std::to_string(i));
    REQUIRE(k.journal->mark_acknowledged(3).ok());
    const std::string server_hash(64, 'a');
    auto r = k.journal->rebase(10, server_hash);
    REQUIRE(r.ok());
    CHECK(r->seq == 11);
    CHECK(r->type == rec::type::journal_rebased);
    CHECK(r->prev_hash == server_hash);
    CHECK(r->payload["server_checkpoint"] == 10);
    CHECK(k.journal->last_seq() == 13);  // the two unsent events moved behind the rebase
    auto moved = k.journal->event(12);
    REQUIRE(moved.ok());
    CHECK(moved->envelope.prev_hash == r->hash);
    CHECK(moved->envelope.payload["answers"][0]["question_id"] == "n3");
    CHECK(k.journal->verify_chain().ok());
    CHECK(k.record("after").seq == 14);
    CHECK(k.journal->rebase(3, server_hash).error().code == "not_behind");
}

TEST_CASE("retention drops the personal members after N days and keeps the envelope hash", "[journal]") {
    TempDir dir;
    Kiosk k(dir.file("kiosk.db"));
    rec::ComplaintFiled c{"", "attitude", "窗口工作人员王某态度不好", false, "13900001111", std::string(64, 'c')};
    {
        auto tx = sqlite::Transaction::begin(*k.db);
        REQUIRE(tx.ok());
        REQUIRE(k.journal->append(**tx, rec::type::complaint_filed, {"resident", ""}, c).ok());
        REQUIRE((*tx)->commit().ok());
    }
    k.record("x");
    const std::string hash_before = k.journal->event(1)->envelope.hash;
    REQUIRE(k.journal->mark_acknowledged(1).ok());
    k.clock.set(k.clock.now_utc_ms() + 29LL * 86'400'000);
    CHECK(*k.journal->apply_retention(30) == 0);
    k.clock.set(k.clock.now_utc_ms() + 2LL * 86'400'000);
    CHECK(*k.journal->apply_retention(30) == 1);
    auto e = k.journal->event(1);
    REQUIRE(e.ok());
    CHECK(e->redacted);
    CHECK(e->envelope.hash == hash_before);
    CHECK(e->canonical.find("13900001111") == std::string::npos);
    CHECK(e->canonical.find("王某") == std::string::npos);
    CHECK_FALSE(e->envelope.payload.contains("text"));
    CHECK_FALSE(e->envelope.payload.contains("contact"));
    CHECK(e->envelope.payload["category"] == "attitude");
    CHECK(k.journal->verify_chain().ok());
    CHECK_FALSE(k.journal->event(2)->redacted);  // not acknowledged: kept whole
}

TEST_CASE("with the county's key the journal writes schema 2: personal members sealed, the rest in clear", "[journal]") {
    TempDir dir;
    Kiosk k(dir.file("kiosk.db"));
    auto county = seal::generate_key_pair();
    REQUIRE(county.ok());
    k.journal->set_sealing_key(county->pub);
    CHECK(k.journal->sealing_key_id() == county->pub.id);
    rec::ComplaintFiled c{"", "attitude", "窗口工作人员王某态度不好", false, "13900001111", std::string(64, 'c')};
    {
        auto tx = sqlite::Transaction::begin(*k.db);
        REQUIRE(tx.ok());
        REQUIRE(k.journal->append(**tx, rec::type::complaint_filed, {"resident", ""}, c).ok());
        REQUIRE((*tx)->commit().ok());
    }
    k.record("quiz");
    auto e = k.journal->event(1);
    REQUIRE(e.ok());
    CHECK(e->envelope.schema == 2);
    CHECK(e->canonical.find("13900001111") == std::string::npos);
    CHECK(e->canonical.find("王某") == std::string::npos);
    CHECK(e->envelope.payload["category"] == "attitude");
    REQUIRE(e->envelope.payload.contains("sealed"));
    CHECK(k.journal->event(2)->envelope.schema == 2);  // no personal member: nothing sealed, same schema
    CHECK_FALSE(k.journal->event(2)->envelope.payload.contains("sealed"));
    CHECK(k.journal->verify_chain().ok());

    // Only the county's private key opens it: the schema-1 payload comes back whole.
    seal::KeyRing ring;
    ring.add(*county);
    auto opened = open_payload(e->envelope.type, e->envelope.payload, ring);
    REQUIRE(opened.ok());
    CHECK(*opened == json(c));
    auto other = seal::generate_key_pair();
    seal::KeyRing wrong;
    wrong.add(*other);
    CHECK(open_payload(e->envelope.type, e->envelope.payload, wrong).error().code == "unknown_sealing_key");

    // Retention drops the sealed string itself.
    REQUIRE(k.journal->mark_acknowledged(1).ok());
    k.clock.set(k.clock.now_utc_ms() + 31LL * 86'400'000);
    CHECK(*k.journal->apply_retention(30) == 1);
    CHECK_FALSE(k.journal->event(1)->envelope.payload.contains("sealed"));
    CHECK(k.journal->verify_chain().ok());
}

TEST_CASE("a journal from before issue 11 loses its salted hashes and its salt at the next open", "[journal]") {
    TempDir dir;
    {
        Kiosk k(dir.file("kiosk.db"));
        rec::ComplaintFiled c{"", "attitude", "sha256:0123", false, "sha256:4567", std::string(64, 'c')};
        auto tx = sqlite::Transaction::begin(*k.db);
        REQUIRE(tx.ok());
        REQUIRE(k.journal->append(**tx, rec::type::complaint_filed, {"resident", ""}, c).ok());
        REQUIRE((*tx)->commit().ok());
        REQUIRE(k.db->exec("UPDATE journal_events SET redacted = 1, acknowledged = 1;"
                           "INSERT INTO journal_meta(key, value) VALUES('retention_salt', 'old-salt')").ok());
    }
    Kiosk again(dir.file("kiosk.db"));
    CHECK(again.db->scalar("SELECT count(*) FROM journal_meta WHERE key = 'retention_salt'").value_or(-1) == 0);
    auto e = again.journal->event(1);
    REQUIRE(e.ok());
    CHECK(e->canonical.find("sha256:") == std::string::npos);
    CHECK(e->envelope.payload["category"] == "attitude");
}

TEST_CASE("receipt counters never reuse a number", "[journal]") {
    TempDir dir;
    Kiosk k(dir.file("kiosk.db"));
    auto counter = ReceiptCounter::open(*k.db);
    REQUIRE(counter.ok());
    const CivilDate day{2026, 11, 27};
    auto next = [&] {
        auto tx = sqlite::Transaction::begin(*k.db);
        REQUIRE(tx.ok());
        auto n = (*counter)->next(**tx, day);
        REQUIRE(n.ok());
        REQUIRE((*tx)->commit().ok());
        return *n;
    };
    CHECK(next() == 1);
    CHECK(next() == 2);
    REQUIRE((*counter)->raise_to(day, 40).ok());  // the server saw up to 40 from this kiosk
    CHECK(next() == 41);
    REQUIRE((*counter)->raise_to(day, 10).ok());  // never lowers
    CHECK(next() == 42);
    CHECK((*counter)->current(CivilDate{2026, 11, 28}) == 0);
}

TEST_CASE("a kill at every I/O step of an append leaves a consistent journal", "[journal][crash]") {
    TempDir dir;
    yimen::test::register_crash_vfs();
    const std::string path = dir.file("crash.db");
    { Kiosk seed(path); seed.record("seed"); }
    int killed = 0;
    bool finished = false;
    for (int k = 1; k < 200 && !finished; ++k) {
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            sqlite::OpenOptions o;
            o.vfs = "crashvfs";
            auto db = sqlite::Database::open(path, o);
            if (!db) _exit(3);
            FixedClock clock(*parse_rfc3339("2026-11-27T02:00:00Z"));
            FixedBootClock boot("boot-crash", 1);
            auto j = Journal::open(**db, "230523104-01", clock, boot);
            if (!j) _exit(4);
            yimen::test::arm_crash_after(k);
            for (int i = 0; i < 2; ++i) {
                auto tx = sqlite::Transaction::begin(**db);
                if (!tx) _exit(5);
                auto e = (*j)->append(**tx, rec::type::quiz_answered, {"resident", ""}, rec::QuizAnswered{"v", {{"c", 0, true}}});
                if (!e) _exit(6);
                auto st = (*db)->prepare("INSERT INTO app_state(event_seq, note) VALUES(?1, 'crash')");
                st.bind(1, e->seq);
                if (!st.run()) _exit(7);
                if (!(*tx)->commit()) _exit(8);
            }
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status)) ++killed;
        else {
            REQUIRE(WIFEXITED(status));
            REQUIRE(WEXITSTATUS(status) == 0);
            finished = true;
        }
        // After each kill: the database is intact, state and events match one to one, and the chain verifies.
        Kiosk check(path);
        auto ic = check.db->prepare("PRAGMA integrity_check");
        REQUIRE(ic.step() == SQLITE_ROW);
        INFO("killed at step " << k);
        CHECK(ic.text(0) == "ok");
        CHECK(check.db->scalar("SELECT count(*) FROM app_state a LEFT JOIN journal_events e ON e.seq = a.event_seq"
                               " WHERE e.seq IS NULL") == 0);
        CHECK(check.db->scalar("SELECT count(*) FROM journal_events e LEFT JOIN app_state a ON a.event_seq = e.seq"
                               " WHERE a.id IS NULL") == 0);
        CHECK(check.journal->verify_chain().ok());
    }
    CHECK(finished);
    CHECK(killed >= 3);  // the append really was interrupted at several distinct steps
}
