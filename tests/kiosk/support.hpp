// support.hpp — shared fixtures for the kiosk tests: a scratch directory, the source tree's assets, a pinned clock.
#pragma once
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "base/civil_date.hpp"

namespace kiosk_test {

inline std::string scratch_dir(const std::string& name) {
    auto base = std::filesystem::temp_directory_path() / ("yimen-kiosk-test-" + std::to_string(::getpid()));
    auto dir = base / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

inline std::string assets_dir() {
    const char* env = std::getenv("YIMEN_ASSETS");
    return env ? env : YIMEN_SOURCE_ASSETS_DIR;
}

// Friday 2026-11-27 10:00 in the county (+08:00): a working day, so deadlines are stable.
inline yimen::UtcMillis test_now() {
    auto r = yimen::parse_rfc3339("2026-11-27T02:00:00Z");
    return r ? r.value() : 0;
}

// The directory the test binaries and the kiosk's executables are built into (bin/).
inline std::filesystem::path bin_dir() { return std::filesystem::read_symlink("/proc/self/exe").parent_path(); }

// Runs kiosk-ctl (built beside the tests in bin/) with `args` as a shell would split them: its exit code and its
// standard output, with standard error joined (with_stderr) or discarded.
inline std::pair<int, std::string> run_kiosk_ctl(const std::string& args, bool with_stderr = true) {
    const std::string cmd = (bin_dir() / "kiosk-ctl").string() + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    std::array<char, 4096> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace kiosk_test
