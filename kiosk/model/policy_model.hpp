// policy_model.hpp — 政策查询: a search box (on-screen keyboard) and categories over the installed policy bundle;
// results with snippets; one article in large text. Offline: the index is a local SQLite FTS5 table.
#pragma once
#include <string>
#include <vector>

#include "kiosk/model/fields.hpp"
#include "policy/articles.hpp"

namespace yimen::kiosk {

struct PolicyState {
    TextField query{"policy.query", InputKind::chinese, 20, "", false};
    std::string category;              // programme id, "general", or empty for all
    std::vector<SearchHit> hits;
    std::string open_article;          // id; empty = the list
    std::string searched_for;          // the query the hits belong to
    std::string error;

    // Runs the search (or lists a category) against the index.
    void refresh(const ArticleIndex* index, const std::vector<Article>& all);
    void reset() { *this = PolicyState{}; }
};

}  // namespace yimen::kiosk
