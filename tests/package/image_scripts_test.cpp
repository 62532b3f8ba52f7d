// image_scripts_test.cpp — the kiosk image's own programs (image/files/usr/lib/yimen/) run against a scratch root:
// kiosk-setup with the files `county-server pki issue-kiosk` really writes, its kiosk.toml read back by the kiosk's
// own config loader; kiosk-update with packages delivered in a bundle built and installed by the same code the
// county and the kiosk run (sync::bundle::build and Installer) or signed by hand, installed with dpkg --root into a
// scratch dpkg database. dpkg needs root to install into another root; elsewhere these tests are skipped.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "county/pki.hpp"
#include "kiosk/model/config.hpp"
#include "support/temp_dir.hpp"
#include "sync/bundle.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
namespace bundle = yimen::sync::bundle;
using namespace yimen;
using yimen::test::TempDir;

namespace {

using yimen::test::slurp;
using yimen::test::spit;

const std::string kImage = YIMEN_IMAGE_DIR;
const std::string kSetup = kImage + "/files/usr/lib/yimen/kiosk-setup";
const std::string kUpdate = kImage + "/files/usr/lib/yimen/kiosk-update";

struct Ran {
    int status = -1;
    std::string output;
};

// Runs a shell command line, stdout and stderr together.
Ran run(const std::string& cmd) {
    Ran r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// A county PKI made by the real `pki init`: its bundle-signing key signs bundles and packages.
struct County {
    TempDir dir{"yimen-image-county"};
    County() { REQUIRE(county::pki::init(dir.path.string(), {})); }
    std::string key() const { return dir.path.string() + "/bundle-signing.key"; }
    std::string pub() const { return slurp(dir.path.string() + "/bundle-signing.pub"); }
};

// A one-file package yimen-update-probe at `version` whose file says the version.
std::string make_probe_deb(const fs::path& where, const std::string& version) {
    fs::path tree = where / ("probe-" + version);
    spit(tree / "DEBIAN/control", "Package: yimen-update-probe\nVersion: " + version +
                                      "\nArchitecture: all\nMaintainer: Yimen tests <tests@yimen.invalid>\n"
                                      "Description: update probe\n a package kiosk-update tests install\n");
    spit(tree / "usr/share/yimen-update-probe/version", version + "\n");
    fs::path deb = where / ("yimen-update-probe_" + version + "_all.deb");
    auto r = run("dpkg-deb --root-owner-group --build " + quoted(tree.string()) + " " + quoted(deb.string()));
    REQUIRE(r.status == 0);
    return deb.string();
}

// A kiosk root as far as kiosk-update looks: an empty dpkg database and the root-owned update key.
struct KioskRoot {
    TempDir dir{"yimen-image-root"};
    explicit KioskRoot(const County& county) {
        for (const char* d : {"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"})
            fs::create_directories(dir.path / d);
        spit(dir.path / "var/lib/dpkg/status", "");
        spit(dir.path / "var/lib/dpkg/available", "");
        spit(dir.path / "var/lib/yimen/update-key.pem", county.pub());
    }
    fs::path at() const { return dir.path; }
    Ran update() const { return run("YIMEN_UPDATE_ROOT=" + quoted(dir.path.string()) + " sh " + quoted(kUpdate)); }
    std::string probe_version() const {
        return slurp(dir.path / "usr/share/yimen-update-probe/version");
    }
    std::string installed_version() const {
        return run("dpkg-query --admindir=" + quoted(dir.path.string() + "/var/lib/dpkg") +
                   " -W -f='${Version}' yimen-update-probe")
            .output;
    }
    // The county's bundle with `files` (bundle path → local file), installed where the kiosk's county link puts it.
    void install_bundle(const County& county, const std::string& version,
                        const std::map<std::string, std::string>& files, const std::string& signing_key) const {
        TempDir from("yimen-image-bundle");
        spit(from.path / "articles/notice.md", "# 县民政局通知\n");
        for (const auto& [to, local] : files) spit(from.path / to, slurp(local));
        auto b = bundle::build(from.path.string(), version, "2026-12-01T02:00:00Z", signing_key);
        REQUIRE(b);
        bundle::Installer installer((dir.path / "var/lib/yimen/kiosk/policy-bundles").string());
        auto done = installer.install(*b, county.pub());
        INFO((done ? std::string() : done.error().message));
        REQUIRE(done);
    }
};

// dpkg --root installs only as root: elsewhere the test is a ctest SKIP (exit 77) with the reason.
void need_root_or_skip() {
    if (::geteuid() == 0) return;
    std::printf("YIMEN-SKIP: kiosk-update tests skipped: dpkg --root needs root\n");
    std::fflush(stdout);
    std::_Exit(77);
}

}  // namespace

TEST_CASE("kiosk-update installs the packages of the county's signed bundle once, and only newer ones",
          "[image]") {
    need_root_or_skip();
    County county;
    KioskRoot root(county);
    TempDir debs("yimen-image-debs");
    auto v11 = make_probe_deb(debs.path, "1.1-1");

    SECTION("a package in the bundle in force is installed, and not again the next night") {
        root.install_bundle(county, "2026.1201.1", {{"packages/yimen-update-probe_1.1-1_all.deb", v11}}, county.key());
        auto first = root.update();
        INFO(first.output);
        CHECK(first.status == 0);
        CHECK(root.probe_version() == "1.1-1\n");
        CHECK(root.installed_version() == "1.1-1");
        auto second = root.update();
        INFO(second.output);
        CHECK(second.status == 0);
        CHECK(second.output.find("nothing new") != std::string::npos);
    }
    SECTION("a package changed after the bundle was signed is not installed") {
        root.install_bundle(county, "2026.1201.2", {{"packages/yimen-update-probe_1.1-1_all.deb", v11}}, county.key());
        auto v12 = make_probe_deb(debs.path, "1.2-1");
        fs::path in_bundle = root.at() / "var/lib/yimen/kiosk/policy-bundles/current/packages/yimen-update-probe_1.1-1_all.deb";
        fs::permissions(in_bundle, fs::perms::owner_write, fs::perm_options::add);
        fs::copy_file(v12, in_bundle, fs::copy_options::overwrite_existing);
        auto r = root.update();
        INFO(r.output);
        CHECK(r.status == 0);
        CHECK(r.output.find("not as the signed manifest lists it") != std::string::npos);
        CHECK_FALSE(fs::exists(root.at() / "usr/share/yimen-update-probe/version"));
    }
    SECTION("a bundle the kiosk holds but the root-owned key did not sign installs nothing") {
        // The kiosk user could swap the bundle and the key in its own folder; the update key is root's.
        County other;
        root.install_bundle(other, "2026.1201.3", {{"packages/yimen-update-probe_1.1-1_all.deb", v11}}, other.key());
        auto r = root.update();
        INFO(r.output);
        CHECK(r.status == 0);
        CHECK(r.output.find("not signed by the county's key") != std::string::npos);
        CHECK_FALSE(fs::exists(root.at() / "usr/share/yimen-update-probe/version"));
    }
}

TEST_CASE("kiosk-update installs hand-delivered packages with a good signature and refuses the others", "[image]") {
    need_root_or_skip();
    County county;
    KioskRoot root(county);
    fs::path updates = root.at() / "var/lib/yimen/updates";
    fs::create_directories(updates);
    TempDir debs("yimen-image-debs");
    auto sign = [&](const std::string& deb, const std::string& key) {
        auto r = run("openssl pkeyutl -sign -rawin -inkey " + quoted(key) + " -in " + quoted(deb) + " -out " +
                     quoted(deb + ".sig"));
        REQUIRE(r.status == 0);
    };
    auto v12 = make_probe_deb(debs.path, "1.2-1");
    fs::copy_file(v12, updates / fs::path(v12).filename());
    sign((updates / fs::path(v12).filename()).string(), county.key());
    auto forged = make_probe_deb(debs.path, "9.9-1");
    fs::copy_file(forged, updates / fs::path(forged).filename());
    County other;
    sign((updates / fs::path(forged).filename()).string(), other.key());

    auto r = root.update();
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(root.probe_version() == "1.2-1\n");
    CHECK_FALSE(fs::exists(updates / fs::path(v12).filename()));
    CHECK(fs::exists(updates / "refused" / fs::path(forged).filename()));
    CHECK(r.output.find("signature missing or wrong") != std::string::npos);

    // An older package, well signed, is dropped and changes nothing.
    auto v10 = make_probe_deb(debs.path, "1.0-1");
    fs::copy_file(v10, updates / fs::path(v10).filename());
    sign((updates / fs::path(v10).filename()).string(), county.key());
    auto again = root.update();
    INFO(again.output);
    CHECK(again.status == 0);
    CHECK(root.probe_version() == "1.2-1\n");
    CHECK_FALSE(fs::exists(updates / fs::path(v10).filename()));
}

TEST_CASE("kiosk-setup takes the kiosk id from staff and the certificate from the county's USB stick", "[image]") {
    County county;
    auto issued = county::pki::issue_kiosk(county.dir.path.string(), "230523104-01", "230523104");
    REQUIRE(issued);
    TempDir usb("yimen-image-usb"), root("yimen-image-setup");
    fs::create_directories(usb.path / "yimen");
    fs::copy(issued->dir, usb.path / "yimen/230523104-01", fs::copy_options::recursive);
    spit(usb.path / "yimen/county-url", "https://county.baoqing.example:8443\r\n");
    fs::create_directories(root.path / "etc/yimen");
    fs::copy_file(YIMEN_PACKAGING_DIR "/etc/kiosk.toml", root.path / "etc/yimen/kiosk.toml");
    auto setup = [&](const std::string& typed) {
        return run("printf '" + typed + "' | YIMEN_SETUP_ROOT=" + quoted(root.path.string()) + " YIMEN_USB_DIR=" +
                   quoted(usb.path.string()) + " bash " + quoted(kSetup));
    };

    SECTION("a malformed id is asked again, then the kiosk is set up") {
        auto r = setup("104-1\\n230523104-00\\n230523104-01\\n");
        INFO(r.output);
        REQUIRE(r.status == 0);
        CHECK(r.output.find("编号格式不对") != std::string::npos);
        fs::path data = root.path / "var/lib/yimen/kiosk";
        for (const char* f : {"client.crt", "client.key", "ca.crt", "bundle-signing.pub", "sealing.pub"})
            CHECK(slurp(data / "certs" / f) == slurp(fs::path(issued->dir) / f));
        struct stat st {};
        REQUIRE(::stat((data / "certs/client.key").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        CHECK(slurp(root.path / "var/lib/yimen/update-key.pem") == county.pub());
        // The kiosk's own loader reads what setup wrote.
        auto cfg = kiosk::load_config_file((data / "kiosk.toml").string());
        INFO((cfg ? std::string() : cfg.error().message));
        REQUIRE(cfg);
        CHECK(cfg->kiosk_id == "230523104-01");
        CHECK(cfg->township_code == "230523104");
        CHECK(cfg->kiosk_number == 1);
        CHECK(cfg->county_url == "https://county.baoqing.example:8443");
    }
    SECTION("an id whose folder is not on the stick stops with what to do") {
        auto r = run("printf '230523104-02\\n' | YIMEN_SETUP_ROOT=" + quoted(root.path.string()) + " YIMEN_USB_DIR=" +
                     quoted(usb.path.string()) + " YIMEN_USB_WAIT=1 bash " + quoted(kSetup));
        INFO(r.output);
        CHECK(r.status != 0);
        CHECK(r.output.find("请核对编号和 U 盘") != std::string::npos);
        CHECK_FALSE(fs::exists(root.path / "var/lib/yimen/kiosk/kiosk.toml"));
    }
    SECTION("a stick without the private key stops without writing a configuration") {
        fs::remove(usb.path / "yimen/230523104-01/client.key");
        auto r = setup("230523104-01\\n");
        INFO(r.output);
        CHECK(r.status != 0);
        CHECK(r.output.find("缺少 client.key") != std::string::npos);
        CHECK_FALSE(fs::exists(root.path / "var/lib/yimen/kiosk/kiosk.toml"));
    }
}
