// articles_test.cpp — the shipped articles (coverage, length, placeholders), FTS5 search with Chinese queries, and
// articles (and other files) from an overlay such as a policy bundle.
#include "policy/articles.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace yimen;

namespace {

const std::vector<Article>& articles() { return yimen::test::policy_data().articles; }

std::size_t count_cjk(const std::string& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c >> 4) == 0xE && i + 2 < s.size()) {
            const unsigned cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                                (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
            if (cp >= 0x4E00 && cp <= 0x9FFF) ++n;
        }
    }
    return n;
}

std::unique_ptr<ArticleIndex> shipped_index() {
    auto idx = ArticleIndex::open();
    REQUIRE(idx.ok());
    auto p = std::move(idx).value();
    REQUIRE(p->replace_all(articles()).ok());
    return p;
}

bool any_contains(const std::string& needle) {
    for (auto& a : articles())
        if (a.title.find(needle) != std::string::npos || a.body_markdown.find(needle) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("at least 15 articles of at least 300 characters, all placeholders expanded", "[articles]") {
    REQUIRE(articles().size() >= 15);
    std::set<std::string> ids;
    for (auto& a : articles()) {
        INFO(a.id);
        CHECK(count_cjk(a.plain_text()) >= 300);
        CHECK(a.body_markdown.find("{{") == std::string::npos);
        CHECK(CivilDate::parse(a.effective).ok());
        CHECK(ids.insert(a.id).second);
        const auto& p = a.programme;
        CHECK((p == "general" || yimen::test::policy_data().rules.programme(p) != nullptr));
    }
}

TEST_CASE("the articles cover the required topics", "[articles]") {
    // Each topic: a phrase that an article on it must contain.
    const std::pair<const char*, const char*> topics[] = {
        {"how to apply for 低保", "最低生活保障"},  {"how to apply for 特困", "特困人员"},
        {"临时救助", "临时救助"},                    {"time limits", "工作日"},
        {"公示", "公示"},                            {"近亲属备案", "近亲属"},
        {"先行救助", "先行救助"},                    {"self-care assessment", "自理能力"},
        {"worked 差额 example", "差额"},             {"how to complain", "投诉"},
        {"hotline 12345", "12345"},                  {"hotline 12349", "12349"}};
    for (auto& [topic, phrase] : topics) {
        INFO(topic);
        CHECK(any_contains(phrase));
    }
    // Figures come from the rules: the worked example shows the computed result.
    CHECK(any_contains("1200"));
}

TEST_CASE("placeholders expand from the rules and unknown ones are errors", "[articles]") {
    const auto values = placeholder_values(yimen::test::policy_data().rules, &yimen::test::policy_data().rating);
    CHECK(values.at("limit.dibao.overall_wd") == "20");
    CHECK(values.at("limit.dibao.investigation_start_wd") == "3");
    CHECK(values.at("limit.publicity_days") == "7");
    CHECK(values.at("example.benefit.result") == "1200");
    CHECK(values.at("hotline.service") == "12345");
    CHECK(values.at("materials.dibao").find("- 户口簿") != std::string::npos);
    CHECK(*expand_placeholders("公示{{limit.publicity_days}}天", values) == "公示7天");
    CHECK(expand_placeholders("{{limit.nope}}", values).error().code == "unknown_placeholder");
    CHECK(parse_article("no header").error().code == "bad_header");
    CHECK(parse_article("---\nid: x\n---\nbody").error().code == "missing_field");
}

TEST_CASE("1- and 2-character queries return exactly what an instr() scan finds", "[articles][search]") {
    auto idx = shipped_index();
    for (const char* q : {"保", "低保", "公", "公示", "的", "申请", "近亲", "救", "热线", "材", "天", "款"}) {
        INFO(q);
        SearchOptions opt;
        opt.limit = 1000;
        auto hits = idx->search(q, opt);
        REQUIRE(hits.ok());
        std::vector<std::string> ids;
        for (auto& h : *hits) ids.push_back(h.id);
        std::sort(ids.begin(), ids.end());
        CHECK(ids == idx->scan_ids(q));
    }
}

TEST_CASE("3+ character queries work too and agree with the scan", "[articles][search]") {
    auto idx = shipped_index();
    for (const char* q : {"先行救助", "生活自理能力", "一次性告知", "不存在的词语组合"}) {
        INFO(q);
        SearchOptions opt;
        opt.limit = 1000;
        auto hits = idx->search(q, opt);
        REQUIRE(hits.ok());
        CHECK(hits->size() == idx->scan_ids(q).size());
    }
}

TEST_CASE("a title hit outranks a body-only hit", "[articles][search]") {
    auto idx = ArticleIndex::open();
    REQUIRE(idx.ok());
    std::vector<Article> docs = {
        {"body-heavy", "关于办事的说明", "general", {}, "2021-07-01", std::string(20, ' ') + "公示公示公示公示公示公示"},
        {"title", "什么是公示", "general", {}, "2021-07-01", "这篇文章讲的是另外一件事情。"},
        {"none", "无关", "general", {}, "2021-07-01", "没有关系的内容。"}};
    REQUIRE((*idx)->replace_all(docs).ok());
    auto hits = (*idx)->search("公示");
    REQUIRE(hits.ok());
    REQUIRE(hits->size() == 2);
    CHECK((*hits)[0].id == "title");
    CHECK((*hits)[0].title_hit);
    CHECK((*hits)[1].id == "body-heavy");
    CHECK_FALSE((*hits)[1].title_hit);
}

TEST_CASE("the snippet wraps the query in the highlight markers", "[articles][search]") {
    auto idx = shipped_index();
    SearchOptions opt;
    opt.open_mark = "<<";
    opt.close_mark = ">>";
    auto hits = idx->search("公示", opt);
    REQUIRE(hits.ok());
    REQUIRE_FALSE(hits->empty());
    bool wrapped = false;
    for (auto& h : *hits) wrapped = wrapped || h.snippet.find("<<公示>>") != std::string::npos;
    CHECK(wrapped);
    // Multi-term query: both terms must match.
    auto both = idx->search("低保 公示");
    REQUIRE(both.ok());
    for (auto& h : *both) {
        auto a = idx->get(h.id);
        REQUIRE(a.ok());
        CHECK(a->plain_text().find("公示") != std::string::npos);
    }
    CHECK(idx->search("   ")->empty());
    CHECK(idx->search("\"引号\"").ok());  // FTS5 syntax characters are quoted, not interpreted
}

TEST_CASE("an article can be fetched whole for the article view", "[articles]") {
    auto idx = shipped_index();
    CHECK(idx->count() == static_cast<int>(articles().size()));
    auto a = idx->get(articles().front().id);
    REQUIRE(a.ok());
    CHECK(a->title == articles().front().title);
    CHECK(idx->get("no-such-article").error().code == "not_found");
}

TEST_CASE("search finds tags, keeps matched words whole in snippets, and joins alternatives with OR",
          "[articles][search][rules]") {
    auto idx = shipped_index();
    for (const char* tag : {"单人保", "授权核对"}) {
        INFO(tag);
        bool tagged = false;
        for (auto& a : articles())
            for (auto& t : a.tags) tagged = tagged || t == tag;
        REQUIRE(tagged);
        auto hits = idx->search(tag);
        REQUIRE(hits.ok());
        CHECK_FALSE(hits->empty());
    }
    SearchOptions opt;
    opt.open_mark = "[";
    opt.close_mark = "]";
    opt.limit = 100;
    for (const char* q : {"公示", "再公示", "低保标准", "救"}) {
        auto hits = idx->search(q, opt);
        REQUIRE(hits.ok());
        for (auto& h : *hits) {
            INFO(q << " → " << h.snippet);
            // Every opened mark closes on the whole query, never on a part of it.
            for (auto p = h.snippet.find('['); p != std::string::npos; p = h.snippet.find('[', p + 1))
                CHECK(h.snippet.compare(p + 1, std::strlen(q), q) == 0);
        }
    }
    auto either = idx->search("救 OR 低保", opt);
    REQUIRE(either.ok());
    auto only_jiu = idx->search("救", opt);
    CHECK(either->size() >= only_jiu->size());
    CHECK_FALSE(either->empty());
    auto both_rare = idx->search("单人保 OR 授权核对", opt);
    CHECK(both_rare->size() >= idx->search("单人保", opt)->size());
}

TEST_CASE("the 特困 article puts the self-care assessment before 初审, as the workflow does", "[articles][rules]") {
    const Article* a = nullptr;
    for (auto& art : articles())
        if (art.id == "tekun-apply") a = &art;
    REQUIRE(a);
    const auto assess = a->body_markdown.find("生活自理能力评估");
    const auto prelim = a->body_markdown.find("初审");
    REQUIRE(assess != std::string::npos);
    REQUIRE(prelim != std::string::npos);
    CHECK(assess < prelim);
    const Programme* p = yimen::test::policy_data().rules.programme("tekun");
    CHECK(p->stage("preliminary_opinion")->from.front() == "self_care_assessment");
}

TEST_CASE("every unconfirmed figure an article shows is marked 以乡镇通知为准", "[articles][rules]") {
    const auto values = placeholder_values(yimen::test::policy_data().rules, nullptr);
    int marked = 0;
    for (auto& entry : std::filesystem::directory_iterator(yimen::test::policy_data().assets_dir + "/policy/articles")) {
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            for (auto p = line.find("{{limit."); p != std::string::npos; p = line.find("{{limit.", p + 1)) {
                const auto key = line.substr(p + 2, line.find("}}", p) - p - 2);
                auto note = values.find("note." + key);
                REQUIRE(note != values.end());
                if (note->second.empty()) continue;
                INFO(entry.path().filename().string() << ": " << line);
                CHECK(line.find("{{note." + key + "}}") != std::string::npos);
                ++marked;
            }
        }
    }
    CHECK(marked >= 5);
    CHECK(values.at("note.limit.tekun.overall_wd") == "（以乡镇通知为准）");
    CHECK(values.at("note.limit.dibao.overall_wd").empty());
}

TEST_CASE("an overlay replaces assets files at their paths and the articles as a set, naming what it supplied",
          "[articles][overlay]") {
    const std::string dir = yimen::test::policy_data().assets_dir;
    std::ifstream qin(dir + "/quiz/quiz.json", std::ios::binary);
    const std::string quiz((std::istreambuf_iterator<char>(qin)), std::istreambuf_iterator<char>());
    const std::map<std::string, std::string> overlay = {
        {"quiz/quiz.json", quiz},
        {"articles/only.md", "---\nid: only\ntitle: T\nprogramme: general\ntags: a\neffective: 2026-01-01\n---\n"
                             "{{hotline.service}}\n"},
        {"articles/README.md", "not an article"},
        {"notes/ignored.txt", "other files are ignored"}};
    std::vector<std::string> supplied;
    auto d = load_policy_data(dir, &overlay, &supplied);
    REQUIRE(d.ok());
    CHECK(supplied == std::vector<std::string>{"quiz", "articles"});
    REQUIRE(d->articles.size() == 1);
    CHECK(d->articles[0].id == "only");
    CHECK(d->articles[0].body_markdown.find("{{") == std::string::npos);
    CHECK(d->rules.programmes().size() == yimen::test::policy_data().rules.programmes().size());

    // Without an overlay nothing is supplied and the shipped articles load.
    supplied.clear();
    auto shipped = load_policy_data(dir, nullptr, &supplied);
    REQUIRE(shipped.ok());
    CHECK(supplied.empty());
    CHECK(shipped->articles.size() == articles().size());

    // The overlay's article errors name the file, like the shipped ones.
    const std::map<std::string, std::string> bad = {{"policy/articles/bad.md", "{{no_such_value}}"}};
    auto refused = load_policy_data(dir, &bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "unknown_placeholder");
    CHECK(refused.error().message.rfind("bad.md", 0) == 0);
}
