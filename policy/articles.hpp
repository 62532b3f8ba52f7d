// articles.hpp — policy articles (Markdown with a small header) and their full-text search in SQLite FTS5.
// Figures in articles are placeholders filled from the rules data, so an article never contradicts the rules.
// Search uses a one-token-per-character ("unigram") FTS5 tokenizer, because SQLite 3.40's trigram tokenizer finds
// nothing for 1- and 2-character Chinese queries (RECIPES.md §8).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policy/programmes.hpp"
#include "base/result.hpp"

struct sqlite3;

namespace yimen {

class RatingModel;

struct Article {
    std::string id;
    std::string title;
    std::string programme;             // programme id or "general"
    std::vector<std::string> tags;
    std::string effective;             // YYYY-MM-DD
    std::string body_markdown;         // placeholders already expanded
    std::string plain_text() const;    // body without Markdown marks: what is indexed and searched
};

// Parses the header ("---" … "---") and body. Codes: bad_header, missing_field.
Result<Article> parse_article(const std::string& text);

// Values for {{…}} placeholders, computed from the rules (and rating levels when given).
std::map<std::string, std::string> placeholder_values(const Rules& rules, const RatingModel* rating);
// Replaces every {{name}}; an unknown name is an error ("unknown_placeholder") naming it.
Result<std::string> expand_placeholders(const std::string& text, const std::map<std::string, std::string>& values);

// Reads every *.md (except README.md) in a directory, expanding placeholders.
Result<std::vector<Article>> load_articles(const std::string& dir, const std::map<std::string, std::string>& values);

struct SearchHit {
    std::string id;
    std::string title;
    std::string programme;
    std::string snippet;   // with the query wrapped in the highlight markers
    bool title_hit = false;
};

struct SearchOptions {
    int limit = 10;
    std::string open_mark = "[";
    std::string close_mark = "]";
    int snippet_tokens = 24;
    // Groups with more matches than this are not bm25-ranked (see top_rowids in articles.cpp).
    int rank_cap = 200;
};

// An SQLite database holding articles and their FTS5 index (in memory, or a file for the kiosk).
class ArticleIndex {
public:
    static Result<std::unique_ptr<ArticleIndex>> open(const std::string& path = ":memory:");
    ~ArticleIndex();
    ArticleIndex(const ArticleIndex&) = delete;
    ArticleIndex& operator=(const ArticleIndex&) = delete;

    // Replaces the whole set in one transaction.
    Status replace_all(const std::vector<Article>& articles);
    // Titles outrank body-only hits; within each group by bm25. Empty query → no hits.
    Result<std::vector<SearchHit>> search(const std::string& query, const SearchOptions& opt = {}) const;
    // Articles whose title or plain text contains the query as a substring (the reference for tests).
    std::vector<std::string> scan_ids(const std::string& query) const;
    Result<Article> get(const std::string& id) const;
    int count() const;
    sqlite3* db() const { return db_; }

private:
    explicit ArticleIndex(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

// Registers the "unigram" tokenizer on a connection (done by ArticleIndex::open).
Status register_unigram_tokenizer(sqlite3* db);

}  // namespace yimen
