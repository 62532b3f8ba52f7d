// fuzz_support.hpp — what every fuzz target shares: the assets and rules, a JSON parse bounded the way the county
// server bounds it, and the proof that a target reached its parser (printed at exit, checked by ./yimen fuzz).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "policy/policy_data.hpp"

namespace yimen::fuzz {

// Nesting deeper than this is refused before any recursion (issue 10: the server rejects deeper than 64).
inline constexpr int kMaxJsonDepth = 64;

// True when brackets outside strings nest deeper than max_depth. A plain scan: no recursion, no allocation.
inline bool nesting_exceeds(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

// The server's reading of a JSON body: refused when too deep, discarded (no exception) when malformed.
inline std::optional<nlohmann::json> parse_bounded(std::string_view text) {
    if (nesting_exceeds(text, kMaxJsonDepth)) return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

inline std::string assets_dir() { return resolve_assets_dir(YIMEN_SOURCE_ASSETS_DIR); }

// The real rules, calendar and articles from assets/, loaded once.
inline const PolicyData& policy() {
    static const PolicyData data = [] {
        auto d = load_policy_data(assets_dir());
        if (!d) {
            std::fprintf(stderr, "fuzz: cannot load assets: %s\n", d.error().message.c_str());
            std::abort();
        }
        return std::move(d).value();
    }();
    return data;
}

// Counts calls of the parser under test; ./yimen fuzz reads "yimen-fuzz: parser reached N times" and fails on 0.
inline std::atomic<std::uint64_t>& reached_counter() {
    static std::atomic<std::uint64_t> n{0};
    static const bool registered = [] {
        std::atexit([] {
            std::fprintf(stderr, "yimen-fuzz: parser reached %llu times\n",
                         static_cast<unsigned long long>(reached_counter().load()));
        });
        return true;
    }();
    (void)registered;
    return n;
}
inline void reached() { ++reached_counter(); }

// A property the parser promises was broken: abort so that libFuzzer saves the input.
inline void check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz: property violated: %s\n", what);
    std::abort();
}

}  // namespace yimen::fuzz
