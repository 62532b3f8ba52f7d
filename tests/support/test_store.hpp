// test_store.hpp — which store the county tests run on. ctest runs the store, ingest, casework, status and figures
// suites twice: as they are (SQLite), and as county/postgres/… with YIMEN_TEST_STORE=postgres and YIMEN_PG_CLUSTER
// set to the throwaway cluster the "postgres" fixture started (tests/support/pg_cluster.sh). In the PostgreSQL runs
// every county directory gets a database of its own on that cluster, named after the directory, so a server
// restarted on the same directory finds its data again.
//
// Where the cluster could not start, the run prints "YIMEN-SKIP: <why>" and exits 77 before any test: ctest shows
// the test as skipped with the reason (SKIP_RETURN_CODE, tests/county/CMakeLists.txt).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "county/store.hpp"

namespace yimen::test {

inline bool testing_postgres() {
    const char* s = std::getenv("YIMEN_PG_CLUSTER");
    return s && *s;
}

inline std::string read_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// Before any test of a PostgreSQL run: the cluster is there, or the whole run is a skip with the reason.
inline bool postgres_ready_or_skip() {
    if (!testing_postgres()) return true;
    const char* dir = std::getenv("YIMEN_PG_CLUSTER");
    std::string why;
    if (std::ifstream(std::string(dir) + "/unavailable")) why = read_line(std::string(dir) + "/unavailable");
    else if (read_line(std::string(dir) + "/url").empty()) why = "the cluster in " + std::string(dir) + " did not start";
    if (why.empty()) return true;
    std::printf("YIMEN-SKIP: PostgreSQL tests skipped: %s\n", why.c_str());
    std::fflush(stdout);
    std::_Exit(77);
}
inline const bool kPostgresChecked = postgres_ready_or_skip();

// The [store] url for a county directory: "" on SQLite runs; on PostgreSQL runs a database of the directory's own
// (created, C collation, on first use).
inline std::string test_store_url(const std::string& county_dir) {
    if (!testing_postgres()) return "";
    const std::string base = read_line(std::string(std::getenv("YIMEN_PG_CLUSTER")) + "/url");
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a of the directory: a stable, valid database name
    for (unsigned char c : county_dir) h = (h ^ c) * 1099511628211ull;
    char name[32];
    std::snprintf(name, sizeof name, "t%016llx", static_cast<unsigned long long>(h));
    auto url = county::create_postgres_database(base, name);
    INFO((url ? std::string() : url.error().message));
    REQUIRE(url.ok());
    return *url;
}

// A county directory's store as the tests' run says: D/county.db, or its PostgreSQL database.
inline Result<std::unique_ptr<county::Store>> open_test_store(const std::string& county_dir) {
    return county::open_county_store(county_dir, test_store_url(county_dir));
}

// Writes [store] url into D/county.toml on PostgreSQL runs, so county-server's commands on D use the same store.
inline void write_test_store_config(const std::string& county_dir) {
    const std::string url = test_store_url(county_dir);
    if (url.empty()) return;
    std::ofstream out(county_dir + "/county.toml", std::ios::app);
    out << "\n[store]\nurl = \"" << url << "\"\n";
}

}  // namespace yimen::test
