// migrate.hpp — `county-server migrate`: moves a county's SQLite store into an empty PostgreSQL database (issue 17),
// for a county that outgrows one file or joins a city's database. Everything goes through the Store interface's
// portable query()/execute(), in one transaction on the target, and is checked afterwards on the target itself:
// every kiosk's hash chain re-walked and every table counted against the source.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "county/store.hpp"

namespace yimen::county {

struct MigratedTable {
    std::string name;
    std::int64_t source_rows = 0;
    std::int64_t target_rows = 0;
};

struct MigratedChain {
    std::string kiosk_id;
    bool ok = false;
    std::int64_t source_last_seq = 0;
    std::int64_t target_last_seq = 0;
    std::string why;  // plain Chinese, when not ok
};

struct MigrationReport {
    std::vector<MigratedTable> tables;
    std::vector<MigratedChain> chains;
    std::vector<std::string> skipped;   // the figure tables, rebuilt on the target's first refresh
    std::int64_t dirty_cases = 0;       // receipt numbers marked for that rebuild (cases, referrals, complaints)
    bool ok() const;
};

// The tables copied row for row, in copy order, and the figure tables left for the target to rebuild.
const std::vector<std::string>& migrated_tables();
const std::vector<std::string>& rebuilt_figure_tables();

// Copies `source` into `target` (a PostgreSQL store whose own migrations have run) and verifies the copy.
// Errors: "target_not_empty" (the target already holds county data), "source_schema" (the source is not at this
// program's schema version), store errors. A verification that does not match is a report with ok() false, not an
// error.
Result<MigrationReport> migrate_store(Store& source, Store& target);

// The lines `county-server migrate` prints: `table  rows` per table, `kiosk … chain ok through seq N` per kiosk.
std::string format_migration_report(const MigrationReport& r);

// `county-server migrate --from sqlite:PATH --to postgresql://…`: 0 when the copy is verified, 1 when it failed or
// does not match, 2 for a bad --from or --to.
int run_migrate(const std::string& from, const std::string& to, std::string& out, std::string& err);

}  // namespace yimen::county
