// county_fixture.hpp — a real county server on 127.0.0.1 (port 0, real certificates from county-server's own PKI
// code, a real SQLite store in a temp dir) and kiosks with real journals and uploaders talking mutual TLS to it.
#pragma once
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "county/pki.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"
#include "county/server.hpp"
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/records.hpp"
#include "sync/journal.hpp"
#include "sync/uploader.hpp"

namespace yimen::test {

inline const PolicyData& shared_policy() {
    static const PolicyData data = [] {
        auto d = load_policy_data(resolve_assets_dir(YIMEN_SOURCE_ASSETS_DIR));
        REQUIRE(d.ok());
        return std::move(d).value();
    }();
    return data;
}

// Always-the-same random source so backoff delays are exact.
class FixedRandom final : public sync::RandomSource {
public:
    explicit FixedRandom(double v) : v_(v) {}
    double uniform01() override { return v_; }
    double v_;
};

struct Kiosk {
    std::string id;
    std::string township;
    int number = 1;
    std::string db_path;
    std::string cert_dir;
    FixedClock clock{0};
    sync::FixedBootClock boot{"boot-a", 1000};
    FixedRandom rng{0.5};
    std::unique_ptr<sqlite::Database> db;
    std::unique_ptr<sync::Journal> journal;
    std::unique_ptr<sync::ReceiptCounter> counter;
    std::unique_ptr<sync::Uploader> uploader;

    sync::UploaderConfig config(int port) const {
        sync::UploaderConfig c;
        c.server_url = "https://127.0.0.1:" + std::to_string(port);
        c.ca_file = cert_dir + "/ca.crt";
        c.cert_file = cert_dir + "/client.crt";
        c.key_file = cert_dir + "/client.key";
        c.bundle_public_key = cert_dir + "/bundle-signing.pub";
        c.bundle_root = db_path + ".bundles";
        c.connect_timeout_ms = 2000;
        c.request_timeout_ms = 20000;
        return c;
    }

    void connect(int port, std::optional<sync::UploaderConfig> cfg = std::nullopt) {
        auto u = sync::Uploader::create(db_path, id, cfg ? *cfg : config(port), clock, boot, rng);
        REQUIRE(u.ok());
        uploader = std::move(u).value();
    }

    // The hall restores an old copy of the kiosk's database: close everything, put the copy in place, reopen.
    void restore_from(const std::string& copy) {
        uploader.reset();
        journal.reset();
        counter.reset();
        db.reset();
        std::filesystem::copy_file(copy, db_path, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(db_path + "-wal");
        std::filesystem::remove(db_path + "-shm");
        auto d = sqlite::Database::open(db_path);
        REQUIRE(d.ok());
        db = std::move(d).value();
        auto j = sync::Journal::open(*db, id, clock, boot);
        REQUIRE(j.ok());
        journal = std::move(j).value();
        auto c = sync::ReceiptCounter::open(*db);
        REQUIRE(c.ok());
        counter = std::move(c).value();
    }

    // Appends one event with a state row, like the kiosk does.
    records::Envelope append(const std::string& type, const nlohmann::json& payload,
                             records::Actor actor = {"resident", ""}) {
        auto tx = sqlite::Transaction::begin(*db);
        REQUIRE(tx.ok());
        auto e = journal->append(**tx, type, actor, payload);
        REQUIRE(e.ok());
        REQUIRE((*tx)->commit().ok());
        clock.set(clock.now_utc_ms() + 10);
        return *e;
    }

    std::string next_receipt(ReceiptType t) {
        auto tx = sqlite::Transaction::begin(*db);
        REQUIRE(tx.ok());
        auto n = counter->next(**tx, clock.today());
        REQUIRE(n.ok());
        REQUIRE((*tx)->commit().ok());
        return make_receipt_number(t, std::stoi(township), number, clock.today(), *n)->text;
    }

    records::ApplicationSubmitted application(const std::string& programme = "dibao", const std::string& id_number =
                                                                                          "230523199001010012") {
        records::ApplicationSubmitted a;
        a.receipt_number = next_receipt(ReceiptType::application);
        a.programme = programme;
        a.township = township;
        a.channel = "self";
        a.applicant = {"王秀英", id_number, "self", "13800000000", "红星村", "healthy", "", "full", false};
        a.applicant_key = hmac_sha256_hex("county-key", id_number);
        a.income = {30000, 0, 0, 0};
        a.hardship_statement = "家庭困难";
        a.commitment_at = format_rfc3339(clock.now_utc_ms());
        a.authorisation_at = format_rfc3339(clock.now_utc_ms());
        a.materials_received = {"id_card", "hukou"};
        a.materials_missing = {"statement"};
        return a;
    }
};

// The county's "now" in every fixture test: 2026-06-15 10:00 in the county (a Monday), so a test reads the same
// dates on any day it runs. Certificates still carry the real time: OpenSSL checks them against the wall clock.
inline constexpr UtcMillis kFixtureNowMs = 1'781'488'800'000;

struct County {
    TempDir tmp;
    std::string dir;
    FixedClock clock{kFixtureNowMs};
    std::unique_ptr<county::CountyServer> server;
    int port = 0;

    explicit County(county::ServerConfig cfg = {}) {
        dir = tmp.str() + "/county";
        REQUIRE(county::pki::init(dir, {}).ok());
        write_test_store_config(dir);  // county-server's commands on D reach the same store as the server
        start(cfg);
    }

    void start(county::ServerConfig cfg = {}) {
        cfg.dir = dir;
        cfg.port = 0;
        if (cfg.store_url.empty()) cfg.store_url = test_store_url(dir);
        auto s = county::CountyServer::create(cfg, shared_policy(), clock);
        REQUIRE(s.ok());
        server = std::move(s).value();
        auto p = server->start();
        REQUIRE(p.ok());
        port = *p;
    }

    void stop() {
        server->stop();
        server.reset();
    }

    std::unique_ptr<Kiosk> add_kiosk(const std::string& id, const std::string& township = "230523104", int number = 1) {
        auto issued = county::pki::issue_kiosk(dir, id, township);
        REQUIRE(issued.ok());
        REQUIRE(server->store().put_kiosk({id, township, issued->fingerprint, issued->serial_hex, false, false}).ok());
        auto k = std::make_unique<Kiosk>();
        k->id = id;
        k->township = township;
        k->number = number;
        k->cert_dir = issued->dir;
        k->db_path = tmp.str() + "/" + id + ".db";
        k->clock.set(clock.now_utc_ms());
        auto db = sqlite::Database::open(k->db_path);
        REQUIRE(db.ok());
        k->db = std::move(db).value();
        auto j = sync::Journal::open(*k->db, id, k->clock, k->boot);
        REQUIRE(j.ok());
        k->journal = std::move(j).value();
        auto c = sync::ReceiptCounter::open(*k->db);
        REQUIRE(c.ok());
        k->counter = std::move(c).value();
        k->connect(port);
        return k;
    }
};

}  // namespace yimen::test
