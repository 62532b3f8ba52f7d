// policy_data.hpp — everything the rules library reads from assets/, loaded and cross-checked in one call.
#pragma once
#include <memory>
#include <string>

#include "policy/articles.hpp"
#include "policy/calendar.hpp"
#include "policy/money.hpp"
#include "policy/programmes.hpp"
#include "policy/rating.hpp"

namespace yimen {

// The assets directory: an explicit path if given, else $YIMEN_ASSETS, else the build's source tree, else
// /usr/share/yimen/assets.
std::string resolve_assets_dir(const std::string& explicit_dir = "");

struct PolicyData {
    std::string assets_dir;
    Rules rules;
    WorkCalendar calendar;
    StandardTable standards;
    RatingModel rating;
    Quiz quiz;                       // texts with placeholders expanded
    std::vector<Article> articles;   // placeholders expanded
};

Result<PolicyData> load_policy_data(const std::string& assets_dir);

}  // namespace yimen
