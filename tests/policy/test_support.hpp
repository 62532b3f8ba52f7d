// test_support.hpp — loads the real assets once for the policy tests.
#pragma once
#include <catch2/catch.hpp>

#include "policy/policy_data.hpp"

namespace yimen::test {

inline const PolicyData& policy_data() {
    static const PolicyData data = [] {
        auto d = load_policy_data(resolve_assets_dir(YIMEN_SOURCE_ASSETS_DIR));
        if (!d) FAIL("assets failed to load: " << d.error().message);
        return std::move(d).value();
    }();
    return data;
}

inline CivilDate date(const char* iso) {
    auto d = CivilDate::parse(iso);
    REQUIRE(d.ok());
    return *d;
}

}  // namespace yimen::test
