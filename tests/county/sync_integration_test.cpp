// sync_integration_test.cpp — kiosks and the county server over real mutual TLS on 127.0.0.1 with real SQLite files:
// concurrency, idempotency, tampering, bad bodies, certificates, revocation, clock skew, restore, PIN pull.
#include <curl/curl.h>

#include <thread>

#include "county/users.hpp"
#include "base/secrets.hpp"
#include "support/county_http.hpp"
#include "sync/bundle.hpp"
#include "sync/protocol.hpp"

#include <fstream>

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;
using nlohmann::json;

namespace {

void quiz(Kiosk& k, int n) {
    for (int i = 0; i < n; ++i) k.append(rec::type::quiz_answered, rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}});
}

}  // namespace

TEST_CASE("three kiosks push 1000 events each concurrently, each stored exactly once and in order", "[sync][integration]") {
    County c;
    std::vector<std::unique_ptr<Kiosk>> kiosks;
    for (int i = 1; i <= 3; ++i) kiosks.push_back(c.add_kiosk("230523104-0" + std::to_string(i), "230523104", i));
    for (auto& k : kiosks) {
        for (int i = 0; i < 20; ++i) k->append(rec::type::application_submitted, k->application());
        quiz(*k, 980);
    }
    std::vector<std::thread> threads;
    std::vector<sync::SyncError> errors(3);
    for (std::size_t i = 0; i < 3; ++i)
        threads.emplace_back([&, i] { errors[i] = kiosks[i]->uploader->sync_once(); });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < 3; ++i) {
        INFO(errors[i].message << " " << errors[i].detail);
        CHECK(errors[i].category == sync::ErrorCategory::none);
        auto s = kiosks[i]->uploader->status();
        CHECK(s.queue_depth == 0);
        CHECK(s.server_checkpoint == 1000);
        const std::string id = kiosks[i]->id;
        CHECK(count(c, "SELECT count(*) FROM events WHERE kiosk_id = '" + id + "'") == 1000);
        CHECK(count(c, "SELECT count(DISTINCT seq) FROM events WHERE kiosk_id = '" + id + "'") == 1000);
        CHECK(count(c, "SELECT max(seq) FROM events WHERE kiosk_id = '" + id + "'") == 1000);
        CHECK(count(c, "SELECT count(*) FROM applications WHERE kiosk_id = '" + id + "'") == 20);
        CHECK(count(c, "SELECT count(*) FROM records WHERE type = 'quiz.answered' AND kiosk_id = '" + id + "'") == 980);
    }
    CHECK(count(c, "SELECT count(*) FROM stage_events WHERE stage = 'applied'") == 60);
    CHECK(count(c, "SELECT count(*) FROM events WHERE status = 'rejected'") == 0);
}

TEST_CASE("a replayed batch is acknowledged as duplicates and stores nothing twice", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 5);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto r = raw(c, "POST", proto::kPushPath, push_body(*k, canonical_events(*k)), k->cert_dir, {"Content-Type: application/gzip"});
    REQUIRE(r.status == 200);
    auto resp = proto::push_response_from_json(json::parse(r.body));
    REQUIRE(resp.ok());
    CHECK(resp->contiguous_through == 5);
    CHECK(resp->rejections.empty());
    CHECK(count(c, "SELECT count(*) FROM events") == 5);
    CHECK(count(c, "SELECT count(*) FROM records") == 5);
}

TEST_CASE("a tampered event stops its batch with chain_broken and stores nothing after it", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 4);
    auto events = canonical_events(*k);
    json third = json::parse(events[2]);
    third["payload"]["quiz_version"] = "forged";
    events[2] = third.dump();
    auto r = raw(c, "POST", proto::kPushPath, push_body(*k, events), k->cert_dir, {"Content-Type: application/gzip"});
    REQUIRE(r.status == 200);
    auto resp = proto::push_response_from_json(json::parse(r.body));
    REQUIRE(resp.ok());
    CHECK(resp->stopped);
    CHECK(resp->contiguous_through == 2);
    REQUIRE(resp->rejections.size() == 1);
    CHECK(resp->rejections[0].code == "chain_broken");
    CHECK(resp->rejections[0].seq == 3);
    CHECK(count(c, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("bad bodies get clear codes and store nothing", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 2);
    const std::string good = push_body(*k, canonical_events(*k));
    const std::vector<std::string> gz = {"Content-Type: application/gzip"};
    CHECK(raw(c, "POST", proto::kPushPath, good.substr(0, good.size() / 2), k->cert_dir, gz).status == 400);  // truncated
    CHECK(raw(c, "POST", proto::kPushPath, proto::gzip_compress("{not json"), k->cert_dir, gz).status == 400);
    CHECK(raw(c, "POST", proto::kPushPath, "plain text", k->cert_dir, gz).status == 400);
    CHECK(raw(c, "POST", proto::kPushPath, good, k->cert_dir, gz, /*chunked=*/true).status == 411);
    CHECK(raw(c, "POST", proto::kPushPath, good, k->cert_dir, {"Content-Type: application/json", "Content-Encoding: gzip"}).status ==
          415);
    // Over the compressed cap, and a small body that inflates beyond the inflated cap.
    CHECK(raw(c, "POST", proto::kPushPath, std::string(proto::kMaxPushBytes + 10, 'x'), k->cert_dir, gz).status == 413);
    CHECK(raw(c, "POST", proto::kPushPath, proto::gzip_compress(std::string(proto::kMaxInflatedBytes + 100, ' ')), k->cert_dir, gz)
              .status == 413);
    CHECK(count(c, "SELECT count(*) FROM events") == 0);
    CHECK(raw(c, "POST", proto::kPushPath, good, k->cert_dir, gz).status == 200);
    CHECK(count(c, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("certificates: another kiosk's batch, none, another CA, revoked", "[sync][integration]") {
    County c;
    auto a = c.add_kiosk("230523104-01");
    auto b = c.add_kiosk("230523104-02", "230523104", 2);
    quiz(*a, 2);
    const std::vector<std::string> gz = {"Content-Type: application/gzip"};
    // Kiosk b's certificate carrying kiosk a's batch.
    auto r = raw(c, "POST", proto::kPushPath, push_body(*a, canonical_events(*a)), b->cert_dir, gz);
    CHECK(r.status == 403);
    CHECK(json::parse(r.body)["error"] == "wrong_kiosk");
    // No client certificate: the kiosk paths are refused; the health page is open.
    CHECK(raw(c, "POST", proto::kPushPath, push_body(*a, canonical_events(*a)), "", gz).status == 403);
    CHECK(raw(c, "GET", std::string(proto::kPullPath), "", "").status == 403);
    CHECK(raw(c, "GET", "/api/v1/health", "", "").status == 200);
    // A certificate from another county's CA completes TLS and is refused with 403 (PROTOCOL.md §2).
    TempDir other;
    REQUIRE(county::pki::init(other.str() + "/x", {}).ok());
    auto foreign = county::pki::issue_kiosk(other.str() + "/x", "230523104-01", "230523104");
    REQUIRE(foreign.ok());
    auto f = raw(c, "POST", proto::kPushPath, push_body(*a, canonical_events(*a)), foreign->dir, gz);
    CHECK(f.code == CURLE_OK);
    CHECK(f.status == 403);
    CHECK(json::parse(f.body)["error"] == "kiosk_certificate_required");
    CHECK(count(c, "SELECT count(*) FROM events") == 0);
    // Revocation takes effect at once on the running server.
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    REQUIRE(c.server->store().set_kiosk_revoked("230523104-01").ok());
    quiz(*a, 1);
    auto e = a->uploader->sync_once();
    CHECK(e.category == sync::ErrorCategory::refused);
    CHECK(count(c, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("a kiosk whose clock is 3 hours off gets corrected times and a flag", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    const std::int64_t three_hours = 3LL * 3600 * 1000;
    k->clock.set(c.clock.now_utc_ms() - three_hours);
    quiz(*k, 3);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    int rows = 0;
    REQUIRE(c.server->store()
                .query("SELECT wall_ms, corrected_ms FROM events ORDER BY seq", {},
                       [&](const county::SqlRow& r) {
                           ++rows;
                           const auto skew = r.integer(1) - r.integer(0);
                           CHECK(skew > three_hours - 60'000);
                           CHECK(skew < three_hours + 60'000);
                           CHECK(std::llabs(r.integer(1) - c.clock.now_utc_ms()) < 120'000);
                       })
                .ok());
    CHECK(rows == 3);
    CHECK(c.server->store().kiosk("230523104-01")->clock_flagged);
    bool alert = false;
    for (auto& a : c.server->store().alerts()) alert = alert || a["kind"] == "clock_skew";
    CHECK(alert);
}

TEST_CASE("a restored kiosk re-sending old numbers with new content: seq_conflict, then rebase", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 3);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    // Restore: a copy of the database taken before events 2–3 existed.
    TempDir backup;
    const std::string copy = backup.str() + "/old.db";
    {
        auto src = sqlite::Database::open(k->db_path);
        REQUIRE(src.ok());
        REQUIRE((*src)->exec("VACUUM INTO '" + copy + "'").ok());
        auto dst = sqlite::Database::open(copy);
        REQUIRE(dst.ok());
        REQUIRE((*dst)->exec("DELETE FROM journal_events WHERE seq > 1; UPDATE journal_events SET acknowledged = 1;"
                             "DELETE FROM sync_state;")
                    .ok());
    }
    k->restore_from(copy);
    quiz(*k, 2);  // new seq 2 and 3 with different content
    // Sent raw, before any pull, the county answers seq_conflict and keeps its own events.
    auto r = raw(c, "POST", proto::kPushPath, push_body(*k, canonical_events(*k, 1)), k->cert_dir, {"Content-Type: application/gzip"});
    REQUIRE(r.status == 200);
    auto resp = proto::push_response_from_json(json::parse(r.body));
    REQUIRE(resp.ok());
    REQUIRE_FALSE(resp->rejections.empty());
    CHECK(resp->rejections[0].code == "seq_conflict");
    CHECK(count(c, "SELECT count(*) FROM events") == 3);
    // The uploader pulls first, sees the checkpoint ahead, rebases and sends its two new events after it.
    k->connect(c.port);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events") == 6);  // 3 old + journal.rebased + the 2 new
    CHECK(count(c, "SELECT count(*) FROM events WHERE type = 'journal.rebased' AND seq = 4") == 1);
    CHECK(k->journal->verify_chain().ok());
}

TEST_CASE("the staff PIN set with users add verifies on the kiosk after a pull", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    auto created = add_user(c, "township-staff", "230523104", std::string("482615"));
    add_user(c, "township-staff", "230523101", std::string("111111"));
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto pulled = sync::PulledStore::open(*k->db);
    REQUIRE(pulled.ok());
    auto staff = (*pulled)->staff(created.user.user_id);
    REQUIRE(staff.has_value());
    CHECK(staff->name == "李娜");
    CHECK(secrets::verify_pin("482615", staff->pin_hash));
    CHECK_FALSE(secrets::verify_pin("482616", staff->pin_hash));
    CHECK((*pulled)->all_staff().size() == 1);  // another township's staff do not reach this kiosk
}

TEST_CASE("the status query: found with the right digits, one identical answer for every failure", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    auto app = k->application("dibao", "230523199001010012");
    k->append(rec::type::application_submitted, app);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto ok = k->uploader->query_status(app.receipt_number, "0012");
    REQUIRE(ok.ok());
    REQUIRE(ok->found);
    CHECK(ok->body["current_stage"] == "applied");
    CHECK(ok->body.dump().find("王秀英") == std::string::npos);
    CHECK(ok->body.dump().find("230523199001010012") == std::string::npos);
    const std::string path = std::string(proto::kStatusPrefix);
    auto wrong = raw(c, "GET", path + app.receipt_number + "?id_last4=9999", "", k->cert_dir);
    auto unknown = raw(c, "GET", path + "11040126010100015?id_last4=0012", "", k->cert_dir);
    auto malformed = raw(c, "GET", path + "hello?id_last4=0012", "", k->cert_dir);
    CHECK(wrong.status == 404);
    CHECK(unknown.status == 404);
    CHECK(malformed.status == 404);
    CHECK(wrong.body == unknown.body);
    CHECK(wrong.body == malformed.body);
    // After 5 failures for this receipt in an hour even the right digits get the same answer.
    for (int i = 0; i < 4; ++i) raw(c, "GET", path + app.receipt_number + "?id_last4=1111", "", k->cert_dir);
    auto limited = raw(c, "GET", path + app.receipt_number + "?id_last4=0012", "", k->cert_dir);
    CHECK(limited.status == 404);
    CHECK(limited.body == wrong.body);
}

TEST_CASE("one rating per case: the earliest by corrected time counts", "[sync][integration]") {
    County c;
    auto a = c.add_kiosk("230523104-01");
    auto b = c.add_kiosk("230523104-02", "230523104", 2);
    auto app = a->application();
    a->append(rec::type::application_submitted, app);
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    // Both kiosks took a rating offline; b's was a minute earlier (its clock is right; it sends later).
    b->clock.set(c.clock.now_utc_ms() - 60'000);
    b->append(rec::type::rating_given, rec::RatingGiven{app.receipt_number, 2, {}, {"slow"}, "", "kiosk", ""});
    b->clock.set(c.clock.now_utc_ms());
    a->append(rec::type::rating_given, rec::RatingGiven{app.receipt_number, 5, {}, {}, "", "kiosk", ""});
    REQUIRE(a->uploader->sync_once().category == sync::ErrorCategory::none);
    auto e = b->uploader->sync_once();
    CHECK(e.category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT level FROM ratings WHERE status = 'counted'") == 2);
    CHECK(count(c, "SELECT count(*) FROM ratings WHERE status = 'already_rated'") == 1);
    // A third, later rating is refused to its kiosk and quarantined there.
    a->append(rec::type::rating_given, rec::RatingGiven{app.receipt_number, 4, {}, {}, "", "kiosk", ""});
    auto third = a->uploader->sync_once();
    CHECK(third.category == sync::ErrorCategory::rejected_event);
    auto q = a->journal->quarantined();
    REQUIRE(q.size() == 1);
    CHECK(q[0].code == "already_rated");
    CHECK(a->uploader->status().queue_depth == 0);
}

TEST_CASE("backup while serving, restore: pull returns the lower checkpoint and the kiosk pushes again", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 3);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    const std::string backup_file = c.tmp.str() + "/backup.db";
    REQUIRE(c.server->store().backup_to(backup_file).ok());
    quiz(*k, 2);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events") == 5);
    c.stop();
    if (testing_postgres()) {
        // pg_dump's archive back into the county's database, as an operator restores one.
        const std::string restore = "pg_restore --clean --if-exists --no-owner --single-transaction --dbname='" +
                                    test_store_url(c.dir) + "' '" + backup_file + "'";
        REQUIRE(std::system(restore.c_str()) == 0);
    } else {
        std::filesystem::copy_file(backup_file, c.dir + "/county.db", std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(c.dir + "/county.db-wal");
        std::filesystem::remove(c.dir + "/county.db-shm");
    }
    c.start();
    k->connect(c.port);  // a new session pulls first
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events") == 5);
    CHECK(count(c, "SELECT max(seq) FROM events") == 5);
}

TEST_CASE("policy bundles reach the kiosk by pull: a good one installs, a bad one is refused", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    TempDir src;
    std::filesystem::create_directories(src.path / "articles");
    {
        std::ofstream(src.path / "articles" / "a.md") << "---\nid: a\ntitle: 测试\nprogramme: general\n---\n正文";
    }
    auto publish = [&](const std::string& version, bool tamper) {
        auto b = sync::bundle::build(src.str(), version, "2026-11-27T00:00:00.000Z", c.dir + "/bundle-signing.key");
        REQUIRE(b.ok());
        auto bundle = std::move(b).value();
        if (tamper) bundle.files.begin()->second += "!";
        REQUIRE(c.server->store().append_change({0, "*", "bundle", version, sync::bundle::to_json(bundle)}).ok());
    };
    publish("2026.1127.1", false);
    CHECK(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(k->uploader->status().installed_bundle == "2026.1127.1");
    publish("2026.1127.2", true);
    auto e = k->uploader->sync_once();
    CHECK(e.category == sync::ErrorCategory::rejected_event);
    CHECK(e.message.find("未通过校验") != std::string::npos);
    CHECK(k->uploader->status().installed_bundle == "2026.1127.1");
    publish("2026.1127.0", false);  // older than the installed one: ignored
    CHECK(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(k->uploader->status().installed_bundle == "2026.1127.1");
}

TEST_CASE("a kiosk restored from an old backup never reuses a receipt number", "[sync][integration]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    k->append(rec::type::application_submitted, k->application());
    TempDir backup;
    const std::string copy = backup.str() + "/old.db";
    {
        auto src = sqlite::Database::open(k->db_path);
        REQUIRE(src.ok());
        REQUIRE((*src)->exec("VACUUM INTO '" + copy + "'").ok());
    }
    k->append(rec::type::application_submitted, k->application());
    k->append(rec::type::application_submitted, k->application());
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    const CivilDate today = k->clock.today();
    CHECK(k->counter->current(today) == 3);
    // The hall restores yesterday's backup: its counter says 1.
    k->restore_from(copy);
    CHECK(k->counter->current(today) == 1);
    k->connect(c.port);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(k->counter->current(today) == 3);  // raised to the county's high-water mark
    auto next = k->application();
    CHECK(next.receipt_number.substr(12, 4) == "0004");
    k->append(rec::type::application_submitted, next);
    CHECK(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM applications") == 4);
    CHECK(count(c, "SELECT count(*) FROM events WHERE status = 'rejected'") == 0);
}
