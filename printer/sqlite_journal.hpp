// sqlite_journal.hpp — PrintJournal on an SQLite file (WAL, synchronous=FULL) for the tools and tests.
// It stores each job's filled document, which holds the masked name and ID as printed: keep the file with
// the kiosk's other personal data, never in logs.
#pragma once
#include <memory>
#include <string>

#include "printer/printer.hpp"

struct sqlite3;

namespace yimen::printer {

class SqlitePrintJournal final : public PrintJournal {
public:
    static Result<std::unique_ptr<SqlitePrintJournal>> open(const std::string& path);  // ":memory:" works
    ~SqlitePrintJournal() override;

    Result<std::int64_t> job_queued(const JobRecord& job) override;
    Status job_finished(std::int64_t id, Outcome outcome, TimePoint at) override;
    Result<JobRecord> job(std::int64_t id) override;
    Result<std::vector<JobRecord>> failed_jobs() override;
    Result<std::vector<JobRecord>> all_jobs();

private:
    explicit SqlitePrintJournal(sqlite3* db) : db_(db) {}
    Result<std::vector<JobRecord>> query(const std::string& sql, std::int64_t arg);
    sqlite3* db_;
};

}  // namespace yimen::printer
