// sqlite.hpp — a thin RAII layer over SQLite shared by every module: connections with the project's durability
// settings (WAL, synchronous=FULL), prepared statements, and transactions that roll back unless committed.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace yimen::sqlite {

class Statement {
public:
    Statement(sqlite3* db, const std::string& sql);
    ~Statement();
    Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;

    bool ok() const { return st_ != nullptr; }
    Statement& bind(int i, const std::string& v);
    Statement& bind(int i, std::int64_t v);
    Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Statement& bind(int i, double v);
    Statement& bind_null(int i);
    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step();
    // Runs to completion; error if a row or a failure comes back.
    Status run();
    void reset();

    std::string text(int col) const;
    std::int64_t integer(int col) const;
    double real(int col) const;
    bool is_null(int col) const;
    sqlite3_stmt* raw() const { return st_; }

private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

struct OpenOptions {
    bool wal = true;
    bool synchronous_full = true;
    int busy_timeout_ms = 5000;
    bool read_only = false;
    std::string vfs;  // empty = SQLite's default; tests plug in a fault-injecting VFS
    // Owner-only files: the database is created 0600 before SQLite opens it (SQLite gives its -wal, -shm and -journal
    // the main file's mode), and an existing database and its companions are narrowed to 0600. For files that hold
    // personal data (the kiosk's kiosk.db). Also PRAGMA secure_delete: deleted content is overwritten with zeros.
    bool private_file = false;
};

class Database {
public:
    static Result<std::unique_ptr<Database>> open(const std::string& path, const OpenOptions& opt = {});
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Status exec(const std::string& sql);
    Statement prepare(const std::string& sql) { return Statement(db_, sql); }
    // A single integer from a query ("SELECT count(*) …"), or nullopt when no row.
    std::optional<std::int64_t> scalar(const std::string& sql);
    Error error(const std::string& what) const;
    sqlite3* raw() const { return db_; }
    const std::string& path() const { return path_; }
    // PRAGMA user_version, for schema migrations.
    int user_version();
    Status set_user_version(int v);

private:
    Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    sqlite3* db_;
    std::string path_;
};

// BEGIN IMMEDIATE … COMMIT; the destructor rolls back a transaction that was not committed, so an early return or
// an exception can never leave half a change behind.
class Transaction {
public:
    static Result<std::unique_ptr<Transaction>> begin(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Status commit();
    Database& db() { return db_; }

private:
    explicit Transaction(Database& db) : db_(db) {}
    Database& db_;
    bool done_ = false;
};

}  // namespace yimen::sqlite
