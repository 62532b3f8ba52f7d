// sealing_keys_test.cpp — the county's sealing keys (issue 11): pki init makes the first pair with private modes and
// optionally in a directory of its own, issue-kiosk hands the public key to the kiosk, and after a rotation values
// sealed to the old and to the new key both open with the county's key ring. The command line is run as shipped.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/seal.hpp"
#include "support/temp_dir.hpp"
#include "county/pki.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
namespace pki = yimen::county::pki;
namespace seal = yimen::seal;

namespace {

using yimen::test::slurp;

struct TempDir : yimen::test::TempDir {
    TempDir() : yimen::test::TempDir("yimen-sealing") {}
};

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

std::vector<fs::path> keys_in(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
    return out;
}

// county-server with these arguments; its standard output, and the exit status in `status`.
std::string county_server(const std::string& args, int& status) {
    // Appended piece by piece: GCC 12 warns (-Warray-bounds, a false positive) on the chained operator+.
    std::string cmd = YIMEN_BIN_DIR;
    cmd += "/county-server ";
    cmd += args;
    cmd += " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int rc = ::pclose(p);
    status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

}  // namespace

TEST_CASE("pki init makes the first sealing key pair: private key 0600 in a 0700 folder, public key beside the CA",
          "[pki][sealing]") {
    TempDir tmp;
    const fs::path dir = tmp.path / "pki";
    REQUIRE(pki::init(dir.string(), pki::InitOptions{}).ok());
    const fs::path key_dir = pki::default_sealing_key_dir(dir.string());
    CHECK(key_dir == dir / "sealing-keys");
    CHECK(mode_of(key_dir) == 0700);
    CHECK(mode_of(dir / "sealing.pub") == 0644);
    auto keys = keys_in(key_dir);
    REQUIRE(keys.size() == 1);
    CHECK(mode_of(keys[0]) == 0600);

    auto pub = seal::load_public_key((dir / "sealing.pub").string());
    REQUIRE(pub.ok());
    CHECK(keys[0].filename() == seal::private_key_file_name(*pub));
    auto ring = seal::load_key_ring(key_dir.string());
    REQUIRE(ring.ok());
    auto env = seal::seal("230523199001010012", *pub);
    REQUIRE(env.ok());
    CHECK(*seal::open_sealed(*env, *ring) == "230523199001010012");
}

TEST_CASE("pki init can keep the sealing private keys outside the county directory", "[pki][sealing]") {
    TempDir tmp;
    const fs::path dir = tmp.path / "pki", key_dir = tmp.path / "vault" / "sealing";
    pki::InitOptions opt;
    opt.sealing_key_dir = key_dir.string();
    REQUIRE(pki::init(dir.string(), opt).ok());
    CHECK_FALSE(fs::exists(dir / "sealing-keys"));
    for (const auto& e : fs::recursive_directory_iterator(dir))
        CHECK(e.path().filename().string().rfind("sealing-", 0) != 0);
    CHECK(mode_of(key_dir) == 0700);
    REQUIRE(keys_in(key_dir).size() == 1);
    CHECK(mode_of(keys_in(key_dir)[0]) == 0600);
    CHECK(seal::load_key_ring(key_dir.string()).ok());
}

TEST_CASE("pki issue_kiosk puts the county's sealing public key into the kiosk's bundle", "[pki][sealing]") {
    TempDir tmp;
    REQUIRE(pki::init(tmp.str(), pki::InitOptions{}).ok());
    auto issued = pki::issue_kiosk(tmp.str(), "230523104-01", "230523104");
    REQUIRE(issued.ok());
    const fs::path kiosk_pub = fs::path(issued->dir) / "sealing.pub";
    CHECK(mode_of(kiosk_pub) == 0644);
    CHECK(slurp(kiosk_pub) == slurp(tmp.path / "sealing.pub"));
    // What the kiosk seals with, the county opens; the kiosk's folder holds nothing that opens it.
    auto pub = seal::load_public_key(kiosk_pub.string());
    REQUIRE(pub.ok());
    auto env = seal::seal("13800001111", *pub);
    REQUIRE(env.ok());
    CHECK(*seal::open_sealed(*env, *seal::load_key_ring(pki::default_sealing_key_dir(tmp.str()))) == "13800001111");
    CHECK(seal::load_key_ring(issued->dir).error().code == "key_missing");

    // A PKI from before sealing (no sealing.pub) is told what to run.
    fs::remove(tmp.path / "sealing.pub");
    auto old = pki::issue_kiosk(tmp.str(), "230523104-02", "230523104");
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().code == "pki_missing");
    CHECK(old.error().message.find("rotate-sealing-key") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp.path / "kiosks" / "230523104-02"));
}

TEST_CASE("after a sealing key rotation values sealed before and after both open with the county's ring",
          "[pki][sealing]") {
    TempDir tmp;
    REQUIRE(pki::init(tmp.str(), pki::InitOptions{}).ok());
    auto first = pki::issue_kiosk(tmp.str(), "k-before", "230523104");
    REQUIRE(first.ok());
    auto old_pub = seal::load_public_key(first->dir + "/sealing.pub");
    REQUIRE(old_pub.ok());
    auto before = seal::seal("sealed before the rotation", *old_pub);
    REQUIRE(before.ok());

    auto rotated = pki::rotate_sealing_key(tmp.str());
    REQUIRE(rotated.ok());
    CHECK(rotated->key_id != old_pub->id);
    CHECK(rotated->ring_size == 2);
    CHECK(mode_of(rotated->private_key_path) == 0600);
    auto new_pub = seal::load_public_key((tmp.path / "sealing.pub").string());
    REQUIRE(new_pub.ok());
    CHECK(new_pub->id == rotated->key_id);
    auto second = pki::issue_kiosk(tmp.str(), "k-after", "230523104");
    REQUIRE(second.ok());
    CHECK(seal::load_public_key(second->dir + "/sealing.pub")->id == rotated->key_id);
    auto after = seal::seal("sealed after the rotation", *new_pub);
    REQUIRE(after.ok());

    auto ring = seal::load_key_ring(pki::default_sealing_key_dir(tmp.str()));
    REQUIRE(ring.ok());
    CHECK(ring->size() == 2);
    CHECK(*seal::open_sealed(*before, *ring) == "sealed before the rotation");
    CHECK(*seal::open_sealed(*after, *ring) == "sealed after the rotation");

    // The first key for a PKI made before sealing; nothing without a PKI.
    TempDir none;
    CHECK(pki::rotate_sealing_key(none.str()).error().code == "pki_missing");
    CHECK_FALSE(fs::exists(none.path / "sealing.pub"));
}

TEST_CASE("county-server pki init --sealing-key-dir and pki rotate-sealing-key", "[pki][sealing]") {
    TempDir tmp;
    const std::string dir = (tmp.path / "county").string(), vault = (tmp.path / "vault").string();
    int status = -1;
    auto out = county_server("pki init --dir " + dir + " --sealing-key-dir " + vault, status);
    INFO(out);
    REQUIRE(status == 0);
    CHECK(out.find(vault) != std::string::npos);
    CHECK(out.find("[pki] sealing_key_dir") != std::string::npos);  // the reminder for later commands
    CHECK(keys_in(vault).size() == 1);
    CHECK_FALSE(fs::exists(dir + "/sealing-keys"));

    // Through county.toml, as the reminder says.
    std::ofstream(dir + "/county.toml") << "[pki]\nsealing_key_dir = \"" << vault << "\"\n";
    out = county_server("pki rotate-sealing-key --dir " + dir, status);
    INFO(out);
    REQUIRE(status == 0);
    CHECK(out.find("2 sealing private keys kept") != std::string::npos);
    CHECK(keys_in(vault).size() == 2);
    CHECK_FALSE(fs::exists(dir + "/sealing-keys"));
    CHECK(out.find(seal::load_public_key(dir + "/sealing.pub")->id) != std::string::npos);

    // The next bundle carries the new public key to every kiosk (keys/sealing.pub), signed like the rules.
    out = county_server("bundle publish --dir " + dir + " --version 2026.12.1 --from " + YIMEN_SOURCE_ASSETS_DIR +
                            "/policy",
                        status);
    INFO(out);
    REQUIRE(status == 0);
    CHECK(out.find("sealing key " + seal::load_public_key(dir + "/sealing.pub")->id) != std::string::npos);

    out = county_server("pki rotate-sealing-key --help", status);
    CHECK(status == 0);
    CHECK(out.find("--sealing-key-dir") != std::string::npos);
}
