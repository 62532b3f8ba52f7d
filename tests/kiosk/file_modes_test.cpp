// file_modes_test.cpp — what a kiosk leaves on disk is for its own user only (issue 11): the data directory 0700,
// kiosk.db and its -wal/-shm 0600 whatever the umask, also for a database an older kiosk made 0644.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app_fixture.hpp"
#include "sync/uploader.hpp"

using namespace yimen;
using namespace yimen::kiosk;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

// A permissive umask for the test's length, so 0600 cannot come from the environment.
struct Umask {
    mode_t old;
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
};

// Every "*.db*" file of the data directory but the articles index.
std::vector<fs::path> database_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && name.find(".db") != std::string::npos && name.rfind("articles.db", 0) != 0)
            out.push_back(e.path());
    }
    return out;
}

}  // namespace

TEST_CASE("The kiosk's data directory is 0700 and kiosk.db with its WAL and SHM 0600 after a submission",
          "[kiosk][files]") {
    Umask permissive(0022);
    kiosk_test::Fixture f("file-modes");  // scratch_dir made the directory 0755 before demo_config
    CHECK(mode_of(f.cfg.data_dir) == 0700);
    f.fill_dibao();
    auto& m = f.app->intake;
    m.commitment_at = m.authorisation_at = format_rfc3339(f.clock.now_utc_ms());
    f.app->intake_next();
    f.app->intake_next();
    f.app->settle();
    REQUIRE(m.step == IntakeStep::done);

    const fs::path db = f.cfg.db_path();
    REQUIRE(fs::exists(fs::path(db.string() + "-wal")));
    REQUIRE(fs::exists(fs::path(db.string() + "-shm")));
    const auto files = database_files(f.cfg.data_dir);
    CHECK(files.size() >= 3);
    for (const auto& p : files) {
        INFO(p.string());
        CHECK(mode_of(p) == 0600);
    }
    CHECK(mode_of(f.cfg.data_dir) == 0700);
}

TEST_CASE("A kiosk.db an older kiosk left 0644 is narrowed to 0600 with its WAL when opened", "[kiosk][files]") {
    Umask permissive(0022);
    const fs::path dir = kiosk_test::scratch_dir("file-modes-old");
    const fs::path db = dir / "kiosk.db";
    {
        auto plain = sqlite::Database::open(db.string());  // the old way: SQLite's default 0644
        REQUIRE(plain.ok());
        REQUIRE((*plain)->exec("CREATE TABLE t(x); INSERT INTO t VALUES(1)").ok());
        REQUIRE(mode_of(db) == 0644);
        REQUIRE(mode_of(db.string() + "-wal") == 0644);
    }
    // A leftover WAL of a kiosk that was switched off at the wall.
    std::ofstream(db.string() + "-wal").put('\0');
    ::chmod((db.string() + "-wal").c_str(), 0644);
    FixedClock clock{kiosk_test::test_now()};
    auto store = KioskStore::open(db.string(), "230523100-01", clock);
    REQUIRE(store.ok());
    CHECK(mode_of(db) == 0600);
    CHECK(mode_of(db.string() + "-wal") == 0600);
    CHECK(mode_of(db.string() + "-shm") == 0600);
}

TEST_CASE("The uploader creates the kiosk's journal database 0600 too", "[kiosk][files]") {
    Umask permissive(0022);
    const fs::path dir = kiosk_test::scratch_dir("file-modes-uploader");
    FixedClock clock{kiosk_test::test_now()};
    sync::UploaderConfig uc;
    uc.server_url = "https://127.0.0.1:1";
    sync::FixedBootClock boot("boot-1", 0);
    sync::SystemRandom rng;
    auto up = sync::Uploader::create((dir / "kiosk.db").string(), "230523100-01", uc, clock, boot, rng);
    REQUIRE(up.ok());
    CHECK(mode_of(dir / "kiosk.db") == 0600);
    CHECK(mode_of(dir / "kiosk.db-wal") == 0600);
}

TEST_CASE("The kiosk configuration names the county's sealing public key", "[kiosk][files]") {
    const fs::path dir = kiosk_test::scratch_dir("sealing-config");
    std::ofstream(dir / "kiosk.toml") << "[county]\nsealing_public_key = \"/etc/yimen/sealing.pub\"\n";
    auto cfg = load_config_file((dir / "kiosk.toml").string());
    REQUIRE(cfg.ok());
    CHECK(cfg->sealing_public_key == "/etc/yimen/sealing.pub");
    CHECK(demo_config((dir / "demo").string()).sealing_public_key.empty());  // the offline demo has no county
}
