// demo_supervision.hpp — the supervision work of a demo year (county-server demo-data): after the simulated days,
// staff follow up bad ratings, handle complaints and answer alerts through the same lifecycle functions the API uses,
// so the back office shows every state: most items closed, some on their way, a few left open past their due date.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "county/stats.hpp"
#include "county/store.hpp"
#include "policy/policy_data.hpp"

namespace yimen::county {

struct DemoSupervisionCounts {
    std::map<std::string, std::int64_t> follow_ups, complaints, alerts;  // final state → how many
};

// township_staff: township code → the staff member who acts for it; county_staff acts on alerts. Deterministic for
// a seed; `now_ms` is the demo's "now" (no step is dated after it).
Result<DemoSupervisionCounts> demo_supervision_work(Store& store, const PolicyData& policy, std::uint64_t seed,
                                                    UtcMillis now_ms, const std::map<std::string, User>& township_staff,
                                                    const User& county_staff);

}  // namespace yimen::county
