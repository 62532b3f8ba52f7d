// bundle_test.cpp — the kiosk's policy content from the installed signed bundle, with the real parts: a bundle built
// and signed by sync::bundle::build (what `county-server bundle publish` runs) with an Ed25519 key made here,
// installed by sync::bundle::Installer (what the county link runs) into a scratch kiosk directory, then loaded by
// load_policy() and used by a KioskApp core (no SDL). A tampered bundle falls back to the shipped assets with the
// reason recorded; pulled configuration (sync::PulledStore, as the county link stores it) is what the kiosk uses.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/seal.hpp"
#include "base/sqlite.hpp"
#include "kiosk/devices/receipt_printer.hpp"
#include "kiosk/model/kiosk_app.hpp"
#include "kiosk/model/policy_source.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/record_tx.hpp"
#include "support.hpp"
#include "sync/bundle.hpp"
#include "sync/pulled_store.hpp"
#include "sync/sealed_payload.hpp"
#include "support/files.hpp"

using namespace yimen;
using namespace yimen::kiosk;
namespace fs = std::filesystem;
namespace bundle = yimen::sync::bundle;

namespace {

using yimen::test::slurp;
using yimen::test::spit;

const char* kPhrase = "本段为县政策包测试新增内容";  // only in the bundle's copy of the article
const char* kVersion = "2026.1201.1";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

// An Ed25519 key pair as files: the private key for bundle::build, the public key as the kiosk's config names it.
struct SigningKey {
    std::string private_path, public_path, public_pem;
    SigningKey(const fs::path& dir, const std::string& name) {
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"),
                                                                 &EVP_PKEY_free);
        REQUIRE(key);
        std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), &BIO_free);
        std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), &BIO_free);
        REQUIRE(PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
        REQUIRE(PEM_write_bio_PUBKEY(pub.get(), key.get()) == 1);
        auto text = [](BIO* b) {
            char* data = nullptr;
            const long n = BIO_get_mem_data(b, &data);
            return std::string(data, static_cast<std::size_t>(n));
        };
        private_path = (dir / (name + ".key")).string();
        public_path = (dir / (name + ".pub")).string();
        spit(private_path, text(priv.get()));
        public_pem = text(pub.get());
        spit(public_path, public_pem);
    }
};

// The county's side: a policy tree that differs from the shipped assets in a rule (the service hotline), an
// article (one more paragraph) and the quiz (its version), built and signed as `bundle publish` does.
bundle::Bundle county_bundle(const fs::path& dir, const SigningKey& key, const std::string& version = kVersion,
                             const std::map<std::string, std::string>& extra = {}) {
    const fs::path shipped = kiosk_test::assets_dir();
    const fs::path tree = dir / "county-tree";
    fs::remove_all(tree);
    spit(tree / "rules/programmes.json",
         replaced(slurp(shipped / "rules/programmes.json"), R"("service": {"number": "12345")",
                  R"("service": {"number": "96345")"));
    spit(tree / "quiz/quiz.json", replaced(slurp(shipped / "quiz/quiz.json"), R"("version": "2026.1")",
                                           R"("version": "2026.2")"));
    for (auto& e : fs::directory_iterator(shipped / "policy/articles")) {
        std::string text = slurp(e.path());
        if (e.path().filename() == "dibao-apply.md") text += "\n" + std::string(kPhrase) + "。\n";
        spit(tree / "policy/articles" / e.path().filename(), text);
    }
    auto b = bundle::build(tree.string(), version, "2026-12-01T00:00:00Z", key.private_path, extra);
    REQUIRE(b.ok());
    return std::move(b).value();
}

struct Kiosk {
    FixedClock clock{kiosk_test::test_now()};
    KioskConfig cfg;
    std::unique_ptr<I18n> i18n;
    std::unique_ptr<ArticleIndex> index;  // before the app, which reads it
    std::unique_ptr<KioskApp> app;

    explicit Kiosk(const std::string& dir) {
        cfg = demo_config(dir);
        auto t = I18n::load(kiosk_test::assets_dir());
        REQUIRE(t.ok());
        i18n = std::make_unique<I18n>(std::move(t).value());
    }
    // What App::init does at start, without SDL: pulled configuration, then the policy content, then the core.
    void start(const LoadedPolicy& loaded) {
        auto store = KioskStore::open(cfg.db_path(), cfg.kiosk_id, clock);
        REQUIRE(store.ok());
        KioskDeps deps;
        deps.config = cfg;
        deps.data = &loaded.data;
        deps.i18n = i18n.get();
        deps.clock = &clock;
        deps.store = std::move(store).value();
        deps.printer = open_receipt_printer(cfg.printer_uri, cfg.printer_profile);
        deps.sync = std::make_unique<OfflineSyncService>("offline");
        deps.policy_source = loaded.source;
        app = std::make_unique<KioskApp>(std::move(deps));
        // The article index, rebuilt from the loaded articles as App::init does at every start.
        auto idx = ArticleIndex::open(cfg.data_dir + "/articles.db");
        REQUIRE(idx.ok());
        REQUIRE(idx.value()->replace_all(loaded.data.articles).ok());
        index = std::move(idx).value();
        app->set_article_index(index.get());
    }
    // The policy screen's search, as a resident types it: the hits' ids.
    std::vector<std::string> search(const std::string& words) {
        app->go(Screen::policy);
        app->policy.query.value = words;
        app->policy_search();
        std::vector<std::string> ids;
        for (auto& h : app->policy.hits) ids.push_back(h.id);
        return ids;
    }
};

std::vector<Standard> shipped_standards() {
    auto t = StandardTable::load_file(kiosk_test::assets_dir() + "/rules/standards.json");
    REQUIRE(t.ok());
    return t->entries();
}

std::pair<int, std::string> kiosk_ctl(const std::string& args) { return kiosk_test::run_kiosk_ctl(args); }

const Article* article(const PolicyData& data, const std::string& id) {
    for (auto& a : data.articles)
        if (a.id == id) return &a;
    return nullptr;
}

}  // namespace

TEST_CASE("The kiosk loads rules, articles and quiz from the installed signed bundle", "[kiosk][bundle]") {
    const auto dir = kiosk_test::scratch_dir("bundle-loaded");
    SigningKey key(dir, "county");
    Kiosk k(dir + "/kiosk");
    k.cfg.bundle_public_key = key.public_path;

    auto installed = bundle::Installer(k.cfg.bundle_root()).install(county_bundle(dir, key), key.public_pem);
    REQUIRE(installed.ok());
    REQUIRE(installed_bundle_version(k.cfg) == kVersion);

    auto loaded = load_policy(k.cfg, kiosk_test::assets_dir());
    REQUIRE(loaded.ok());
    const auto& src = loaded->source;
    CHECK(src.from_bundle);
    CHECK(src.version == kVersion);
    CHECK(src.fallback_code.empty());
    for (const char* part : {"rules", "quiz", "articles"})
        CHECK(std::find(src.components.begin(), src.components.end(), part) != src.components.end());
    CHECK(std::find(src.components.begin(), src.components.end(), "standards") == src.components.end());
    CHECK(describe_policy_source(*k.i18n, src).find(kVersion) != std::string::npos);

    k.start(*loaded);
    // The rule, the quiz and the article the kiosk uses are the bundle's, not the shipped ones.
    CHECK(k.app->data().rules.hotline("service") == "96345");
    CHECK(k.app->data().quiz.version() == "2026.2");
    CHECK(k.app->data().standards.entries().size() == shipped_standards().size());  // not in the bundle: shipped
    const Article* a = nullptr;
    for (auto& art : k.app->data().articles)
        if (art.body_markdown.find(kPhrase) != std::string::npos) a = &art;
    REQUIRE(a);
    auto hits = k.search("县政策包测试新增");
    CHECK(std::find(hits.begin(), hits.end(), a->id) != hits.end());
    // The shipped assets, loaded as before, have neither.
    auto shipped = load_policy_data(kiosk_test::assets_dir());
    REQUIRE(shipped.ok());
    CHECK(shipped->rules.hotline("service") == "12345");
    REQUIRE(article(*shipped, a->id));
    CHECK(article(*shipped, a->id)->body_markdown.find(kPhrase) == std::string::npos);
    CHECK(shipped->articles.size() == k.app->data().articles.size());

    // What kiosk-ctl status reads back.
    REQUIRE(write_in_force(k.cfg, src, {}, k.clock.now_utc_ms()).ok());
    auto in_force = read_in_force(k.cfg);
    REQUIRE(in_force);
    CHECK(in_force->source.from_bundle);
    CHECK(in_force->source.version == kVersion);

    // A newer bundle installed while the kiosk runs takes effect at the next start; kiosk-ctl status says both.
    auto newer = county_bundle(dir, key, "2026.1201.2");
    REQUIRE(bundle::Installer(k.cfg.bundle_root()).install(newer, key.public_pem).ok());
    auto [code, out] = kiosk_ctl("--demo " + k.cfg.data_dir + " --lang en status");
    INFO(out);
    CHECK(code == 0);
    CHECK(out.find("county bundle 2026.1201.1 (signature verified") != std::string::npos);
    CHECK(out.find("bundle 2026.1201.2 is installed and takes effect at the next start") != std::string::npos);
    // The staff sync page says the same: the bundle in force, and the newer one waiting (read on the records lane).
    REQUIRE(seed_demo(k.app->store(), k.cfg, k.app->data(), k.clock).ok());
    k.app->go(Screen::staff);
    k.app->staff.staff_id.value = "1001";
    k.app->staff.pin.value = "123456";
    k.app->staff_login();
    k.app->settle();
    REQUIRE(k.app->staff.logged());
    k.app->staff_page(StaffPage::sync);
    k.app->settle();
    CHECK(k.app->policy_source().version == kVersion);
    CHECK(k.app->staff_view().installed_bundle == "2026.1201.2");
    auto next = load_policy(k.cfg, kiosk_test::assets_dir());
    REQUIRE(next.ok());
    CHECK(next->source.version == "2026.1201.2");
}

TEST_CASE("A tampered or foreign bundle falls back to the shipped assets with the reason recorded", "[kiosk][bundle]") {
    const auto dir = kiosk_test::scratch_dir("bundle-tampered");
    SigningKey key(dir, "county");
    Kiosk k(dir + "/kiosk");
    k.cfg.bundle_public_key = key.public_path;
    REQUIRE(bundle::Installer(k.cfg.bundle_root()).install(county_bundle(dir, key), key.public_pem).ok());
    const fs::path current = bundle::Installer(k.cfg.bundle_root()).current_dir();
    REQUIRE_FALSE(current.empty());

    std::string expected;
    SECTION("a changed article") {
        std::ofstream(current / "policy/articles/dibao-apply.md", std::ios::app) << "篡改";
        expected = "hash_mismatch";
    }
    SECTION("an added file") {
        spit(current / "policy/articles/extra.md", "---\nid: extra\n---\n");
        expected = "extra_file";
    }
    SECTION("another county's key") {
        SigningKey other(dir, "other");
        k.cfg.bundle_public_key = other.public_path;
        expected = "bad_signature";
    }
    SECTION("no key configured") {
        k.cfg.bundle_public_key.clear();
        expected = "no_key";
    }

    auto loaded = load_policy(k.cfg, kiosk_test::assets_dir());
    REQUIRE(loaded.ok());
    const auto& src = loaded->source;
    CHECK_FALSE(src.from_bundle);
    CHECK(src.fallback_code == expected);
    CHECK(src.refused_version == kVersion);
    CHECK(describe_policy_source(*k.i18n, src).find(expected) != std::string::npos);
    k.start(*loaded);
    CHECK(k.app->data().rules.hotline("service") == "12345");
    CHECK(k.app->data().quiz.version() == "2026.1");
    for (auto& art : k.app->data().articles) CHECK(art.body_markdown.find(kPhrase) == std::string::npos);
    CHECK(k.search("县政策包测试新增").empty());

    REQUIRE(write_in_force(k.cfg, src, {}, k.clock.now_utc_ms()).ok());
    auto in_force = read_in_force(k.cfg);
    REQUIRE(in_force);
    CHECK_FALSE(in_force->source.from_bundle);
    CHECK(in_force->source.fallback_code == expected);
    CHECK(in_force->source.refused_version == kVersion);
}

TEST_CASE("Without an installed bundle the kiosk uses the shipped assets and says so", "[kiosk][bundle]") {
    const auto dir = kiosk_test::scratch_dir("bundle-none");
    Kiosk k(dir + "/kiosk");
    auto loaded = load_policy(k.cfg, kiosk_test::assets_dir());
    REQUIRE(loaded.ok());
    CHECK_FALSE(loaded->source.from_bundle);
    CHECK(loaded->source.fallback_code.empty());
    CHECK(describe_policy_source(*k.i18n, loaded->source) == k.i18n->tr("policy.shipped"));
    auto shipped = load_policy_data(kiosk_test::assets_dir());
    REQUIRE(shipped.ok());
    CHECK(loaded->data.articles.size() == shipped->articles.size());
    CHECK(loaded->data.quiz.version() == shipped->quiz.version());
}

TEST_CASE("Pulled configuration overrides the local file's matching fields at start", "[kiosk][bundle][config]") {
    const auto dir = kiosk_test::scratch_dir("pulled-config");
    Kiosk k(dir + "/kiosk");
    k.cfg.idle_warn_seconds = 90;
    k.cfg.idle_countdown_seconds = 30;
    const std::string local_hall = k.cfg.hall_name;
    {
        // What the county link stores from a pull's `config` changes.
        { auto store = KioskStore::open(k.cfg.db_path(), k.cfg.kiosk_id, k.clock); REQUIRE(store.ok()); }
        auto db = sqlite::Database::open(k.cfg.db_path());
        REQUIRE(db.ok());
        auto pulled = sync::PulledStore::open(**db);
        REQUIRE(pulled.ok());
        REQUIRE((*pulled)->put_config("kiosk.hotline", "0469-96345").ok());
        REQUIRE((*pulled)->put_config("idle.warn_seconds", 30).ok());
        REQUIRE((*pulled)->put_config("idle.countdown_seconds", "ten").ok());  // wrong type: refused
        REQUIRE((*pulled)->put_config("kiosk.hall_name", "").ok());           // empty: refused
        REQUIRE((*pulled)->put_config("paths.data_dir", "/tmp/elsewhere").ok());  // not a pulled key: ignored
    }
    auto overrides = apply_stored_pulled_config(k.cfg);
    auto find = [&](const std::string& key) -> const ConfigOverride* {
        for (auto& o : overrides)
            if (o.key == key) return &o;
        return nullptr;
    };
    REQUIRE(find("kiosk.hotline"));
    CHECK(find("kiosk.hotline")->applied);
    REQUIRE(find("idle.countdown_seconds"));
    CHECK_FALSE(find("idle.countdown_seconds")->applied);
    CHECK(find("idle.countdown_seconds")->reason == "bad_type");
    REQUIRE(find("kiosk.hall_name"));
    CHECK(find("kiosk.hall_name")->reason == "bad_value");
    CHECK_FALSE(find("paths.data_dir"));
    CHECK(k.cfg.hall_name == local_hall);
    CHECK(k.cfg.data_dir == dir + "/kiosk");

    auto loaded = load_policy(k.cfg, kiosk_test::assets_dir());
    REQUIRE(loaded.ok());
    k.start(*loaded);
    // The home screen's hotline and the receipts' come from the kiosk's config: the county's value.
    CHECK(k.app->config().hotline == "0469-96345");
    records::ReferralIssued r;
    r.programme = "ref_yiliao";
    auto doc = referral_receipt(ReceiptContext{k.app->config(), k.app->data(), k.clock}, r, "");
    CHECK(doc.data["county_hotline"] == "0469-96345");
    // The idle warning comes after the county's 30 s, the countdown stays the local 30 s.
    k.app->intake_start(false);
    k.app->touched();
    k.clock.set(k.clock.now_utc_ms() + 29 * 1000);
    k.app->tick();
    CHECK_FALSE(k.app->idle_warning());
    k.clock.set(k.clock.now_utc_ms() + 2 * 1000);
    k.app->tick();
    CHECK(k.app->idle_warning());
    CHECK(k.app->idle_seconds_left() == 29);

    REQUIRE(write_in_force(k.cfg, loaded->source, overrides, k.clock.now_utc_ms()).ok());
    auto in_force = read_in_force(k.cfg);
    REQUIRE(in_force);
    CHECK(in_force->config_keys == std::vector<std::string>{"kiosk.hotline", "idle.warn_seconds"});
}

TEST_CASE("A signed bundle carrying keys/sealing.pub rotates the key the kiosk seals to", "[kiosk][bundle][sealing]") {
    const auto dir = kiosk_test::scratch_dir("bundle-sealing-key");
    SigningKey key(dir, "county");
    Kiosk k(dir + "/kiosk");
    k.cfg.bundle_public_key = key.public_path;
    // The key the kiosk was installed with (pki issue-kiosk's sealing.pub) …
    auto first = seal::generate_key_pair();
    REQUIRE(first.ok());
    k.cfg.sealing_public_key = dir + "/sealing.pub";
    spit(k.cfg.sealing_public_key, *seal::public_key_pem(first->pub));
    // … and the county's next one, published in a bundle after `pki rotate-sealing-key`.
    auto next = seal::generate_key_pair();
    REQUIRE(next.ok());
    auto b = county_bundle(dir, key, kVersion, {{kBundleSealingKeyPath, *seal::public_key_pem(next->pub)}});
    REQUIRE(bundle::Installer(k.cfg.bundle_root()).install(b, key.public_pem).ok());

    auto loaded = load_policy(k.cfg, kiosk_test::assets_dir());
    REQUIRE(loaded.ok());
    CHECK(loaded->source.from_bundle);
    CHECK(std::find(loaded->source.components.begin(), loaded->source.components.end(), "sealing_key") !=
          loaded->source.components.end());
    auto chosen = resolve_sealing_key(k.cfg, loaded->source);
    REQUIRE(chosen.ok());
    REQUIRE(chosen->has_value());
    CHECK((*chosen)->id == next->pub.id);

    k.start(*loaded);
    CHECK(k.app->sealing_key_id() == next->pub.id);
    auto written = journal_only(k.app->store(), {records::type::rating_given, {"resident", ""},
                                                 records::RatingGiven{"", 4, {}, {}, "13911112222", "kiosk", ""}});
    REQUIRE(written.ok());
    CHECK(written->schema == 2);
    seal::KeyRing county_now, county_before;
    county_now.add(*next);
    county_before.add(*first);
    CHECK(sync::open_payload(written->type, written->payload, county_now).ok());
    CHECK(sync::open_payload(written->type, written->payload, county_before).error().code == "unknown_sealing_key");
}
