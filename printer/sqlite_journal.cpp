// sqlite_journal.cpp — the print journal in SQLite.
#include "printer/sqlite_journal.hpp"

#include <sqlite3.h>

namespace yimen::printer {

namespace {

Error db_error(sqlite3* db) {
    return Error{"journal", std::string("打印记录无法保存（") + sqlite3_errmsg(db) + "），请检查磁盘空间。"};
}

std::int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint from_ms(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

struct Stmt {
    sqlite3_stmt* s = nullptr;
    ~Stmt() { sqlite3_finalize(s); }
};

std::string column_text(sqlite3_stmt* s, int i) {
    const unsigned char* p = sqlite3_column_text(s, i);
    return p ? reinterpret_cast<const char*>(p) : "";
}

}  // namespace

Result<std::unique_ptr<SqlitePrintJournal>> SqlitePrintJournal::open(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        Error e = db_error(db);
        sqlite3_close(db);
        return e;
    }
    std::unique_ptr<SqlitePrintJournal> j(new SqlitePrintJournal(db));
    const char* schema =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
        "CREATE TABLE IF NOT EXISTS print_jobs("
        " id INTEGER PRIMARY KEY, template TEXT NOT NULL, document TEXT NOT NULL, paper TEXT NOT NULL,"
        " mode TEXT NOT NULL, printer TEXT NOT NULL, reprint_of INTEGER,"
        " queued_at_ms INTEGER NOT NULL, finished_at_ms INTEGER, outcome TEXT);";
    if (sqlite3_exec(db, schema, nullptr, nullptr, nullptr) != SQLITE_OK) return db_error(db);
    return j;
}

SqlitePrintJournal::~SqlitePrintJournal() { sqlite3_close(db_); }

Result<std::int64_t> SqlitePrintJournal::job_queued(const JobRecord& job) {
    Stmt st;
    const char* sql = "INSERT INTO print_jobs(template, document, paper, mode, printer, reprint_of, queued_at_ms)"
                      " VALUES(?,?,?,?,?,?,?)";
    if (sqlite3_prepare_v2(db_, sql, -1, &st.s, nullptr) != SQLITE_OK) return db_error(db_);
    const std::string doc = job.document.dump();
    sqlite3_bind_text(st.s, 1, job.template_name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.s, 2, doc.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.s, 3, to_string(job.paper), -1, SQLITE_STATIC);
    sqlite3_bind_text(st.s, 4, to_string(job.mode), -1, SQLITE_STATIC);
    sqlite3_bind_text(st.s, 5, job.printer.c_str(), -1, SQLITE_TRANSIENT);
    if (job.reprint_of) sqlite3_bind_int64(st.s, 6, job.reprint_of);
    else sqlite3_bind_null(st.s, 6);
    sqlite3_bind_int64(st.s, 7, to_ms(job.queued_at));
    if (sqlite3_step(st.s) != SQLITE_DONE) return db_error(db_);
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Status SqlitePrintJournal::job_finished(std::int64_t id, Outcome outcome, TimePoint at) {
    Stmt st;
    if (sqlite3_prepare_v2(db_, "UPDATE print_jobs SET outcome=?, finished_at_ms=? WHERE id=?", -1, &st.s, nullptr) != SQLITE_OK)
        return db_error(db_);
    sqlite3_bind_text(st.s, 1, to_string(outcome), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st.s, 2, to_ms(at));
    sqlite3_bind_int64(st.s, 3, id);
    if (sqlite3_step(st.s) != SQLITE_DONE) return db_error(db_);
    return Ok{};
}

Result<std::vector<JobRecord>> SqlitePrintJournal::query(const std::string& sql, std::int64_t arg) {
    Stmt st;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK) return db_error(db_);
    if (sqlite3_bind_parameter_count(st.s) > 0) sqlite3_bind_int64(st.s, 1, arg);
    std::vector<JobRecord> out;
    int rc;
    while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
        JobRecord j;
        j.id = sqlite3_column_int64(st.s, 0);
        j.template_name = column_text(st.s, 1);
        j.document = nlohmann::json::parse(column_text(st.s, 2), nullptr, false);
        j.paper = column_text(st.s, 3) == "58" ? PaperWidth::mm58 : PaperWidth::mm80;
        j.mode = column_text(st.s, 4) == "raster" ? Mode::raster : Mode::text;
        j.printer = column_text(st.s, 5);
        j.reprint_of = sqlite3_column_int64(st.s, 6);
        j.queued_at = from_ms(sqlite3_column_int64(st.s, 7));
        if (sqlite3_column_type(st.s, 8) != SQLITE_NULL) j.finished_at = from_ms(sqlite3_column_int64(st.s, 8));
        if (sqlite3_column_type(st.s, 9) != SQLITE_NULL) j.outcome = outcome_from_string(column_text(st.s, 9));
        out.push_back(std::move(j));
    }
    if (rc != SQLITE_DONE) return db_error(db_);
    return out;
}

namespace {
const char* kColumns =
    "SELECT id, template, document, paper, mode, printer, reprint_of, queued_at_ms, finished_at_ms, outcome FROM print_jobs ";
}

Result<JobRecord> SqlitePrintJournal::job(std::int64_t id) {
    auto r = query(std::string(kColumns) + "WHERE id=?", id);
    if (!r) return r.error();
    if (r->empty()) return Error{"not_found", "找不到这条打印记录。"};
    return r->front();
}

Result<std::vector<JobRecord>> SqlitePrintJournal::failed_jobs() {
    return query(std::string(kColumns) +
                     "j WHERE reprint_of IS NULL AND COALESCE(outcome,'') NOT IN ('printed','paper_near_end','bad_document')"
                     " AND NOT EXISTS (SELECT 1 FROM print_jobs r WHERE r.reprint_of = j.id"
                     " AND r.outcome IN ('printed','paper_near_end')) ORDER BY id",
                 0);
}

Result<std::vector<JobRecord>> SqlitePrintJournal::all_jobs() { return query(std::string(kColumns) + "ORDER BY id", 0); }

}  // namespace yimen::printer
