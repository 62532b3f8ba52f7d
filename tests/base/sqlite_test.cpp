// sqlite_test.cpp — the SQLite wrapper every module stores through: transactions roll back unless committed, and
// failures come back as storage errors with a plain message (a full disk says so).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "base/sqlite.hpp"

using namespace yimen;

namespace {

std::string fresh_db(const char* name) {
    auto dir = std::filesystem::temp_directory_path() / ("yimen-base-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto path = dir / name;
    std::filesystem::remove(path);
    return path.string();
}

}  // namespace

TEST_CASE("a transaction not committed leaves nothing behind", "[sqlite]") {
    auto db = sqlite::Database::open(fresh_db("rollback.db"));
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("CREATE TABLE t(v INTEGER)").ok());
    {
        auto tx = sqlite::Transaction::begin(**db);
        REQUIRE(tx.ok());
        REQUIRE((*db)->exec("INSERT INTO t VALUES (1)").ok());
    }  // no commit
    CHECK((*db)->scalar("SELECT count(*) FROM t") == 0);
    auto tx = sqlite::Transaction::begin(**db);
    REQUIRE(tx.ok());
    REQUIRE((*db)->exec("INSERT INTO t VALUES (2)").ok());
    REQUIRE((*tx)->commit().ok());
    CHECK((*db)->scalar("SELECT count(*) FROM t") == 1);
    CHECK_FALSE((*tx)->commit().ok());  // a finished transaction refuses a second commit
}

TEST_CASE("a full disk is a storage error that says what to do", "[sqlite]") {
    auto db = sqlite::Database::open(fresh_db("full.db"));
    REQUIRE(db.ok());
    // The database may not grow past its current pages: the next page it needs is the "full disk".
    REQUIRE((*db)->exec("CREATE TABLE t(v TEXT)").ok());
    auto pages = (*db)->scalar("PRAGMA page_count");
    REQUIRE(pages.has_value());
    REQUIRE((*db)->exec("PRAGMA max_page_count = " + std::to_string(*pages)).ok());
    auto ins = (*db)->prepare("INSERT INTO t VALUES (?)");
    Status last = Ok{};
    for (int i = 0; i < 200 && last.ok(); ++i) {
        ins.reset();
        last = ins.bind(1, std::string(4000, 'x')).run();
    }
    REQUIRE_FALSE(last.ok());
    CHECK(last.error().code == "disk_full");
    CHECK(last.error().category == ErrorCategory::storage);
    CHECK(std::string(category_name(last.error().category)) == "storage");
    CHECK(last.error().message.find("清理空间") != std::string::npos);
}

TEST_CASE("a bad statement is a storage error naming SQLite's reason", "[sqlite]") {
    auto db = sqlite::Database::open(fresh_db("bad.db"));
    REQUIRE(db.ok());
    auto s = (*db)->exec("SELEC nonsense");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().category == ErrorCategory::storage);
    CHECK_FALSE(s.error().message.empty());
    CHECK(ErrorCategory{} == ErrorCategory::unspecified);  // an Error from code + message alone is unspecified
    CHECK(Error{"x", "y"}.category == ErrorCategory::unspecified);
}
