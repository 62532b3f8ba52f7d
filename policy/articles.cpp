// articles.cpp — article files, placeholder expansion, and the FTS5 index with a per-character tokenizer.
#include "policy/articles.hpp"
#include "policy/workflow.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/money.hpp"
#include "policy/rating.hpp"

namespace yimen {
namespace {

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::vector<std::string> split_tags(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, ','))
        if (auto t = trim(cur); !t.empty()) out.push_back(t);
    return out;
}

// Length in bytes of the UTF-8 sequence starting with byte c (1 for invalid lead bytes, so we always advance).
int utf8_len(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c >> 5) == 0x6) return 2;
    if ((c >> 4) == 0xE) return 3;
    if ((c >> 3) == 0x1E) return 4;
    return 1;
}

// ---- The "unigram" FTS5 tokenizer: one token per character, ASCII letters lower-cased. -------------------------
// Every character (punctuation and spaces too) is a token, so a phrase query matches exactly where the query is a
// substring of the text, for queries of any length.

struct UnigramTokenizer {};

int unigram_create(void*, const char**, int, Fts5Tokenizer** out) {
    *out = reinterpret_cast<Fts5Tokenizer*>(new UnigramTokenizer);
    return SQLITE_OK;
}

void unigram_delete(Fts5Tokenizer* t) { delete reinterpret_cast<UnigramTokenizer*>(t); }

int unigram_tokenize(Fts5Tokenizer*, void* ctx, int, const char* text, int n,
                     int (*emit)(void*, int, const char*, int, int, int)) {
    int i = 0;
    while (i < n) {
        const auto c = static_cast<unsigned char>(text[i]);
        int len = std::min(utf8_len(c), n - i);
        int rc;
        if (c >= 'A' && c <= 'Z') {
            const char lower = static_cast<char>(c - 'A' + 'a');
            rc = emit(ctx, 0, &lower, 1, i, i + 1);
        } else if (c == '\n' || c == '\t' || c == '\r') {
            rc = emit(ctx, 0, " ", 1, i, i + 1);
        } else {
            rc = emit(ctx, 0, text + i, len, i, i + len);
        }
        if (rc != SQLITE_OK) return rc;
        i += len;
    }
    return SQLITE_OK;
}

fts5_api* get_fts5_api(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK) return nullptr;
    sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

// "yimen_rank": BM25's term-frequency and length parts without its IDF. Every row of one query shares the same
// phrases, so IDF only rescales a single-term query; leaving it out saves FTS5's full pass over each phrase's
// doclist (xQueryPhrase), which cost more than the whole search budget on common characters. Lower is better,
// as with bm25(). Arguments: one weight per column.
void yimen_rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    constexpr double k1 = 1.2, b = 0.75;
    const int ncol = api->xColumnCount(fts);
    sqlite3_int64 rows = 0;
    if (api->xRowCount(fts, &rows) != SQLITE_OK || rows <= 0) rows = 1;
    int ninst = 0;
    if (api->xInstCount(fts, &ninst) != SQLITE_OK) {
        sqlite3_result_error(ctx, "yimen_rank: xInstCount failed", -1);
        return;
    }
    std::vector<int> tf(static_cast<std::size_t>(ncol), 0);
    for (int i = 0; i < ninst; ++i) {
        int phrase = 0, col = 0, off = 0;
        if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK && col >= 0 && col < ncol) ++tf[static_cast<std::size_t>(col)];
    }
    double score = 0;
    for (int c = 0; c < ncol; ++c) {
        if (tf[static_cast<std::size_t>(c)] == 0) continue;
        int len = 0;
        sqlite3_int64 total = 0;
        api->xColumnSize(fts, c, &len);
        api->xColumnTotalSize(fts, c, &total);
        const double avg = total > 0 ? static_cast<double>(total) / static_cast<double>(rows) : 1.0;
        const double f = tf[static_cast<std::size_t>(c)];
        const double w = c < argc ? sqlite3_value_double(argv[c]) : 1.0;
        score += w * f * (k1 + 1) / (f + k1 * (1 - b + b * len / avg));
    }
    sqlite3_result_double(ctx, -score);
}

// "yimen_title_hit": 1 when every phrase of the query has an instance in column 0 (the title).
void yimen_title_hit(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int, sqlite3_value**) {
    const int nphrase = api->xPhraseCount(fts);
    std::vector<char> seen(static_cast<std::size_t>(std::max(nphrase, 0)), 0);
    int ninst = 0;
    api->xInstCount(fts, &ninst);
    for (int i = 0; i < ninst; ++i) {
        int phrase = 0, col = 0, off = 0;
        if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK && col == 0 && phrase >= 0 && phrase < nphrase)
            seen[static_cast<std::size_t>(phrase)] = 1;
    }
    bool all = nphrase > 0;
    for (char c : seen) all = all && c;
    sqlite3_result_int(ctx, all ? 1 : 0);
}

// A small RAII statement.
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) == SQLITE_OK; }
    ~Stmt() { sqlite3_finalize(st_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    bool ok() const { return ok_; }
    void bind(int i, const std::string& s) { sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
    void bind(int i, int v) { sqlite3_bind_int(st_, i, v); }
    int step() { return sqlite3_step(st_); }
    std::string text(int i) const {
        auto p = sqlite3_column_text(st_, i);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, i))) : "";
    }
    int integer(int i) const { return sqlite3_column_int(st_, i); }
    void reset() { sqlite3_reset(st_); sqlite3_clear_bindings(st_); }
    sqlite3_stmt* raw() const { return st_; }

private:
    sqlite3_stmt* st_ = nullptr;
    bool ok_ = false;
};

Error db_error(sqlite3* db, const std::string& what) {
    return Error{"db_error", "政策库操作失败（" + what + "）：" + sqlite3_errmsg(db)};
}

std::string fts_phrase(const std::string& term) {
    std::string q = "\"";
    for (char c : term) {
        if (c == '"') q += "\"\"";
        else q.push_back(c);
    }
    return q + "\"";
}

std::string strip_yuan(Fen fen) {
    auto s = format_yuan(fen);
    if (s.size() > 3 && s.compare(s.size() - 3, 3, ".00") == 0) s.resize(s.size() - 3);
    return s;
}

}  // namespace

std::string Article::plain_text() const {
    std::istringstream in(body_markdown);
    std::string line, out;
    while (std::getline(in, line)) {
        std::string s = trim(line);
        while (!s.empty() && s[0] == '#') s.erase(0, 1);
        if (s.rfind("- ", 0) == 0 || s.rfind("* ", 0) == 0) s.erase(0, 2);
        // "1. " numbered items
        std::size_t k = 0;
        while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
        if (k > 0 && k + 1 < s.size() && s[k] == '.' && s[k + 1] == ' ') s.erase(0, k + 2);
        for (std::size_t p; (p = s.find("**")) != std::string::npos;) s.erase(p, 2);
        s = trim(s);
        if (s.empty()) continue;
        if (!out.empty()) out.push_back('\n');
        out += s;
    }
    return out;
}

Result<Article> parse_article(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || trim(line) != "---") return Error{"bad_header", "文章缺少开头的 --- 标记。"};
    Article a;
    bool closed = false;
    while (std::getline(in, line)) {
        if (trim(line) == "---") {
            closed = true;
            break;
        }
        const auto colon = line.find(':');
        if (colon == std::string::npos) return Error{"bad_header", "文章头部格式错误：" + line};
        const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
        if (key == "id") a.id = value;
        else if (key == "title") a.title = value;
        else if (key == "programme") a.programme = value;
        else if (key == "tags") a.tags = split_tags(value);
        else if (key == "effective") a.effective = value;
    }
    if (!closed) return Error{"bad_header", "文章头部缺少结束的 --- 标记。"};
    if (a.id.empty() || a.title.empty() || a.programme.empty())
        return Error{"missing_field", "文章头部须有 id、title、programme。"};
    std::stringstream rest;
    rest << in.rdbuf();
    a.body_markdown = trim(rest.str());
    return a;
}

std::map<std::string, std::string> placeholder_values(const Rules& rules, const RatingModel* rating) {
    std::map<std::string, std::string> v;
    // {{note.<key>}} follows a figure in the text: "（以乡镇通知为准）" when the figure is an assumption (❌), else "".
    const std::string note = std::string("（") + kUnconfirmedNote + "）";
    auto mark = [&](const std::string& key, const std::string& confidence) {
        v["note." + key] = is_unconfirmed(confidence) ? note : "";
    };
    for (auto& p : rules.programmes()) {
        const std::string pre = "limit." + p.id + ".";
        if (p.overall) {
            v[pre + "overall_wd"] = std::to_string(p.overall->working_days);
            v[pre + "extended_wd"] = std::to_string(p.overall->extended_working_days);
            mark(pre + "overall_wd", p.overall->confidence);
            mark(pre + "extended_wd", p.overall->confidence);
        }
        for (auto& s : p.stages)
            if (s.limit && !s.limit->figure.empty()) {
                v[pre + s.limit->figure] = std::to_string(s.limit->hours > 0 ? s.limit->hours : s.limit->days);
                mark(pre + s.limit->figure, s.limit->confidence);
            }
        for (auto& [name, f] : p.figures) {
            const auto& val = f.contains("value") ? f["value"] : f;
            v[pre + name] = val.is_string() ? val.get<std::string>() : val.dump();
            mark(pre + name, f.value("confidence", ""));
        }
        std::string list;
        for (auto& m : p.materials) {
            list += "- " + m.name;
            if (!m.when.empty()) list += "（" + m.when + "）";
            list += "\n";
        }
        for (auto& b : p.bring) list += "- " + b + "\n";
        if (!list.empty()) list.pop_back();
        v["materials." + p.id] = list;
    }
    for (const char* name : {"publicity_days", "selfcare_reassess_wd", "recheck_stable_months", "recheck_irregular_months",
                             "phaseout_months", "lowincome_multiplier", "tekun_basic_multiplier", "bad_rating_fix_wd",
                             "application_to_acceptance_wd"})
        if (const Fact* f = rules.fact(name)) {
            v[std::string("limit.") + name] = f->value.is_string() ? f->value.get<std::string>() : f->value.dump();
            mark(std::string("limit.") + name, f->confidence);
        }
    v["hotline.service"] = rules.hotline("service");
    v["hotline.civil_affairs"] = rules.hotline("civil_affairs");
    if (rules.examples().contains("benefit")) {
        const auto& b = rules.examples()["benefit"];
        const auto standard = parse_yuan(b.value("standard", "0"));
        const auto income = parse_yuan(b.value("income", "0"));
        const int members = b.value("members", 1);
        if (standard && income) {
            v["example.benefit.standard"] = strip_yuan(*standard);
            v["example.benefit.income"] = strip_yuan(*income);
            v["example.benefit.members"] = std::to_string(members);
            v["example.benefit.gap"] = strip_yuan(*standard - *income);
            v["example.benefit.result"] = strip_yuan(difference_benefit({*standard, *income, members}));
        }
    }
    if (rating) {
        std::string names;
        for (auto& l : rating->levels()) names += (names.empty() ? "" : "、") + l.name;
        v["rating.levels"] = names;
    }
    return v;
}

Result<std::string> expand_placeholders(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (true) {
        const auto open = text.find("{{", pos);
        if (open == std::string::npos) break;
        const auto close = text.find("}}", open);
        if (close == std::string::npos) return Error{"unknown_placeholder", "占位符缺少结束的 }}。"};
        const std::string name = trim(text.substr(open + 2, close - open - 2));
        auto it = values.find(name);
        if (it == values.end()) return Error{"unknown_placeholder", "未知的占位符：{{" + name + "}}"};
        out.append(text, pos, open - pos);
        out += it->second;
        pos = close + 2;
    }
    out.append(text, pos, std::string::npos);
    return out;
}

Result<std::vector<Article>> load_articles(const std::string& dir, const std::map<std::string, std::string>& values) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Error{"articles_missing", "找不到政策文章目录：" + dir};
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".md" && e.path().filename() != "README.md") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<Article> out;
    for (auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        auto expanded = expand_placeholders(ss.str(), values);
        if (!expanded) return Error{expanded.error().code, f.filename().string() + "：" + expanded.error().message};
        auto a = parse_article(*expanded);
        if (!a) return Error{a.error().code, f.filename().string() + "：" + a.error().message};
        out.push_back(std::move(a).value());
    }
    return out;
}

Status register_unigram_tokenizer(sqlite3* db) {
    fts5_api* api = get_fts5_api(db);
    if (!api) return Error{"no_fts5", "此 SQLite 不支持 FTS5。"};
    static fts5_tokenizer tok = {unigram_create, unigram_delete, unigram_tokenize};
    if (api->xCreateTokenizer(api, "unigram", nullptr, &tok, nullptr) != SQLITE_OK)
        return db_error(db, "注册分词器");
    if (api->xCreateFunction(api, "yimen_rank", nullptr, yimen_rank, nullptr) != SQLITE_OK ||
        api->xCreateFunction(api, "yimen_title_hit", nullptr, yimen_title_hit, nullptr) != SQLITE_OK)
        return db_error(db, "注册排序函数");
    return Ok{};
}

Result<std::unique_ptr<ArticleIndex>> ArticleIndex::open(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        Error e = db_error(db, "打开");
        sqlite3_close(db);
        return e;
    }
    std::unique_ptr<ArticleIndex> idx(new ArticleIndex(db));
    if (auto s = register_unigram_tokenizer(db); !s) return s.error();
    const char* schema =
        "CREATE TABLE IF NOT EXISTS articles(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, title TEXT NOT NULL,"
        " programme TEXT NOT NULL, tags TEXT NOT NULL, effective TEXT NOT NULL, body TEXT NOT NULL, plain TEXT NOT NULL);"
        "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5(title, plain, content='articles',"
        " content_rowid='rowid', tokenize='unigram');"
        "CREATE VIRTUAL TABLE IF NOT EXISTS article_tri USING fts5(title, plain, content='articles',"
        " content_rowid='rowid', tokenize='trigram');";
    if (sqlite3_exec(db, schema, nullptr, nullptr, nullptr) != SQLITE_OK) return db_error(db, "建表");
    return idx;
}

ArticleIndex::~ArticleIndex() { sqlite3_close(db_); }

Status ArticleIndex::replace_all(const std::vector<Article>& articles) {
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return db_error(db_, "开始事务");
    auto fail = [&](const char* what) {
        Error e = db_error(db_, what);
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    if (sqlite3_exec(db_, "DELETE FROM articles; INSERT INTO article_fts(article_fts) VALUES('delete-all');"
                     "INSERT INTO article_tri(article_tri) VALUES('delete-all');", nullptr,
                     nullptr, nullptr) != SQLITE_OK)
        return fail("清空");
    Stmt ins(db_, "INSERT INTO articles(id,title,programme,tags,effective,body,plain) VALUES(?,?,?,?,?,?,?)");
    if (!ins.ok()) return fail("准备插入");
    for (auto& a : articles) {
        std::string tags;
        for (auto& t : a.tags) tags += (tags.empty() ? "" : ",") + t;
        ins.bind(1, a.id);
        ins.bind(2, a.title);
        ins.bind(3, a.programme);
        ins.bind(4, tags);
        ins.bind(5, a.effective);
        ins.bind(6, a.body_markdown);
        // Tags are searchable too (单人保, 授权核对): they are indexed after the text, on a line of their own.
        std::string plain = a.plain_text();
        if (!a.tags.empty()) {
            std::string joined;
            for (auto& t : a.tags) joined += (joined.empty() ? "" : "、") + t;
            plain += "\n标签：" + joined;
        }
        ins.bind(7, plain);
        if (ins.step() != SQLITE_DONE) return fail("插入文章");
        ins.reset();
    }
    if (sqlite3_exec(db_, "INSERT INTO article_fts(article_fts) VALUES('rebuild');"
                     "INSERT INTO article_tri(article_tri) VALUES('rebuild'); COMMIT;", nullptr, nullptr,
                     nullptr) != SQLITE_OK)
        return fail("建立索引");
    return Ok{};
}

namespace {

struct Ranked {
    std::int64_t rowid;
    bool title_hit;
    double score;  // lower is better
};

std::size_t utf8_chars(const std::string& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); i += static_cast<std::size_t>(utf8_len(static_cast<unsigned char>(s[i])))) ++n;
    return n;
}

// Rowids matching `match` in catalogue order, at most `max_rows`: cheap, because FTS5 stops reading.
Result<std::vector<std::int64_t>> probe(sqlite3* db, const std::string& table, const std::string& match, int max_rows) {
    std::vector<std::int64_t> ids;
    Stmt st(db, ("SELECT rowid FROM " + table + " WHERE " + table + " MATCH ?1 LIMIT ?2").c_str());
    if (!st.ok()) return db_error(db, "准备查询");
    st.bind(1, match);
    st.bind(2, max_rows);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(st.raw(), 0));
    if (rc != SQLITE_DONE) return db_error(db, "查询");
    return ids;
}

// Every match of `match`, with its title flag and rank (a few microseconds a row: only for small groups).
Result<std::vector<Ranked>> rank_all(sqlite3* db, const std::string& table, const std::string& match) {
    std::vector<Ranked> out;
    const std::string sql = "SELECT rowid, yimen_title_hit(" + table + "), yimen_rank(" + table + ", 10.0, 1.0) FROM " +
                            table + " WHERE " + table + " MATCH ?1";
    Stmt st(db, sql.c_str());
    if (!st.ok()) return db_error(db, "准备查询");
    st.bind(1, match);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        out.push_back({sqlite3_column_int64(st.raw(), 0), st.integer(1) != 0, sqlite3_column_double(st.raw(), 2)});
    if (rc != SQLITE_DONE) return db_error(db, "查询");
    return out;
}

std::string ascii_lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// A window of about `width` characters around the first match of any term; every whole match inside it is wrapped in
// the markers, and the window grows rather than cut a match (or an ASCII word or number) in two.
std::string make_snippet(const std::string& text, const std::vector<std::string>& terms, const std::string& open,
                         const std::string& close, int width) {
    const std::string low = ascii_lower(text);
    std::size_t first = std::string::npos;
    for (auto& t : terms)
        if (auto p = low.find(ascii_lower(t)); p != std::string::npos) first = std::min(first, p);
    auto back_chars = [&](std::size_t pos, int n) {
        while (pos > 0 && n > 0) {
            --pos;
            while (pos > 0 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
            --n;
        }
        return pos;
    };
    auto fwd_chars = [&](std::size_t pos, int n) {
        while (pos < text.size() && n > 0) {
            pos += static_cast<std::size_t>(utf8_len(static_cast<unsigned char>(text[pos])));
            --n;
        }
        return std::min(pos, text.size());
    };
    auto word = [&](std::size_t i) {
        const char c = text[i];
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    };
    std::size_t start = first == std::string::npos ? 0 : back_chars(first, width / 4);
    std::size_t end = fwd_chars(start, width);
    while (start > 0 && start < text.size() && word(start) && word(start - 1)) --start;
    while (end < text.size() && end > 0 && word(end) && word(end - 1)) ++end;
    std::string out = start > 0 ? "…" : "";
    for (std::size_t i = start; i < end;) {
        std::size_t len = 0;
        for (auto& t : terms)
            if (!t.empty() && low.compare(i, t.size(), ascii_lower(t)) == 0) len = std::max(len, t.size());
        if (len) {
            end = std::max(end, i + len);  // never cut a match
            out += open + text.substr(i, len) + close;
            i += len;
            continue;
        }
        const std::size_t n = static_cast<std::size_t>(utf8_len(static_cast<unsigned char>(text[i])));
        out += text[i] == '\n' ? std::string(" ") : text.substr(i, n);
        i += n;
    }
    if (end < text.size()) out += "…";
    return out;
}

void best_first(std::vector<Ranked>& v) {
    std::stable_sort(v.begin(), v.end(), [](const Ranked& a, const Ranked& b) {
        if (a.title_hit != b.title_hit) return a.title_hit;
        return a.score < b.score;
    });
}

}  // namespace

Result<std::vector<SearchHit>> ArticleIndex::search(const std::string& query, const SearchOptions& opt) const {
    // Whitespace separates terms; each term is a phrase; all terms of a group must match. "OR" (or "|") between
    // groups finds articles matching any group: "救 OR 低保".
    std::vector<std::vector<std::string>> groups(1);
    std::vector<std::string> terms;
    {
        std::istringstream in(query);
        std::string t;
        while (in >> t) {
            if (t == "OR" || t == "|") {
                if (!groups.back().empty()) groups.emplace_back();
                continue;
            }
            groups.back().push_back(t);
            terms.push_back(t);
        }
        if (groups.back().empty()) groups.pop_back();
    }
    std::vector<SearchHit> hits;
    if (terms.empty() || opt.limit <= 0) return hits;
    std::string all;
    bool all_long = true;
    for (auto& g : groups) {
        std::string conj;
        for (auto& t : g) {
            conj += (conj.empty() ? "" : " AND ") + fts_phrase(t);
            all_long = all_long && utf8_chars(t) >= 3;
        }
        all += (all.empty() ? "" : " OR ") + ("(" + conj + ")");
    }
    // Terms of 3+ characters use the trigram index (short doclists); shorter ones need the per-character index.
    const std::string table = all_long ? "article_tri" : "article_fts";
    const int cap = std::max(opt.rank_cap, opt.limit);

    // Titles outrank body-only hits; within each group by yimen_rank. A group larger than the cap (a very common
    // character such as 的, where ranking hardly discriminates) keeps the articles' own order (rowid = catalogue
    // order), so that FTS5 can stop reading early instead of ranking thousands of rows.
    auto first = probe(db_, table, all, cap + 1);
    if (!first) return first.error();
    std::vector<Ranked> chosen;
    if (static_cast<int>(first->size()) <= cap) {
        auto ranked = rank_all(db_, table, all);
        if (!ranked) return ranked.error();
        chosen = std::move(ranked).value();
        best_first(chosen);
    } else {
        const std::string in_title = "{title} : (" + all + ")";
        auto titles = probe(db_, table, in_title, cap + 1);
        if (!titles) return titles.error();
        if (static_cast<int>(titles->size()) <= cap) {
            auto ranked = rank_all(db_, table, in_title);
            if (!ranked) return ranked.error();
            chosen = std::move(ranked).value();
            best_first(chosen);
        } else {
            for (auto id : *titles) chosen.push_back({id, true, 0});
        }
        for (auto& c : chosen) c.title_hit = true;
        for (auto id : *first) {
            if (static_cast<int>(chosen.size()) >= opt.limit) break;
            if (std::find(titles->begin(), titles->end(), id) == titles->end()) chosen.push_back({id, false, 0});
        }
    }
    if (static_cast<int>(chosen.size()) > opt.limit) chosen.resize(static_cast<std::size_t>(opt.limit));

    // Snippets only for the rows shown, cut at character boundaries that never split a matched term.
    Stmt st(db_, "SELECT id, title, programme, plain FROM articles WHERE rowid = ?1");
    if (!st.ok()) return db_error(db_, "准备查询");
    for (auto& r : chosen) {
        sqlite3_bind_int64(st.raw(), 1, r.rowid);
        if (st.step() != SQLITE_ROW) return db_error(db_, "读取摘要");
        SearchHit h{st.text(0), st.text(1), st.text(2),
                    make_snippet(st.text(3), terms, opt.open_mark, opt.close_mark, std::clamp(opt.snippet_tokens, 1, 64)),
                    r.title_hit};
        hits.push_back(std::move(h));
        st.reset();
    }
    return hits;
}

std::vector<std::string> ArticleIndex::scan_ids(const std::string& query) const {
    std::vector<std::string> ids;
    Stmt st(db_, "SELECT id FROM articles WHERE instr(title, ?1) > 0 OR instr(plain, ?1) > 0 ORDER BY id");
    st.bind(1, query);
    while (st.step() == SQLITE_ROW) ids.push_back(st.text(0));
    return ids;
}

Result<Article> ArticleIndex::get(const std::string& id) const {
    Stmt st(db_, "SELECT id,title,programme,tags,effective,body FROM articles WHERE id = ?1");
    st.bind(1, id);
    if (st.step() != SQLITE_ROW) return Error{"not_found", "没有找到这篇政策文章。"};
    Article a{st.text(0), st.text(1), st.text(2), split_tags(st.text(3)), st.text(4), st.text(5)};
    return a;
}

int ArticleIndex::count() const {
    Stmt st(db_, "SELECT count(*) FROM articles");
    return st.step() == SQLITE_ROW ? st.integer(0) : 0;
}

}  // namespace yimen
