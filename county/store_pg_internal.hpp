// store_pg_internal.hpp — what the PostgreSQL store's files share (store_pg.cpp: the store; store_pg_admin.cpp:
// creating a database, pg_dump): libpq results that free themselves and libpq's failures in plain words.
#pragma once
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "base/result.hpp"

namespace yimen::county {

inline Error pg_error(const std::string& what, const std::string& detail, const std::string& sqlstate = "") {
    // 53100: disk full; 08xxx: the connection went away.
    if (sqlstate == "53100")
        return Error{"disk_full", "数据库服务器存储空间已满，" + what + "未能完成。请联系管理员清理空间后重试。",
                     ErrorCategory::storage};
    if (sqlstate.rfind("08", 0) == 0 || sqlstate.empty())
        return Error{"db_unavailable", what + "失败：连不上 PostgreSQL 数据库（" + detail + "）。请检查数据库服务。",
                     ErrorCategory::storage};
    return Error{"db_error", what + "失败：" + detail, ErrorCategory::storage};
}

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// `pg_dump --format=custom` of the database at `url` into `path` (0600): the store's backup_to.
Status run_pg_dump(const std::string& url, const std::string& path);

}  // namespace yimen::county
