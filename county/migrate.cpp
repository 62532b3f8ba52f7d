// migrate.cpp — the copy behind `county-server migrate`. Column lists come from the target's own schema
// (information_schema), so a column the source lacks fails loudly instead of being left at its default; a table in
// either schema that is neither copied nor rebuilt also stops the copy, so a later migration cannot be forgotten here.
#include "county/migrate.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "county/batch_insert.hpp"
#include "county/store_migrations.hpp"
#include "county/verify.hpp"

namespace yimen::county {
namespace {

struct Column {
    std::string name;
    bool integer = false;
};

Result<std::int64_t> count_rows(Store& store, const std::string& table) {
    std::int64_t n = 0;
    auto s = store.query("SELECT count(*) FROM " + table, {}, [&](const SqlRow& r) { n = r.integer(0); });
    if (!s) return s.error();
    return n;
}

Result<std::vector<Column>> target_columns(Store& target, const std::string& table) {
    std::vector<Column> cols;
    auto s = target.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ?1 ORDER BY ordinal_position",
        {table}, [&](const SqlRow& r) { cols.push_back({r.text(0), r.text(1) == "bigint"}); });
    if (!s) return s.error();
    if (cols.empty()) return Error{"target_schema", "目标数据库里没有表 " + table + "，请确认 --to 指向由本版本县服务器建立的数据库。"};
    return cols;
}

// Every table either side holds must be one this file knows; answers the first one it does not.
Result<std::string> unknown_table(Store& source, Store& target) {
    std::set<std::string> known(migrated_tables().begin(), migrated_tables().end());
    known.insert(rebuilt_figure_tables().begin(), rebuilt_figure_tables().end());
    known.insert("yimen_schema");     // the PostgreSQL store's own migration record
    known.insert("sqlite_sequence");  // SQLite's AUTOINCREMENT bookkeeping: PostgreSQL keeps identity sequences
    std::string unknown;
    auto check = [&](const SqlRow& r) {
        // sqlite_*: SQLite's own bookkeeping (AUTOINCREMENT, ANALYZE's statistics), never county data.
        const std::string name = r.text(0);
        if (unknown.empty() && !known.count(name) && name.rfind("sqlite_", 0) != 0) unknown = name;
    };
    if (auto s = source.query("SELECT name FROM sqlite_master WHERE type = 'table'", {}, check); !s) return s.error();
    if (auto s = target.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                              " AND table_type = 'BASE TABLE'",
                              {}, check);
        !s)
        return s.error();
    return unknown;
}

Status copy_table(Store& source, Store& target, const std::string& table) {
    auto cols = target_columns(target, table);
    if (!cols) return cols.error();
    const std::size_t width = cols->size();
    std::vector<std::string> columns;
    std::string names;
    for (auto& c : *cols) {
        columns.push_back(c.name);
        names += (names.empty() ? "" : ", ") + c.name;
    }
    BatchInsert into(target, table, columns);
    Status failed = Ok{};
    auto s = source.query("SELECT " + names + " FROM " + table, {}, [&](const SqlRow& r) {
        if (!failed) return;
        std::vector<SqlParam> row;
        row.reserve(width);
        for (std::size_t c = 0; c < width; ++c) {
            const int i = static_cast<int>(c);
            if (r.is_null(i)) row.emplace_back(nullptr);
            else if ((*cols)[c].integer) row.emplace_back(r.integer(i));
            else row.emplace_back(r.text(i));
        }
        failed = into.add(std::move(row));
    });
    if (!s) return Error{s.error().code, "复制表 " + table + " 时出错：" + s.error().message};
    if (!failed) return Error{failed.error().code, "写入表 " + table + " 时出错：" + failed.error().message};
    if (auto f = into.flush(); !f) return Error{f.error().code, "写入表 " + table + " 时出错：" + f.error().message};
    return Ok{};
}

// Identity values were copied as they are; the sequence behind each must start past them, or the target's next
// stage, rating or audit entry would collide with a copied one. SQLite's AUTOINCREMENT high-water mark (changes) counts
// too: kiosks hold change ids as pull cursors, so an id handed out once is never handed out again.
Status reset_identity(Store& source, Store& target, const std::string& table) {
    std::int64_t issued = 0;
    if (auto s = source.query("SELECT seq FROM sqlite_sequence WHERE name = ?1", {table},
                              [&](const SqlRow& r) { issued = r.integer(0); });
        !s)
        return s.error();
    std::vector<std::string> identity;
    auto s = target.query("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                          " AND table_name = ?1 AND is_identity = 'YES'",
                          {table}, [&](const SqlRow& r) { identity.push_back(r.text(0)); });
    if (!s) return s.error();
    for (auto& col : identity) {
        const std::string high = "greatest(max(" + col + "), ?1)";
        auto r = target.query("SELECT setval(pg_get_serial_sequence('" + table + "', '" + col + "'), " + high +
                                  ") FROM " + table + " HAVING " + high + " > 0",
                              {issued}, [](const SqlRow&) {});
        if (!r) return r.error();
    }
    return Ok{};
}

Status run(Store& store, const std::string& sql) {
    auto r = store.execute(sql, {});
    if (!r) return r.error();
    return Ok{};
}

}  // namespace

const std::vector<std::string>& migrated_tables() {
    static const std::vector<std::string> tables = {
        "kiosks", "users", "user_passwords", "county_secrets", "events", "checkpoints", "boots", "chain_signatures",
        "applications", "stage_events", "referrals", "ratings", "rating_scores", "records", "quiz_answers",
        "complaints", "complaint_links", "follow_ups", "supervision_steps", "changes", "alerts", "rate_failures",
        "audit_log", "spot_draws", "spot_samples", "visit_draws", "visit_samples", "kiosk_fleet", "sign_in_failures",
        "sign_in_locks", "web_sessions"};
    return tables;
}

const std::vector<std::string>& rebuilt_figure_tables() {
    static const std::vector<std::string> tables = {
        "figure_meta", "dirty_cases", "dirty_days", "case_facts", "case_spans", "span_groups", "monthly_decided",
        "monthly_decided_wd", "monthly_ratings", "daily_decided", "daily_decided_wd", "daily_acceptance",
        "daily_submitted", "daily_ratings", "daily_rating_scores", "daily_quiz", "daily_quiz_respondents"};
    return tables;
}

bool MigrationReport::ok() const {
    for (auto& t : tables)
        if (t.source_rows != t.target_rows) return false;
    for (auto& c : chains)
        if (!c.ok) return false;
    return true;
}

Result<MigrationReport> migrate_store(Store& source, Store& target) {
    int version = -1;
    if (auto s = source.query("PRAGMA user_version", {}, [&](const SqlRow& r) { version = static_cast<int>(r.integer(0)); });
        !s)
        return s.error();
    if (version != static_cast<int>(kMigrationCount))
        return Error{"source_schema", "源库的版本（" + std::to_string(version) + "）与本程序（" +
                                          std::to_string(kMigrationCount) +
                                          "）不同。请先用本版本的 county-server 在源目录上运行一次（例如 users list），再迁移。"};
    auto unknown = unknown_table(source, target);
    if (!unknown) return unknown.error();
    if (!unknown->empty())
        return Error{"unknown_table", "表 " + *unknown + " 不在迁移清单里，迁移会漏掉它。请使用与数据库同一版本的县服务器程序。"};
    for (auto& t : migrated_tables()) {
        if (t == "county_secrets") continue;  // the target's migration put its own secret there
        auto n = count_rows(target, t);
        if (!n) return n.error();
        if (*n > 0)
            return Error{"target_not_empty", "目标数据库不是空的（表 " + t + " 已有 " + std::to_string(*n) +
                                                 " 行），迁移只写入新建的空数据库。请新建一个数据库（见 county/README.md）再运行 migrate。"};
    }

    MigrationReport report;
    report.skipped = rebuilt_figure_tables();
    // One write transaction on the target: a failure anywhere leaves it as empty as it was. The source is opened
    // read-only, which rules out SQLite's write transaction, so the server on it must be stopped (county/README.md).
    auto copied = target.transaction([&]() -> Status {
        // applicant_key = HMAC(this secret, ID number): the copied keys only match new applications under the
        // source's secret.
        if (auto s = run(target, "DELETE FROM county_secrets"); !s) return s;
        for (auto& t : migrated_tables()) {
            if (auto s = copy_table(source, target, t); !s) return s;
            if (auto s = reset_identity(source, target, t); !s) return s;
        }
        // The figure tables are not copied: every case and every rating and quiz day is marked, so the target's
        // first figure refresh rebuilds them from the copied rows (as SQLite migration 6 did).
        if (auto s = run(target, "INSERT INTO dirty_cases(receipt_number) SELECT receipt_number FROM applications"
                                 " ON CONFLICT DO NOTHING");
            !s)
            return s;
        for (auto [kind, table] : {std::pair{"rating", "ratings"}, std::pair{"quiz", "quiz_answers"}})
            if (auto s = run(target, std::string("INSERT INTO dirty_days(kind, township, day) SELECT DISTINCT '") + kind +
                                         "', township, (corrected_ms + 28800000) / 86400000 FROM " + table +
                                         " ON CONFLICT DO NOTHING");
                !s)
                return s;
        return Ok{};
    });
    if (!copied) return copied.error();

    auto dirty = count_rows(target, "dirty_cases");
    if (!dirty) return dirty.error();
    report.dirty_cases = *dirty;
    for (auto& t : migrated_tables()) {
        auto a = count_rows(source, t);
        if (!a) return a.error();
        auto b = count_rows(target, t);
        if (!b) return b.error();
        report.tables.push_back({t, *a, *b});
    }
    std::vector<std::string> kiosks;
    if (auto s = source.query("SELECT kiosk_id FROM kiosks UNION SELECT DISTINCT kiosk_id FROM events ORDER BY 1", {},
                              [&](const SqlRow& r) { kiosks.push_back(r.text(0)); });
        !s)
        return s.error();
    for (auto& k : kiosks) {
        MigratedChain c;
        c.kiosk_id = k;
        auto src = verify_kiosk_chain(source, k, "");
        auto dst = verify_kiosk_chain(target, k, "");
        if (!src) return src.error();
        if (!dst) {
            c.why = dst.error().message;
        } else {
            c.source_last_seq = src->last_seq;
            c.target_last_seq = dst->last_seq;
            if (!dst->ok())
                c.why = dst->chain_ok ? "目标库里有签名不符（seq " + std::to_string(dst->bad_signatures.front().seq) + "）"
                                      : "目标库里的链在 seq " + std::to_string(dst->broken_at) + " 处断开：" + dst->broken_why;
            else if (dst->last_seq != src->last_seq || dst->events_checked != src->events_checked)
                c.why = "目标库的链到 seq " + std::to_string(dst->last_seq) + "，源库到 seq " + std::to_string(src->last_seq);
            if (!c.why.empty() && !src->ok()) c.why += "（源库里这条链同样不完整）";
            c.ok = c.why.empty();
        }
        report.chains.push_back(c);
    }
    return report;
}

std::string format_migration_report(const MigrationReport& r) {
    std::string out;
    char line[256];
    for (auto& t : r.tables) {
        std::snprintf(line, sizeof line, "%-20s %lld", t.name.c_str(), static_cast<long long>(t.target_rows));
        out += line;
        if (t.source_rows != t.target_rows) out += "  （源库 " + std::to_string(t.source_rows) + " 行，不一致）";
        out += "\n";
    }
    for (auto& c : r.chains) {
        if (c.ok) out += "kiosk " + c.kiosk_id + " chain ok through seq " + std::to_string(c.target_last_seq) + "\n";
        else out += "kiosk " + c.kiosk_id + " chain NOT ok: " + c.why + "\n";
    }
    out += "统计表（";
    for (std::size_t i = 0; i < r.skipped.size(); ++i) out += (i ? "、" : "") + r.skipped[i];
    out += "）未复制：已把 " + std::to_string(r.dirty_cases) +
           " 个办件编号和全部评价、答题日期标记为待重算，目标库第一次刷新统计时（stats 或统计页面）会重建它们。\n";
    out += r.ok() ? "迁移完成，核对一致。\n" : "迁移已写入，但核对不一致（见上）。请勿切换到目标库，先查明原因。\n";
    return out;
}

int run_migrate(const std::string& from, const std::string& to, std::string& out, std::string& err) {
    if (from.rfind("sqlite:", 0) != 0 || from.size() == 7) {
        err = "--from 须为 sqlite:路径，即县服务器的 county.db，例如 --from sqlite:/var/lib/yimen/county.db。";
        return 2;
    }
    if (!is_postgres_url(to)) {
        err = "--to 须为 PostgreSQL 地址，例如 --to postgresql://yimen@db.example:5432/yimen（先按 county/README.md 建好空库）。";
        return 2;
    }
    auto source = open_sqlite_store_read_only(from.substr(7));
    if (!source) {
        err = source.error().message;
        return 1;
    }
    auto target = open_postgres_store(to, 2);
    if (!target) {
        err = "无法打开目标数据库：" + target.error().message;
        return 1;
    }
    auto report = migrate_store(**source, **target);
    if (!report) {
        err = report.error().message;
        return 1;
    }
    out = format_migration_report(*report);
    return report->ok() ? 0 : 1;
}

}  // namespace yimen::county
