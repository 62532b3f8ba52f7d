// policy_data.cpp — one loader so that every tool and app sees the same, consistent rules.
#include "policy/policy_data.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
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

namespace {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return ss.str();
}

// The overlay's files over the assets directory, noting the components the overlay supplies.
class Overlay {
public:
    Overlay(const std::map<std::string, std::string>* files, std::vector<std::string>* supplied)
        : files_(files), supplied_(supplied) {}

    // The overlay's bytes for `rel`, or nullptr when it does not carry that file (it comes from the assets).
    const std::string* carried(const std::string& rel, const char* component) {
        if (!files_) return nullptr;
        auto it = files_->find(rel);
        if (it == files_->end()) return nullptr;
        note(component);
        return &it->second;
    }

    // The overlay's articles (file name → bytes, in name order as load_articles reads them): policy/articles/*.md,
    // else articles/*.md (as `county-server bundle publish --from assets/policy` builds a bundle); README.md and
    // anything in a subfolder are not articles.
    std::map<std::string, const std::string*> articles() {
        std::map<std::string, const std::string*> out;
        if (!files_) return out;
        for (const char* prefix : {"policy/articles/", "articles/"}) {
            const std::string pre = prefix;
            for (auto& [path, bytes] : *files_) {
                if (path.rfind(pre, 0) != 0) continue;
                const auto name = path.substr(pre.size());
                if (name.find('/') != std::string::npos || name == "README.md" ||
                    std::filesystem::path(name).extension() != ".md")
                    continue;
                out.emplace(name, &bytes);
            }
            if (!out.empty()) break;
        }
        if (!out.empty()) note("articles");
        return out;
    }

private:
    void note(const char* component) {
        if (supplied_ && std::find(supplied_->begin(), supplied_->end(), component) == supplied_->end())
            supplied_->push_back(component);
    }

    const std::map<std::string, std::string>* files_;
    std::vector<std::string>* supplied_;
};

// The rules: the base programmes and the county's patch, either of them from the overlay.
Result<Rules> load_rules(const std::string& dir, Overlay& overlay) {
    const std::string* base = overlay.carried("rules/programmes.json", "rules");
    const std::string* patch = overlay.carried("rules/county.programmes.json", "rules");
    if (!base && !patch) return Rules::load(dir);
    std::optional<std::string> base_file, patch_file;
    if (!base) {
        base_file = read_file(dir + "/rules/programmes.json");
        if (!base_file) return Error{"rules_missing", "找不到办事规则数据文件：" + dir + "/rules/programmes.json"};
        base = &*base_file;
    }
    if (!patch) {
        patch_file = read_file(dir + "/rules/county.programmes.json");
        if (patch_file) patch = &*patch_file;
    }
    return Rules::from_json(*base, patch ? *patch : "");
}

}  // namespace

Result<PolicyData> load_policy_data(const std::string& dir, const std::map<std::string, std::string>* overlay_files,
                                    std::vector<std::string>* supplied) {
    Overlay overlay(overlay_files, supplied);
    auto rules = load_rules(dir, overlay);
    if (!rules) return rules.error();
    const std::string* bytes = overlay.carried("calendar/holidays-cn.json", "calendar");
    auto cal = bytes ? WorkCalendar::from_json(*bytes) : WorkCalendar::load_file(dir + "/calendar/holidays-cn.json");
    if (!cal) return cal.error();
    bytes = overlay.carried("rules/standards.json", "standards");
    auto standards =
        bytes ? StandardTable::from_json(*bytes) : StandardTable::load_file(dir + "/rules/standards.json");
    if (!standards) return standards.error();
    bytes = overlay.carried("rules/rating.json", "rating");
    auto rating = bytes ? RatingModel::from_json(*bytes) : RatingModel::load_file(dir + "/rules/rating.json");
    if (!rating) return rating.error();
    const auto values = placeholder_values(*rules, &*rating);

    std::optional<std::string> quiz_file;
    bytes = overlay.carried("quiz/quiz.json", "quiz");
    if (!bytes) {
        quiz_file = read_file(dir + "/quiz/quiz.json");
        if (!quiz_file) return Error{"quiz_missing", "找不到知晓度问卷文件：" + dir + "/quiz/quiz.json"};
        bytes = &*quiz_file;
    }
    auto qtext = expand_placeholders(*bytes, values);
    if (!qtext) return qtext.error();
    auto quiz = Quiz::from_json(*qtext);
    if (!quiz) return quiz.error();

    std::vector<Article> articles;
    if (auto carried = overlay.articles(); !carried.empty()) {
        for (auto& [name, text] : carried) {
            auto expanded = expand_placeholders(*text, values);
            if (!expanded) return Error{expanded.error().code, name + "：" + expanded.error().message};
            auto a = parse_article(*expanded);
            if (!a) return Error{a.error().code, name + "：" + a.error().message};
            articles.push_back(std::move(a).value());
        }
    } else {
        auto shipped = load_articles(dir + "/policy/articles", values);
        if (!shipped) return shipped.error();
        articles = std::move(shipped).value();
    }
    return PolicyData{dir,
                      std::move(rules).value(),
                      std::move(cal).value(),
                      std::move(standards).value(),
                      std::move(rating).value(),
                      std::move(quiz).value(),
                      std::move(articles)};
}

}  // namespace yimen
