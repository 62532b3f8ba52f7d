// store_pg_admin.cpp — the PostgreSQL store's work outside a store: creating a county's database (tests, first
// installs) and taking its backup with pg_dump.
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "county/store.hpp"
#include "county/store_pg_internal.hpp"

extern char** environ;

namespace yimen::county {

Result<std::string> create_postgres_database(const std::string& server_url, const std::string& name) {
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            return Error{"bad_name", "数据库名只能由字母、数字和下划线组成：" + name, ErrorCategory::invalid_input};
    PGconn* c = PQconnectdb(server_url.c_str());
    struct Finish {
        PGconn* c;
        ~Finish() { PQfinish(c); }
    } finish{c};
    if (!c || PQstatus(c) != CONNECTION_OK) return pg_error("连接数据库", c ? PQerrorMessage(c) : "out of memory");
    PgResult r(PQexec(c, ("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'").c_str()));
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && !(state && std::string(state) == "42P04"))  // 42P04: exists
        return pg_error("建立数据库", PQerrorMessage(c), state ? state : "");
    // postgresql://[authority]/[db][?params]: the path after the authority names the database.
    const auto scheme = server_url.find("://");
    const auto path = server_url.find('/', scheme + 3);
    const auto query = server_url.find('?', scheme + 3);
    std::string base = server_url.substr(0, std::min(path, query));
    std::string params = query == std::string::npos ? "" : server_url.substr(query);
    return base + "/" + name + params;
}

bool is_postgres_url(const std::string& url) {
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}


Status run_pg_dump(const std::string& url, const std::string& path) {
    std::vector<std::string> args{"pg_dump", "--format=custom", "--no-owner", "--file=" + path, "--dbname=" + url};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const mode_t old = ::umask(077);  // the copy holds names and ID numbers
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, "pg_dump", nullptr, nullptr, argv.data(), environ);
    ::umask(old);
    if (rc != 0)
        return Error{"backup_failed", "找不到 pg_dump，无法备份 PostgreSQL 数据库。请安装 postgresql-client。",
                     ErrorCategory::storage};
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return Error{"backup_failed", "pg_dump 备份未完成：" + path + "（请查看上面 pg_dump 的提示）", ErrorCategory::storage};
    ::chmod(path.c_str(), 0600);
    return Ok{};
}


}  // namespace yimen::county
