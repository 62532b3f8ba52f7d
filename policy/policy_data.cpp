// policy_data.cpp — one loader so that every tool and app sees the same, consistent rules.
#include "policy/policy_data.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#ifndef YIMEN_SOURCE_ASSETS_DIR
#define YIMEN_SOURCE_ASSETS_DIR ""
#endif

namespace yimen {

std::string resolve_assets_dir(const std::string& explicit_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!explicit_dir.empty()) return explicit_dir;
    if (const char* env = std::getenv("YIMEN_ASSETS"); env && *env) return env;
    if (fs::is_directory(YIMEN_SOURCE_ASSETS_DIR, ec)) return YIMEN_SOURCE_ASSETS_DIR;
    return "/usr/share/yimen/assets";
}

Result<PolicyData> load_policy_data(const std::string& dir) {
    auto rules = Rules::load(dir);
    if (!rules) return rules.error();
    auto cal = WorkCalendar::load_file(dir + "/calendar/holidays-cn.json");
    if (!cal) return cal.error();
    auto standards = StandardTable::load_file(dir + "/rules/standards.json");
    if (!standards) return standards.error();
    auto rating = RatingModel::load_file(dir + "/rules/rating.json");
    if (!rating) return rating.error();
    const auto values = placeholder_values(*rules, &*rating);

    std::ifstream qin(dir + "/quiz/quiz.json", std::ios::binary);
    if (!qin) return Error{"quiz_missing", "找不到知晓度问卷文件：" + dir + "/quiz/quiz.json"};
    std::stringstream qs;
    qs << qin.rdbuf();
    auto qtext = expand_placeholders(qs.str(), values);
    if (!qtext) return qtext.error();
    auto quiz = Quiz::from_json(*qtext);
    if (!quiz) return quiz.error();

    auto articles = load_articles(dir + "/policy/articles", values);
    if (!articles) return articles.error();
    return PolicyData{dir,
                      std::move(rules).value(),
                      std::move(cal).value(),
                      std::move(standards).value(),
                      std::move(rating).value(),
                      std::move(quiz).value(),
                      std::move(articles).value()};
}

}  // namespace yimen
