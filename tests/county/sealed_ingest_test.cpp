// sealed_ingest_test.cpp — schema 2 at the county (issue 11, sync/PROTOCOL.md §4.13) over real mutual TLS: schema-1
// and schema-2 events side by side, every sealed event opened and projected, applicant_key computed by the county,
// a changed sealed byte caught by the chain, a re-hashed change caught by the seal, and a key rotation.
#include <catch2/catch.hpp>

#include "base/canonical_json.hpp"
#include "base/seal.hpp"
#include "county/ingest.hpp"
#include "county/pki.hpp"
#include "support/county_http.hpp"
#include "sync/protocol.hpp"
#include "sync/sealed_payload.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;
using nlohmann::json;

namespace {

seal::SealingPublicKey county_public_key(const County& c) {
    auto k = seal::load_public_key(c.dir + "/sealing.pub");
    REQUIRE(k.ok());
    return *k;
}

std::string county_text(County& c, const std::string& sql) {
    auto db = sqlite::Database::open(c.dir + "/county.db");
    REQUIRE(db.ok());
    auto st = (*db)->prepare(sql);
    return st.step() == SQLITE_ROW ? st.text(0) : std::string();
}

rec::ComplaintFiled complaint(Kiosk& k) {
    rec::ComplaintFiled c;
    c.receipt_number = k.next_receipt(ReceiptType::complaint);
    c.category = "attitude";
    c.text = "窗口工作人员李某态度生硬";
    c.anonymous = false;
    c.contact = "13955556666";
    c.query_code_hash = sha256_hex("1234" + c.receipt_number);
    return c;
}

}  // namespace

TEST_CASE("schema 1 and schema 2 side by side: every sealed event opens, projects, and links by the county's key",
          "[sync][sealing]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    // A kiosk from before issue 11 journals in clear (schema 1, with its own applicant_key) …
    auto clear = k->append(rec::type::application_submitted, k->application());
    CHECK(clear.schema == 1);
    // … then gets the county's key and seals from there on, in the same chain.
    k->journal->set_sealing_key(county_public_key(c));
    auto sealed_app = k->application();
    sealed_app.applicant_key.clear();  // what a kiosk sends now
    auto sealed = k->append(rec::type::application_submitted, sealed_app);
    const auto filed = complaint(*k);
    k->append(rec::type::complaint_filed, filed);
    rec::RatingGiven rating{"", 2, {}, {"slow"}, "13977778888", "kiosk", ""};
    k->append(rec::type::rating_given, rating);
    CHECK(sealed.schema == 2);
    for (const auto& text : canonical_events(*k, 1)) {
        CHECK(text.find("王秀英") == std::string::npos);
        CHECK(text.find("230523199001010012") == std::string::npos);
        CHECK(text.find("13955556666") == std::string::npos);
        CHECK(text.find("李某") == std::string::npos);
        CHECK(text.find("13977778888") == std::string::npos);
    }

    auto r = k->uploader->sync_once();
    INFO(r.message << " " << r.detail);
    REQUIRE(r.category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events WHERE kiosk_id = '230523104-01'") == 4);
    CHECK(count(c, "SELECT count(*) FROM events WHERE status <> 'accepted'") == 0);
    CHECK(k->journal->quarantined().empty());
    // The county keeps the events as sent (sealed) and the projection opened.
    CHECK(county_text(c, "SELECT envelope FROM events WHERE seq = 2").find("王秀英") == std::string::npos);
    CHECK(county_text(c, "SELECT payload FROM applications WHERE receipt_number = '" + sealed_app.receipt_number + "'")
              .find("王秀英") != std::string::npos);
    CHECK(count(c, "SELECT count(*) FROM complaints WHERE receipt_number = '" + filed.receipt_number + "'") == 1);
    CHECK(county_text(c, "SELECT payload FROM records WHERE type = 'complaint.filed'").find("李某") != std::string::npos);
    CHECK(count(c, "SELECT count(*) FROM ratings WHERE level = 2") == 1);

    // One resident, one key, whichever schema brought her: the county's HMAC, not the old kiosk's value.
    auto secret = county::applicant_key_secret(c.server->store());
    REQUIRE(secret.ok());
    const std::string want = county::applicant_key_of(*secret, "230523199001010012");
    CHECK(count(c, "SELECT count(*) FROM applications WHERE applicant_key = '" + want + "'") == 2);
    CHECK(want != hmac_sha256_hex("county-key", "230523199001010012"));
}

TEST_CASE("a sealed byte changed breaks the chain, re-hashed the seal does not open, a foreign key is unknown",
          "[sync][sealing]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    k->journal->set_sealing_key(county_public_key(c));
    k->append(rec::type::complaint_filed, complaint(*k));
    const std::string original = canonical_events(*k).at(0);
    json j = json::parse(original);
    std::string s = j["payload"]["sealed"];
    s[60] = s[60] == 'A' ? 'B' : 'A';  // one base64 character of the ciphertext
    j["payload"]["sealed"] = s;

    SECTION("as sent: the hash no longer matches") {
        auto resp = raw(c, "POST", proto::kPushPath, push_body(*k, {*canonical_json(j)}), k->cert_dir,
                        {"Content-Type: application/gzip"});
        REQUIRE(resp.status == 200);
        auto body = json::parse(resp.body);
        CHECK(body["rejections"][0]["code"] == "chain_broken");
        CHECK(count(c, "SELECT count(*) FROM events") == 0);
    }
    SECTION("re-hashed by someone who can write the kiosk's disk: stored, rejected as seal_broken") {
        j.erase("hash");
        j["hash"] = *rec::compute_hash(j);
        auto resp = raw(c, "POST", proto::kPushPath, push_body(*k, {*canonical_json(j)}), k->cert_dir,
                        {"Content-Type: application/gzip"});
        REQUIRE(resp.status == 200);
        auto body = json::parse(resp.body);
        CHECK(body["contiguous_through"] == 1);
        CHECK(body["rejections"][0]["code"] == "seal_broken");
        CHECK(count(c, "SELECT count(*) FROM events WHERE status = 'rejected' AND reason = 'seal_broken'") == 1);
        CHECK(count(c, "SELECT count(*) FROM complaints") == 0);
    }
    SECTION("sealed to a key the county never made: unknown_sealing_key, kept sealed") {
        auto foreign = seal::generate_key_pair();
        REQUIRE(foreign.ok());
        auto k2 = c.add_kiosk("230523104-02", "230523104", 2);
        k2->journal->set_sealing_key(foreign->pub);
        k2->append(rec::type::complaint_filed, complaint(*k2));
        auto r = k2->uploader->sync_once();
        CHECK(r.category == sync::ErrorCategory::rejected_event);  // stored at the county, quarantined here
        auto q = k2->journal->quarantined();
        REQUIRE(q.size() == 1);
        CHECK(q[0].code == "unknown_sealing_key");
        CHECK(count(c, "SELECT count(*) FROM events WHERE kiosk_id = '230523104-02' AND reason = 'unknown_sealing_key'") == 1);
    }
}

TEST_CASE("after a sealing key rotation, events sealed to the old key and to the new one both open at ingest",
          "[sync][sealing]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    k->journal->set_sealing_key(county_public_key(c));
    k->append(rec::type::application_submitted, k->application());
    const std::string old_id = *k->journal->sealing_key_id();
    c.stop();
    auto rotated = county::pki::rotate_sealing_key(c.dir, "");
    REQUIRE(rotated.ok());
    c.start();
    k->connect(c.port);
    const auto fresh = county_public_key(c);
    CHECK(fresh.id != old_id);
    k->journal->set_sealing_key(fresh);
    k->append(rec::type::application_submitted, k->application("dibao", "23052319850202002X"));
    auto r = k->uploader->sync_once();
    INFO(r.message << " " << r.detail);
    REQUIRE(r.category == sync::ErrorCategory::none);
    CHECK(k->journal->quarantined().empty());
    CHECK(count(c, "SELECT count(*) FROM applications") == 2);
    CHECK(county_text(c, "SELECT payload FROM applications ORDER BY submitted_ms DESC LIMIT 1").find("23052319850202002X") !=
          std::string::npos);
}
