// policy_data.hpp — everything the rules library reads from assets/, loaded and cross-checked in one call.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

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

// Loads assets_dir, or an overlay over it when one is given: the overlay's files (a path relative to the assets root
// → its bytes, e.g. a verified policy bundle) replace assets_dir's files at the same paths (rules/programmes.json,
// rules/county.programmes.json, calendar/holidays-cn.json, rules/standards.json, rules/rating.json, quiz/quiz.json).
// Articles go as a set: when the overlay carries any article (policy/articles/*.md, else articles/*.md), its
// articles replace all of assets_dir's. Other files are ignored. `supplied`, when given, receives what the overlay
// supplied, in this order: rules, calendar, standards, rating, quiz, articles.
// Codes: rules_missing, calendar_missing, standards_missing, rating_missing, quiz_missing, articles_missing, and the
// parsers' own (bad_rules, unknown_placeholder, bad_header, …).
Result<PolicyData> load_policy_data(const std::string& assets_dir,
                                    const std::map<std::string, std::string>* overlay = nullptr,
                                    std::vector<std::string>* supplied = nullptr);

}  // namespace yimen
