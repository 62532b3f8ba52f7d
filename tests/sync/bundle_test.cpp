// bundle_test.cpp — signed policy bundles on real files: every way a bundle can be wrong is refused with its own
// code and leaves the installed bundle untouched, and a failure at any step of an install leaves `current` on the
// old, complete bundle. Keys are made here with EVP directly (this suite does not link the county's PKI).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/canonical_json.hpp"
#include "support/temp_dir.hpp"
#include "sync/bundle.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
namespace bundle = yimen::sync::bundle;

namespace {

using yimen::test::slurp;

struct TempDir : yimen::test::TempDir {
    TempDir() : yimen::test::TempDir("yimen-bundle") {}
};

struct PKeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};
struct MdFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, PKeyFree>;

std::string bio_string(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// An Ed25519 key pair: the private key as a PEM file (as build() wants it), the public key as PEM text.
struct SigningKey {
    PKey key;
    std::string private_path;
    std::string public_pem;
    SigningKey(const fs::path& dir, const std::string& name) : key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")) {
        REQUIRE(key);
        std::unique_ptr<BIO, BioFree> priv(BIO_new(BIO_s_mem())), pub(BIO_new(BIO_s_mem()));
        REQUIRE(PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
        REQUIRE(PEM_write_bio_PUBKEY(pub.get(), key.get()) == 1);
        private_path = (dir / (name + ".key")).string();
        std::ofstream(private_path, std::ios::binary) << bio_string(priv.get());
        public_pem = bio_string(pub.get());
    }
    // Signs independently of bundle.cpp, to craft manifests that build() would never produce.
    std::string sign(const std::string& message) const {
        std::unique_ptr<EVP_MD_CTX, MdFree> ctx(EVP_MD_CTX_new());
        unsigned char sig[64];
        size_t len = sizeof sig;
        REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1);
        REQUIRE(EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                               message.size()) == 1);
        return std::string(reinterpret_cast<const char*>(sig), len);
    }
};

void write(const fs::path& path, const std::string& data) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << data;
}

const std::map<std::string, std::string> kTreeV1{
    {"articles/dibao.md", "# 最低生活保障\n申请条件……\n"},
    {"articles/tekun.md", "# 特困人员救助供养\n"},
    {"standards/2026.json", R"({"dibao_fen":78000})"},
    {"README", ""},
};

fs::path make_tree(const fs::path& root, const std::map<std::string, std::string>& files) {
    for (const auto& [path, data] : files) write(root / path, data);
    return root;
}

// The installed folder holds exactly these files (plus the kept manifest and signature).
void check_installed(const std::string& dir, const std::map<std::string, std::string>& files) {
    REQUIRE_FALSE(dir.empty());
    std::map<std::string, std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const std::string rel = e.path().lexically_relative(dir).generic_string();
        if (rel == ".manifest.json" || rel == ".signature") continue;
        found[rel] = slurp(e.path());
    }
    CHECK(found == files);
}

bool has_staging(const fs::path& root) {
    for (const auto& e : fs::directory_iterator(root))
        if (e.path().filename().string().rfind(".staging-", 0) == 0) return true;
    return false;
}

// A manifest with the given file list, as canonical bytes, for crafted bundles.
std::string manifest_bytes(const std::string& version, const nlohmann::json& files) {
    const nlohmann::json m = {{"created", "2026-11-27T08:00:00Z"}, {"files", files}, {"version", version}};
    auto bytes = yimen::canonical_json(m);
    REQUIRE(bytes.ok());
    return *bytes;
}

}  // namespace

TEST_CASE("bundle build lists every regular file and signs the canonical manifest", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    const fs::path src = make_tree(tmp.path / "src", kTreeV1);
    write(src / ".hidden", "not published");
    write(src / ".git" / "config", "not published either");
    write(src / "articles" / ".draft.md", "a draft");

    auto b = bundle::build(src.string(), "2026.11.27.1", "2026-11-27T08:00:00Z", key.private_path);
    REQUIRE(b.ok());
    CHECK(b->signature.size() == 64);
    CHECK(b->files == kTreeV1);

    auto m = bundle::parse_manifest(b->manifest_bytes);
    REQUIRE(m.ok());
    CHECK(m->version == "2026.11.27.1");
    CHECK(m->created == "2026-11-27T08:00:00Z");
    REQUIRE(m->files.size() == kTreeV1.size());
    auto expected = kTreeV1.begin();
    for (const auto& f : m->files) {
        CHECK(f.path == expected->first);
        CHECK(f.sha256 == yimen::sha256_hex(expected->second));
        CHECK(f.size == static_cast<std::int64_t>(expected->second.size()));
        ++expected;
    }
    // The manifest is exactly the canonical JSON of itself, with the keys the contract names.
    const auto j = nlohmann::json::parse(b->manifest_bytes);
    CHECK(*yimen::canonical_json(j) == b->manifest_bytes);
    CHECK(b->manifest_bytes.rfind(R"({"created":"2026-11-27T08:00:00Z","files":[{"path":"README","sha256":")", 0) == 0);

    CHECK(bundle::verify(*b, key.public_pem).ok());
    // The signature is a plain Ed25519 signature over the manifest bytes: check it with OpenSSL directly.
    std::unique_ptr<EVP_MD_CTX, MdFree> ctx(EVP_MD_CTX_new());
    REQUIRE(EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.key.get()) == 1);
    CHECK(EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(b->signature.data()), b->signature.size(),
                           reinterpret_cast<const unsigned char*>(b->manifest_bytes.data()),
                           b->manifest_bytes.size()) == 1);
}

TEST_CASE("bundle build refuses symlinks, bad versions and a key that is not Ed25519", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    const fs::path src = make_tree(tmp.path / "src", kTreeV1);

    for (const char* bad : {"", "v1", "1..2", ".1", "1.", "2026-11-27", "1.2/3"}) {
        auto b = bundle::build(src.string(), bad, "2026-11-27T08:00:00Z", key.private_path);
        REQUIRE_FALSE(b.ok());
        CHECK(b.error().code == "bad_manifest");
    }
    auto bad_time = bundle::build(src.string(), "1", "2026-11-27 08:00:00", key.private_path);
    REQUIRE_FALSE(bad_time.ok());
    CHECK(bad_time.error().code == "bad_manifest");
    CHECK(bundle::build(src.string(), "1", "2026-11-27T08:00:00.123Z", key.private_path).ok());

    PKey ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PrivateKey(bio.get(), ec.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
    write(tmp.path / "ec.key", bio_string(bio.get()));
    auto wrong_key = bundle::build(src.string(), "1", "2026-11-27T08:00:00Z", (tmp.path / "ec.key").string());
    REQUIRE_FALSE(wrong_key.ok());
    CHECK(wrong_key.error().code == "bad_key");
    auto no_key = bundle::build(src.string(), "1", "2026-11-27T08:00:00Z", (tmp.path / "missing.key").string());
    REQUIRE_FALSE(no_key.ok());
    CHECK(no_key.error().code == "bad_key");

    fs::create_symlink("/etc/passwd", src / "articles" / "passwd.md");
    auto link = bundle::build(src.string(), "1", "2026-11-27T08:00:00Z", key.private_path);
    REQUIRE_FALSE(link.ok());
    CHECK(link.error().code == "unsafe_path");
}

TEST_CASE("bundle install verifies, installs and points current at it", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    auto b1 = bundle::build(make_tree(tmp.path / "v1", kTreeV1).string(), "2026.11.27.1", "2026-11-27T08:00:00Z",
                            key.private_path);
    REQUIRE(b1.ok());

    const fs::path root = tmp.path / "kiosk" / "policy-bundles";
    bundle::Installer installer(root.string());
    CHECK(installer.current_version().empty());
    CHECK(installer.current_dir().empty());

    auto dir = installer.install(*b1, key.public_pem);
    REQUIRE(dir.ok());
    CHECK(installer.current_version() == "2026.11.27.1");
    CHECK(installer.current_dir() == *dir);
    CHECK(fs::equivalent(*dir, root / "2026.11.27.1"));
    CHECK(fs::is_symlink(root / "current"));
    CHECK(fs::read_symlink(root / "current") == "2026.11.27.1");  // relative: the root can be moved or restored
    check_installed(*dir, kTreeV1);
    CHECK(slurp(fs::path(*dir) / ".manifest.json") == b1->manifest_bytes);
    CHECK(slurp(fs::path(*dir) / ".signature") == b1->signature);
    CHECK_FALSE(has_staging(root));
    CHECK_FALSE(fs::exists(root / ".current.next"));

    // A newer bundle replaces it; a fresh Installer on the same root sees the same state.
    auto tree2 = kTreeV1;
    tree2["articles/dibao.md"] = "# 最低生活保障（2027 年标准）\n";
    tree2["articles/linshi/jinan.md"] = "# 临时救助（急难型）\n";
    tree2.erase("README");
    auto b2 = bundle::build(make_tree(tmp.path / "v2", tree2).string(), "2026.11.27.10", "2026-11-27T09:00:00Z",
                            key.private_path);
    REQUIRE(b2.ok());
    auto dir2 = installer.install(*b2, key.public_pem);
    REQUIRE(dir2.ok());
    bundle::Installer again(root.string());
    CHECK(again.current_version() == "2026.11.27.10");
    check_installed(again.current_dir(), tree2);
}

TEST_CASE("bundle install refuses older and equal versions and keeps current", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    const fs::path src = make_tree(tmp.path / "src", kTreeV1);
    bundle::Installer installer((tmp.path / "root").string());
    auto b5 = bundle::build(src.string(), "2026.11.27.5", "2026-11-27T08:00:00Z", key.private_path);
    REQUIRE(b5.ok());
    REQUIRE(installer.install(*b5, key.public_pem).ok());

    for (const char* v : {"2026.11.27.5", "2026.11.27.05", "2026.11.27.5.0", "2026.11.27.4", "2026.9.30.99", "2025"}) {
        auto old = bundle::build(src.string(), v, "2026-11-27T08:00:00Z", key.private_path);
        REQUIRE(old.ok());
        auto r = installer.install(*old, key.public_pem);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "not_newer");
        CHECK(installer.current_version() == "2026.11.27.5");
    }
    check_installed(installer.current_dir(), kTreeV1);
}

TEST_CASE("bundle tampering is refused with its own code and leaves current unchanged", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing"), other(tmp.path, "other");
    const fs::path src = make_tree(tmp.path / "src", kTreeV1);
    auto b1 = bundle::build(src.string(), "1", "2026-11-27T08:00:00Z", key.private_path);
    auto b2 = bundle::build(src.string(), "2", "2026-11-27T08:00:00Z", key.private_path);
    REQUIRE(b1.ok());
    REQUIRE(b2.ok());
    bundle::Installer installer((tmp.path / "root").string());
    REQUIRE(installer.install(*b1, key.public_pem).ok());

    const auto refused = [&](const bundle::Bundle& b, const std::string& code) {
        CHECK(bundle::verify(b, key.public_pem).error().code == code);
        auto r = installer.install(b, key.public_pem);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == code);
        CHECK_FALSE(r.error().message.empty());
        CHECK(installer.current_version() == "1");
        check_installed(installer.current_dir(), kTreeV1);
        CHECK_FALSE(fs::exists(tmp.path / "root" / "2"));
        CHECK_FALSE(has_staging(tmp.path / "root"));
    };

    SECTION("a changed file") {
        auto t = *b2;
        t.files["articles/dibao.md"] = "# 最低生活保障\n申请条件……（被改动）\n";
        refused(t, "hash_mismatch");
    }
    SECTION("a file with the same length but other bytes") {
        auto t = *b2;
        t.files["standards/2026.json"][2] = 'X';
        refused(t, "hash_mismatch");
    }
    SECTION("a changed manifest") {
        auto t = *b2;
        const auto at = t.manifest_bytes.find("\"version\":\"2\"");
        REQUIRE(at != std::string::npos);
        t.manifest_bytes.replace(at, 13, "\"version\":\"3\"");
        refused(t, "bad_signature");
    }
    SECTION("a flipped signature bit") {
        auto t = *b2;
        t.signature[10] = static_cast<char>(t.signature[10] ^ 1);
        refused(t, "bad_signature");
    }
    SECTION("a truncated signature") {
        auto t = *b2;
        t.signature.resize(63);
        refused(t, "bad_signature");
    }
    SECTION("signed by another key") {
        auto t = bundle::build(src.string(), "2", "2026-11-27T08:00:00Z", other.private_path);
        REQUIRE(t.ok());
        CHECK(bundle::verify(*t, other.public_pem).ok());
        refused(*t, "bad_signature");
    }
    SECTION("re-signed by another key after changing a file") {
        auto t = *b2;
        t.files["articles/dibao.md"] = "forged";
        auto files = nlohmann::json::array();
        for (const auto& [path, data] : t.files)
            files.push_back({{"path", path}, {"sha256", yimen::sha256_hex(data)},
                             {"size", static_cast<std::int64_t>(data.size())}});
        t.manifest_bytes = manifest_bytes("2", files);
        t.signature = other.sign(t.manifest_bytes);
        refused(t, "bad_signature");
    }
    SECTION("a missing file") {
        auto t = *b2;
        t.files.erase("articles/tekun.md");
        refused(t, "missing_file");
    }
    SECTION("an extra file") {
        auto t = *b2;
        t.files["articles/extra.md"] = "smuggled";
        refused(t, "extra_file");
    }
}

TEST_CASE("bundle signed manifests with unsafe paths are refused", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    bundle::Installer installer((tmp.path / "kiosk" / "root").string());
    for (const std::string& path : {std::string("../escape.md"), std::string("articles/../../escape.md"),
                                    std::string("/etc/cron.d/x"), std::string("a//b"), std::string("a/./b"),
                                    std::string(".hidden"), std::string("a/"), std::string("a\\..\\b"),
                                    std::string("current/x"), std::string("a/.staging-1/x")}) {
        INFO(path);
        bundle::Bundle b;
        b.files[path] = "x";
        b.manifest_bytes = manifest_bytes("1", nlohmann::json::array(
                                                   {{{"path", path}, {"sha256", yimen::sha256_hex("x")}, {"size", 1}}}));
        b.signature = key.sign(b.manifest_bytes);
        if (path == "current/x") {  // inside the version folder, "current" is an ordinary name
            CHECK(bundle::verify(b, key.public_pem).ok());
            continue;
        }
        CHECK(bundle::parse_manifest(b.manifest_bytes).error().code == "unsafe_path");
        auto r = installer.install(b, key.public_pem);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "unsafe_path");
    }
    CHECK_FALSE(fs::exists(tmp.path / "kiosk" / "escape.md"));
    CHECK_FALSE(fs::exists(tmp.path / "escape.md"));

    // A file and a folder of the same name cannot both be installed.
    bundle::Bundle clash;
    clash.files = {{"a", "x"}, {"a/b", "x"}};
    clash.manifest_bytes = manifest_bytes(
        "1", {{{"path", "a"}, {"sha256", yimen::sha256_hex("x")}, {"size", 1}},
              {{"path", "a/b"}, {"sha256", yimen::sha256_hex("x")}, {"size", 1}}});
    clash.signature = key.sign(clash.manifest_bytes);
    CHECK(bundle::verify(clash, key.public_pem).error().code == "unsafe_path");
}

TEST_CASE("bundle manifests that are not canonical or well-formed are refused", "[bundle]") {
    const std::string h = yimen::sha256_hex("x");
    const auto entry = [&](const std::string& path) {
        return nlohmann::json{{"path", path}, {"sha256", h}, {"size", 1}};
    };
    CHECK(bundle::parse_manifest(manifest_bytes("1", {entry("a"), entry("b")})).ok());
    const auto code = [](const std::string& bytes) { return bundle::parse_manifest(bytes).error().code; };
    CHECK(code(manifest_bytes("1", {entry("b"), entry("a")})) == "bad_manifest");  // unsorted
    CHECK(code(manifest_bytes("1", {entry("a"), entry("a")})) == "bad_manifest");  // duplicate
    CHECK(code(manifest_bytes("1.x", {entry("a")})) == "bad_manifest");
    CHECK(code(manifest_bytes("1", {{{"path", "a"}, {"sha256", "ABC"}, {"size", 1}}})) == "bad_manifest");
    CHECK(code(manifest_bytes("1", {{{"path", "a"}, {"sha256", h}, {"size", -1}}})) == "bad_manifest");
    CHECK(code(manifest_bytes("1", {{{"path", "a"}, {"sha256", h}}})) == "bad_manifest");
    CHECK(code("") == "bad_manifest");
    CHECK(code("[]") == "bad_manifest");
    // Same content, not canonical (whitespace; a duplicate key): one signature must have one meaning.
    CHECK(code(R"({"created": "2026-11-27T08:00:00Z","files":[],"version":"1"})") == "bad_manifest");
    CHECK(code(R"({"created":"2026-11-27T08:00:00Z","files":[],"version":"1","version":"9"})") == "bad_manifest");
    CHECK(bundle::parse_manifest(R"({"created":"2026-11-27T08:00:00Z","files":[],"version":"1"})").ok());
}

TEST_CASE("bundle to_json and from_json round trip any bytes", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    std::string binary;
    for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
    auto tree = kTreeV1;
    tree["bin/all-bytes"] = binary;
    tree["bin/one"] = "a";
    tree["bin/two"] = "ab";
    tree["bin/three"] = "abc";
    auto b = bundle::build(make_tree(tmp.path / "src", tree).string(), "7", "2026-11-27T08:00:00Z", key.private_path);
    REQUIRE(b.ok());

    const auto j = bundle::to_json(*b);
    CHECK(j.at("manifest").get<std::string>() == b->manifest_bytes);
    CHECK(j.at("files").at("bin/three").get<std::string>() == "YWJj");
    CHECK(j.at("files").at("bin/two").get<std::string>() == "YWI=");
    CHECK(j.at("files").at("bin/one").get<std::string>() == "YQ==");
    CHECK(j.at("files").at("README").get<std::string>().empty());
    // Through text, as it travels in a pull answer.
    auto back = bundle::from_json(nlohmann::json::parse(j.dump()));
    REQUIRE(back.ok());
    CHECK(back->manifest_bytes == b->manifest_bytes);
    CHECK(back->signature == b->signature);
    CHECK(back->files == b->files);
    CHECK(bundle::verify(*back, key.public_pem).ok());

    const auto code = [](const nlohmann::json& bad) { return bundle::from_json(bad).error().code; };
    CHECK(code(nlohmann::json::array()) == "bad_manifest");
    auto no_sig = j;
    no_sig.erase("signature");
    CHECK(code(no_sig) == "bad_manifest");
    auto bad_b64 = j;
    bad_b64["files"]["bin/one"] = "Y Q==";
    CHECK(code(bad_b64) == "bad_manifest");
    bad_b64["files"]["bin/one"] = "YQ=";
    CHECK(code(bad_b64) == "bad_manifest");
    bad_b64["files"]["bin/one"] = "Y=Q=";
    CHECK(code(bad_b64) == "bad_manifest");
    auto not_string = j;
    not_string["files"]["bin/one"] = 5;
    CHECK(code(not_string) == "bad_manifest");
}

TEST_CASE("bundle verify refuses a public key that is not Ed25519", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    auto b = bundle::build(make_tree(tmp.path / "src", kTreeV1).string(), "1", "2026-11-27T08:00:00Z",
                           key.private_path);
    REQUIRE(b.ok());
    CHECK(bundle::verify(*b, "").error().code == "bad_key");
    CHECK(bundle::verify(*b, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").error().code == "bad_key");
    PKey ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PUBKEY(bio.get(), ec.get()) == 1);
    CHECK(bundle::verify(*b, bio_string(bio.get())).error().code == "bad_key");
}

TEST_CASE("bundle compare_versions compares numerically component by component", "[bundle]") {
    CHECK(bundle::compare_versions("2026.11.27.10", "2026.11.27.9") > 0);
    CHECK(bundle::compare_versions("2026.11.27.9", "2026.11.27.10") < 0);
    CHECK(bundle::compare_versions("2026.11.27.1", "2026.11.27.1") == 0);
    CHECK(bundle::compare_versions("2026.1127.083000", "2026.1127.83000") == 0);
    CHECK(bundle::compare_versions("2026.1127.091500", "2026.1127.083000") > 0);
    CHECK(bundle::compare_versions("1.2", "1.2.0") == 0);
    CHECK(bundle::compare_versions("1.2", "1.2.1") < 0);
    CHECK(bundle::compare_versions("2027", "2026.12.31.99") > 0);
    CHECK(bundle::compare_versions("99999999999999999999.1", "99999999999999999998.9") > 0);
}

TEST_CASE("bundle a failure at any step of an install leaves the old bundle current and complete", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    const fs::path root = tmp.path / "root";
    auto b1 = bundle::build(make_tree(tmp.path / "v1", kTreeV1).string(), "2026.11.27.1", "2026-11-27T08:00:00Z",
                            key.private_path);
    auto tree2 = kTreeV1;
    tree2["articles/dibao.md"] = "# 新标准\n";
    tree2["articles/new/one.md"] = "新增\n";
    auto b2 = bundle::build(make_tree(tmp.path / "v2", tree2).string(), "2026.11.27.2", "2026-11-27T09:00:00Z",
                            key.private_path);
    REQUIRE(b1.ok());
    REQUIRE(b2.ok());
    bundle::Installer installer(root.string());
    REQUIRE(installer.install(*b1, key.public_pem).ok());

    for (const std::string step : {"staged_file", "before_rename", "before_swap"}) {
        INFO(step);
        bundle::Installer failing(root.string());
        int calls = 0;
        failing.set_fault_hook([&](std::string_view at) {
            ++calls;
            return at == step;
        });
        auto r = failing.install(*b2, key.public_pem);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "io_error");
        CHECK(calls > 0);
        CHECK(installer.current_version() == "2026.11.27.1");
        check_installed(installer.current_dir(), kTreeV1);
        CHECK_FALSE(fs::exists(root / "2026.11.27.2"));
        CHECK_FALSE(has_staging(root));
    }

    // Leftovers of a crash (a half-written staging folder, a renamed but never switched-to folder with wrong
    // content) do not block or poison the next install.
    write(root / ".staging-2026.11.27.2" / "articles" / "dibao.md", "half");
    write(root / "2026.11.27.2" / "articles" / "dibao.md", "stale");
    auto ok = installer.install(*b2, key.public_pem);
    REQUIRE(ok.ok());
    CHECK(installer.current_version() == "2026.11.27.2");
    check_installed(installer.current_dir(), tree2);
    CHECK_FALSE(has_staging(root));
    // The previous bundle stays on disk (a reader that resolved `current` a moment ago keeps a complete copy).
    check_installed((root / "2026.11.27.1").string(), kTreeV1);
}

TEST_CASE("bundle two installers racing on one root install the bundle exactly once", "[bundle]") {
    TempDir tmp;
    SigningKey key(tmp.path, "signing");
    auto b = bundle::build(make_tree(tmp.path / "src", kTreeV1).string(), "3", "2026-11-27T08:00:00Z",
                           key.private_path);
    REQUIRE(b.ok());
    const std::string root = (tmp.path / "root").string();
    std::optional<yimen::Result<std::string>> first, second;
    std::thread t([&] { first.emplace(bundle::Installer(root).install(*b, key.public_pem)); });
    second.emplace(bundle::Installer(root).install(*b, key.public_pem));
    t.join();
    CHECK(first->ok() != second->ok());
    const auto& loser = first->ok() ? *second : *first;
    CHECK(loser.error().code == "not_newer");
    CHECK(bundle::Installer(root).current_version() == "3");
    check_installed(bundle::Installer(root).current_dir(), kTreeV1);
}
