// rating.hpp — 好差评 (five levels, sub-indicators, low-grade reasons, satisfaction formula) and the awareness quiz.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace yimen {

struct RatingLevel {
    int level = 0;  // 5 = 非常满意 … 1 = 非常不满意
    std::string name;
};

struct Coded {
    std::string code;
    std::string name;
};

class RatingModel {
public:
    static Result<RatingModel> from_json(const std::string& text);
    static Result<RatingModel> load_file(const std::string& path);

    const std::vector<RatingLevel>& levels() const { return levels_; }  // best first
    const std::vector<Coded>& sub_indicators() const { return sub_indicators_; }
    const std::vector<Coded>& low_grade_reasons() const { return reasons_; }
    std::string level_name(int level) const;
    // Low grades ask for reasons (and offer a call-back).
    bool is_low(int level) const { return level >= 1 && level <= low_grade_max_; }
    bool counts_as_satisfied(int level) const;
    // 满意率 in basis points (10000 = 100 %), rounded half up; 0 ratings → 0.
    std::int64_t satisfaction_basis_points(const std::map<int, std::int64_t>& count_by_level) const;

private:
    std::vector<RatingLevel> levels_;
    std::vector<Coded> sub_indicators_;
    std::vector<Coded> reasons_;
    std::vector<int> satisfied_levels_;
    int low_grade_max_ = 2;
};

struct QuizQuestion {
    std::string id;
    std::string text;
    std::vector<std::string> choices;
    int answer = 0;
    std::string explanation;
    bool core = false;
};

class Quiz {
public:
    // Placeholders in texts are expanded by the caller beforehand (expand_placeholders).
    static Result<Quiz> from_json(const std::string& text);
    const std::string& version() const { return version_; }
    const std::vector<QuizQuestion>& questions() const { return questions_; }
    const QuizQuestion* question(const std::string& id) const;
    // A short round: `n` questions, core ones first, then the others, chosen by `seed` (deterministic).
    std::vector<const QuizQuestion*> pick(int n, std::uint64_t seed) const;

private:
    std::string version_;
    std::vector<QuizQuestion> questions_;
};

}  // namespace yimen
