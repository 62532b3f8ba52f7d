// rating.cpp — the 好差评 and quiz definitions are data (assets/rules/rating.json, assets/quiz/quiz.json).
#include "policy/rating.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

namespace yimen {

using nlohmann::json;

Result<RatingModel> RatingModel::from_json(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return Error{"bad_rating", "好差评配置文件格式错误。"};
    RatingModel m;
    try {
        for (auto& l : j.at("levels")) m.levels_.push_back({l.at("level").get<int>(), l.at("name").get<std::string>()});
        for (auto& s : j.at("sub_indicators")) m.sub_indicators_.push_back({s.at("code"), s.at("name")});
        for (auto& r : j.at("low_grade_reasons")) m.reasons_.push_back({r.at("code"), r.at("name")});
        m.satisfied_levels_ = j.at("satisfaction").at("satisfied_levels").get<std::vector<int>>();
        m.low_grade_max_ = j.value("low_grade_max", 2);
    } catch (const json::exception& e) {
        return Error{"bad_rating", std::string("好差评配置缺少内容：") + e.what()};
    }
    std::sort(m.levels_.begin(), m.levels_.end(), [](auto& a, auto& b) { return a.level > b.level; });
    if (m.levels_.size() != 5 || m.levels_.front().level != 5 || m.levels_.back().level != 1)
        return Error{"bad_rating", "好差评须有1到5五个等级。"};
    return m;
}

Result<RatingModel> RatingModel::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"rating_missing", "找不到好差评配置文件：" + path};
    std::stringstream ss;
    ss << in.rdbuf();
    return from_json(ss.str());
}

std::string RatingModel::level_name(int level) const {
    for (auto& l : levels_)
        if (l.level == level) return l.name;
    return "";
}

bool RatingModel::counts_as_satisfied(int level) const {
    return std::find(satisfied_levels_.begin(), satisfied_levels_.end(), level) != satisfied_levels_.end();
}

std::int64_t RatingModel::satisfaction_basis_points(const std::map<int, std::int64_t>& by_level) const {
    std::int64_t all = 0, satisfied = 0;
    for (auto& [level, n] : by_level) {
        all += n;
        if (counts_as_satisfied(level)) satisfied += n;
    }
    if (all == 0) return 0;
    return (satisfied * 20000 + all) / (2 * all);  // round half up
}

Result<Quiz> Quiz::from_json(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return Error{"bad_quiz", "知晓度问卷文件格式错误。"};
    Quiz q;
    try {
        q.version_ = j.at("version").get<std::string>();
        for (auto& e : j.at("questions")) {
            QuizQuestion qq{e.at("id"), e.at("text"), e.at("choices").get<std::vector<std::string>>(),
                            e.at("answer").get<int>(), e.value("explanation", ""), e.value("core", false)};
            if (qq.choices.size() < 2 || qq.answer < 0 || qq.answer >= static_cast<int>(qq.choices.size()))
                return Error{"bad_quiz", "问题的选项或答案无效：" + qq.id};
            q.questions_.push_back(std::move(qq));
        }
    } catch (const json::exception& e) {
        return Error{"bad_quiz", std::string("知晓度问卷缺少内容：") + e.what()};
    }
    return q;
}

const QuizQuestion* Quiz::question(const std::string& id) const {
    for (auto& q : questions_)
        if (q.id == id) return &q;
    return nullptr;
}

std::vector<const QuizQuestion*> Quiz::pick(int n, std::uint64_t seed) const {
    std::mt19937_64 rng(seed);
    auto shuffled = [&](bool core) {
        std::vector<const QuizQuestion*> v;
        for (auto& q : questions_)
            if (q.core == core) v.push_back(&q);
        for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
        return v;
    };
    auto out = shuffled(true);
    auto rest = shuffled(false);
    out.insert(out.end(), rest.begin(), rest.end());
    if (static_cast<int>(out.size()) > n) out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace yimen
