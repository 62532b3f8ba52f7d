// sqlite.cpp — every failure becomes an Error naming what was attempted; a full disk gets its own code.
#include "base/sqlite.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace yimen::sqlite {
namespace {

// Creates path 0600 when missing (O_EXCL with that mode, then fchmod so a umask cannot change it) and narrows an
// existing database and its companions to 0600 by name. An existing database is never opened here: closing any
// descriptor of a file drops every POSIX lock this process holds on it, including those of SQLite connections that
// already have it open (another lane of the same kiosk).
Status make_private(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        const int rc = ::fchmod(fd, 0600);
        const int e = errno;
        ::close(fd);
        if (rc != 0)
            return Error{"db_open", "无法设置数据库 " + path + " 的权限：" + std::strerror(e), ErrorCategory::storage};
        return Ok{};
    }
    if (errno != EEXIST)
        return Error{"db_open", "无法创建数据库 " + path + "：" + std::strerror(errno), ErrorCategory::storage};
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        const std::string file = path + suffix;
        if (::chmod(file.c_str(), 0600) != 0 && errno != ENOENT)
            return Error{"db_open", "无法设置数据库文件 " + file + " 的权限：" + std::strerror(errno),
                         ErrorCategory::storage};
    }
    return Ok{};
}

}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK) {
        sqlite3_finalize(st_);
        st_ = nullptr;
    }
}

Statement::~Statement() { sqlite3_finalize(st_); }

Statement& Statement::bind(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
}
Statement& Statement::bind(int i, double v) {
    sqlite3_bind_double(st_, i, v);
    return *this;
}
Statement& Statement::bind_null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
}

int Statement::step() { return st_ ? sqlite3_step(st_) : SQLITE_MISUSE; }

Status Statement::run() {
    if (!st_) return Error{"db_error", std::string("数据库语句无效：") + sqlite3_errmsg(db_), ErrorCategory::storage};
    const int rc = sqlite3_step(st_);
    sqlite3_reset(st_);
    if (rc == SQLITE_DONE) return Ok{};
    if (rc == SQLITE_FULL) return Error{"disk_full", "存储空间已满，记录未能保存。请联系工作人员清理空间后重试。", ErrorCategory::storage};
    return Error{"db_error", std::string("数据库写入失败：") + sqlite3_errmsg(db_), ErrorCategory::storage};
}

void Statement::reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
}

std::string Statement::text(int col) const {
    const auto* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, col)))
             : std::string();
}
std::int64_t Statement::integer(int col) const { return sqlite3_column_int64(st_, col); }
double Statement::real(int col) const { return sqlite3_column_double(st_, col); }
bool Statement::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

Result<std::unique_ptr<Database>> Database::open(const std::string& path, const OpenOptions& opt) {
    if (opt.private_file && !opt.read_only)
        if (auto s = make_private(path); !s) return s.error();
    sqlite3* raw = nullptr;
    const int flags = opt.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_FULLMUTEX, opt.vfs.empty() ? nullptr : opt.vfs.c_str()) !=
        SQLITE_OK) {
        Error e{"db_open", "无法打开数据库 " + path + "：" + (raw ? sqlite3_errmsg(raw) : "内存不足")};
        sqlite3_close(raw);
        return e;
    }
    std::unique_ptr<Database> db(new Database(raw, path));
    sqlite3_busy_timeout(raw, opt.busy_timeout_ms);
    sqlite3_extended_result_codes(raw, 1);
    if (!opt.read_only) {
        if (opt.wal)
            if (auto s = db->exec("PRAGMA journal_mode=WAL"); !s) return s.error();
        if (auto s = db->exec(opt.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !s)
            return s.error();
        if (auto s = db->exec("PRAGMA foreign_keys=ON"); !s) return s.error();
        // What a private file deletes or overwrites (a retention drop) is zeroed on disk, not left in free pages.
        if (opt.private_file)
            if (auto s = db->exec("PRAGMA secure_delete=ON"); !s) return s.error();
    }
    return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

Error Database::error(const std::string& what) const {
    const int code = sqlite3_errcode(db_) & 0xff;
    if (code == SQLITE_FULL) return Error{"disk_full", "存储空间已满，" + what + "未能完成。请联系工作人员清理空间后重试。", ErrorCategory::storage};
    return Error{"db_error", what + "失败：" + sqlite3_errmsg(db_), ErrorCategory::storage};
}

Status Database::exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        Error e = error("数据库操作");
        sqlite3_free(msg);
        return e;
    }
    return Ok{};
}

std::optional<std::int64_t> Database::scalar(const std::string& sql) {
    Statement st(db_, sql);
    if (st.step() != SQLITE_ROW || st.is_null(0)) return std::nullopt;
    return st.integer(0);
}

int Database::user_version() { return static_cast<int>(scalar("PRAGMA user_version").value_or(0)); }

Status Database::set_user_version(int v) { return exec("PRAGMA user_version=" + std::to_string(v)); }

Result<std::unique_ptr<Transaction>> Transaction::begin(Database& db) {
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s.error();
    return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::commit() {
    if (done_) return Error{"db_error", "事务已结束。", ErrorCategory::storage};
    if (auto s = db_.exec("COMMIT"); !s) return s;
    done_ = true;
    return Ok{};
}

}  // namespace yimen::sqlite
