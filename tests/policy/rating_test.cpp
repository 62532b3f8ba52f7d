// rating_test.cpp — 好差评 levels, the satisfaction formula as configuration, and the awareness quiz.
#include "policy/rating.hpp"

#include <set>

#include "test_support.hpp"

using namespace yimen;

TEST_CASE("the five 好差评 levels with sub-indicators and low-grade reasons", "[rating]") {
    auto& r = yimen::test::policy_data().rating;
    REQUIRE(r.levels().size() == 5);
    CHECK(r.levels().front().name == "非常满意");
    CHECK(r.levels().back().name == "非常不满意");
    CHECK(r.level_name(3) == "基本满意");
    CHECK(r.sub_indicators().size() == 4);
    CHECK(r.is_low(2));
    CHECK(r.is_low(1));
    CHECK_FALSE(r.is_low(3));
    CHECK(r.low_grade_reasons().size() >= 5);
}

TEST_CASE("satisfaction rate: default top three levels, configurable", "[rating]") {
    auto& r = yimen::test::policy_data().rating;
    CHECK(r.satisfaction_basis_points({{5, 6}, {4, 2}, {3, 1}, {2, 1}}) == 9000);
    CHECK(r.satisfaction_basis_points({{5, 1}, {1, 2}}) == 3333);
    CHECK(r.satisfaction_basis_points({{5, 2}, {1, 1}}) == 6667);  // 66.665 % rounds half up
    CHECK(r.satisfaction_basis_points({}) == 0);
    auto strict = RatingModel::from_json(R"({"levels":[{"level":5,"name":"a"},{"level":4,"name":"b"},{"level":3,"name":"c"},
      {"level":2,"name":"d"},{"level":1,"name":"e"}],"sub_indicators":[],"low_grade_reasons":[],
      "satisfaction":{"satisfied_levels":[5,4]}})");
    REQUIRE(strict.ok());
    CHECK(strict->satisfaction_basis_points({{5, 6}, {4, 2}, {3, 1}, {2, 1}}) == 8000);
    CHECK(RatingModel::from_json(R"({"levels":[]})").error().code == "bad_rating");
}

TEST_CASE("the awareness quiz is data, with explanations and a deterministic pick", "[rating]") {
    auto& q = yimen::test::policy_data().quiz;
    REQUIRE(q.questions().size() >= 10);
    CHECK_FALSE(q.version().empty());
    std::set<std::string> ids;
    for (auto& qq : q.questions()) {
        INFO(qq.id);
        CHECK(ids.insert(qq.id).second);
        CHECK(qq.choices.size() >= 2);
        CHECK(qq.answer < static_cast<int>(qq.choices.size()));
        CHECK_FALSE(qq.explanation.empty());
        CHECK(qq.text.find("{{") == std::string::npos);
    }
    auto a = q.pick(4, 7), b = q.pick(4, 7);
    REQUIRE(a.size() == 4);
    CHECK(a == b);
    CHECK(a[0]->core);
    CHECK(Quiz::from_json(R"({"version":"1","questions":[{"id":"x","text":"?","choices":["a"],"answer":0}]})").error().code ==
          "bad_quiz");
}
