// signature_test.cpp — issue 11 "Signed by the kiosk": pushes carry the kiosk's ECDSA signature over their chain
// head, the county checks it against the TLS client certificate the kiosk presented and keeps it, and
// `county-server verify` re-checks the stored chain and signatures offline — through the library and the binary.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "county/verify.hpp"
#include "support/county_cli_run.hpp"
#include "support/county_http.hpp"
#include "sync/chain_signature.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;
namespace sig = yimen::sync::chain_signature;
using nlohmann::json;

namespace {

void quiz(Kiosk& k, int n) {
    for (int i = 0; i < n; ++i) k.append(rec::type::quiz_answered, rec::QuizAnswered{"2026.1", {{"q-publicity", 1, true}}});
}

// A push of `events` signed with the private key in key_file over (kiosk, seq, hash) — by default the last event's.
std::string signed_push(const Kiosk& k, const std::vector<std::string>& events, const std::string& key_file,
                        std::optional<std::int64_t> seq = std::nullopt) {
    proto::PushRequest req{k.id, k.boot.boot_id(), k.boot.uptime_ms(), format_rfc3339(k.clock.now_utc_ms()), events};
    const json head = json::parse(events.back());
    const std::int64_t signed_seq = seq.value_or(head["seq"].get<std::int64_t>());
    const std::string hash = seq ? json::parse(events.at(static_cast<std::size_t>(*seq - 1)))["hash"].get<std::string>()
                                 : head["hash"].get<std::string>();
    auto key = sig::load_private_key(key_file);
    REQUIRE(key.ok());
    auto value = sig::sign(key->get(), sig::make_statement(k.id, signed_seq, hash));
    REQUIRE(value.ok());
    req.signature = proto::ChainHeadSignature{sig::kAlgorithm, signed_seq, hash, *value};
    return proto::gzip_compress(proto::to_json(req).dump());
}

json error_of(const Raw& r) { return json::parse(r.body, nullptr, false); }

using Cli = CliRun;

void sql(County& c, const std::string& statement) {
    auto db = sqlite::Database::open(c.dir + "/county.db");
    REQUIRE(db.ok());
    REQUIRE((*db)->exec(statement).ok());
}

county::ChainVerifyReport verify_now(County& c, const std::string& kiosk) {
    auto store = county::open_sqlite_store_read_only(c.dir + "/county.db");
    REQUIRE(store.ok());
    auto r = county::verify_kiosk_chain(**store, kiosk, "");
    REQUIRE(r.ok());
    return *r;
}

}  // namespace

TEST_CASE("signatures: the uploader signs every push and the county keeps each signature with its events",
          "[sync][signature]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 5);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    quiz(*k, 3);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events WHERE kiosk_id = '230523104-01'") == 8);
    CHECK(count(c, "SELECT count(*) FROM chain_signatures WHERE kiosk_id = '230523104-01'") == 2);
    CHECK(count(c, "SELECT max(seq) FROM chain_signatures WHERE kiosk_id = '230523104-01'") == 8);
    CHECK(count(c, "SELECT count(*) FROM chain_signatures s JOIN events e ON e.kiosk_id = s.kiosk_id AND e.seq = s.seq"
                   " AND e.hash = s.hash WHERE s.signer_certificate LIKE '-----BEGIN CERTIFICATE-----%'") == 2);
    auto report = verify_now(c, k->id);
    CHECK(report.ok());
    CHECK(report.events_checked == 8);
    CHECK(report.signatures_checked == 2);
    CHECK(report.signed_through == 8);
    CHECK(report.unsigned_to == 0);
}

TEST_CASE("signatures: a push signed by another kiosk's key is refused whole", "[sync][signature]") {
    County c;
    auto a = c.add_kiosk("230523104-01");
    auto b = c.add_kiosk("230523104-02", "230523104", 2);
    quiz(*a, 3);
    const auto events = canonical_events(*a);
    auto r = raw(c, "POST", proto::kPushPath, signed_push(*a, events, b->cert_dir + "/client.key"), a->cert_dir,
                 {"Content-Type: application/gzip"});
    CHECK(r.status == 403);
    CHECK(error_of(r)["error"] == "bad_signature");
    CHECK(count(c, "SELECT count(*) FROM events") == 0);
    CHECK(count(c, "SELECT count(*) FROM chain_signatures") == 0);

    // Signed by the right key but over an earlier event than the batch's last: refused too.
    r = raw(c, "POST", proto::kPushPath, signed_push(*a, events, a->cert_dir + "/client.key", 2), a->cert_dir,
            {"Content-Type: application/gzip"});
    CHECK(r.status == 403);
    CHECK(error_of(r)["error"] == "bad_signature");
    CHECK(count(c, "SELECT count(*) FROM events") == 0);

    // The kiosk's own signature over its head goes through.
    r = raw(c, "POST", proto::kPushPath, signed_push(*a, events, a->cert_dir + "/client.key"), a->cert_dir,
            {"Content-Type: application/gzip"});
    CHECK(r.status == 200);
    CHECK(count(c, "SELECT count(*) FROM events") == 3);
    CHECK(count(c, "SELECT count(*) FROM chain_signatures WHERE seq = 3") == 1);
}

TEST_CASE("signatures: an unsigned push is accepted by default and reported unsigned", "[sync][signature]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 4);
    auto r = raw(c, "POST", proto::kPushPath, push_body(*k, canonical_events(*k)), k->cert_dir,
                 {"Content-Type: application/gzip"});
    REQUIRE(r.status == 200);
    CHECK(count(c, "SELECT count(*) FROM events") == 4);
    auto report = verify_now(c, k->id);
    CHECK(report.ok());
    CHECK(report.signed_through == 0);
    CHECK(report.unsigned_from == 1);
    CHECK(report.unsigned_to == 4);

    // A later signed push covers the earlier unsigned events too (the chain links them to the signed head).
    quiz(*k, 2);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    report = verify_now(c, k->id);
    CHECK(report.ok());
    CHECK(report.signed_through == 6);
    CHECK(report.unsigned_to == 0);
}

TEST_CASE("signatures: with require_signature an unsigned push is refused, a signed one accepted", "[sync][signature]") {
    county::ServerConfig cfg;
    cfg.require_signature = true;
    County c(cfg);
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 2);
    auto r = raw(c, "POST", proto::kPushPath, push_body(*k, canonical_events(*k)), k->cert_dir,
                 {"Content-Type: application/gzip"});
    CHECK(r.status == 403);
    CHECK(error_of(r)["error"] == "signature_required");
    CHECK(count(c, "SELECT count(*) FROM events") == 0);
    // A push with no events has nothing to sign and is still answered.
    r = raw(c, "POST", proto::kPushPath, push_body(*k, {}), k->cert_dir, {"Content-Type: application/gzip"});
    CHECK(r.status == 200);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events") == 2);
    CHECK(count(c, "SELECT count(*) FROM chain_signatures") == 1);
}

TEST_CASE("signatures: require_signature is read from county.toml [sync]", "[sync][signature]") {
    County c;
    c.stop();
    std::ofstream(c.dir + "/county.toml") << "[sync]\nrequire_signature = \"yes\"\n";
    auto bad = run_county_server({"serve", "--dir", c.dir, "--listen", "127.0.0.1:0", "--assets", YIMEN_SOURCE_ASSETS_DIR});
    CHECK(bad.status == 1);
    CHECK(bad.out.find("require_signature") != std::string::npos);
}

TEST_CASE("signatures: county-server verify passes a clean chain and fails a modified event or signature",
          "[sync][signature][cli]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    quiz(*k, 6);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    quiz(*k, 2);
    REQUIRE(raw(c, "POST", proto::kPushPath, push_body(*k, canonical_events(*k, 6)), k->cert_dir,
                {"Content-Type: application/gzip"})
                .status == 200);  // seq 7–8 unsigned, as an old kiosk would send them
    c.stop();

    auto clean = run_county_server({"verify", "--dir", c.dir, "--kiosk", k->id});
    INFO(clean.out);
    CHECK(clean.status == 0);
    CHECK(clean.out.find("events checked: 8") != std::string::npos);
    CHECK(clean.out.find("chain: ok") != std::string::npos);
    CHECK(clean.out.find("signatures checked: 1, bad: 0") != std::string::npos);
    CHECK(clean.out.find("signed through seq 6") != std::string::npos);
    CHECK(clean.out.find("unsigned: seq 7–8") != std::string::npos);

    CHECK(run_county_server({"verify", "--dir", c.dir, "--kiosk", "230523104-99"}).status == 2);
    CHECK(run_county_server({"verify", "--dir", c.tmp.str() + "/nowhere", "--kiosk", k->id}).status == 2);
    CHECK(run_county_server({"verify", "--dir", c.dir}).status == 2);

    SECTION("a stored envelope edited in the database") {
        sql(c, "UPDATE events SET envelope = replace(envelope, '\"correct\":true', '\"correct\":false')"
               " WHERE kiosk_id = '230523104-01' AND seq = 3");
        auto tampered = run_county_server({"verify", "--dir", c.dir, "--kiosk", k->id});
        INFO(tampered.out);
        CHECK(tampered.status == 1);
        CHECK(tampered.out.find("chain: broken at seq 3") != std::string::npos);
        CHECK(tampered.out.find("result: FAILED") != std::string::npos);
    }
    SECTION("a stored signature changed") {
        sql(c, "UPDATE chain_signatures SET seq = 5, hash = (SELECT hash FROM events WHERE kiosk_id = '230523104-01'"
               " AND seq = 5) WHERE kiosk_id = '230523104-01'");
        auto moved = run_county_server({"verify", "--dir", c.dir, "--kiosk", k->id});
        INFO(moved.out);
        CHECK(moved.status == 1);
        CHECK(moved.out.find("bad signature at seq 5") != std::string::npos);
    }
    SECTION("a stored signature value damaged") {
        sql(c, "UPDATE chain_signatures SET value = substr(value, 1, 10) || CASE substr(value, 11, 1) WHEN 'A' THEN 'B'"
               " ELSE 'A' END || substr(value, 12) WHERE kiosk_id = '230523104-01'");
        auto resigned = run_county_server({"verify", "--dir", c.dir, "--kiosk", k->id});
        INFO(resigned.out);
        CHECK(resigned.status == 1);
        CHECK(resigned.out.find("signatures checked: 1, bad: 1") != std::string::npos);
    }
}

TEST_CASE("signatures: a kiosk whose key cannot sign still pushes, unsigned, and says so", "[sync][signature]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    // TLS takes the key from the certificate file itself; the signing key file is missing.
    const std::string both = k->cert_dir + "/client-with-key.pem";
    {
        std::ofstream out(both);
        out << std::ifstream(k->cert_dir + "/client.crt").rdbuf();
        out << std::ifstream(k->cert_dir + "/client.key").rdbuf();
    }
    auto cfg = k->config(c.port);
    cfg.cert_file = both;
    cfg.key_file = "";
    k->connect(c.port, cfg);
    quiz(*k, 2);
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    CHECK(count(c, "SELECT count(*) FROM events") == 2);
    CHECK(count(c, "SELECT count(*) FROM chain_signatures") == 0);
    const auto status = k->uploader->status();
    CHECK(status.last_error.category == sync::ErrorCategory::local);
    CHECK(status.last_error.message.find("不带终端签名") != std::string::npos);
    CHECK(verify_now(c, k->id).unsigned_to == 2);
}
