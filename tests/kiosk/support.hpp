// support.hpp — shared fixtures for the kiosk tests: a scratch directory, the source tree's assets, a pinned clock.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

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

}  // namespace kiosk_test
