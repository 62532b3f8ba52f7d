// store_pg.cpp — the PostgreSQL implementation of Store (libpq): a pool of connections, each with its own prepared
// statements; a transaction holds one connection for its thread, so everything the transaction's function does on
// that thread sees its writes; pushes from one kiosk are serialised by an advisory lock on the kiosk (lock_kiosk),
// not a global lock, so several county-server processes on one database behave as one server.
//
// SQL is the portable dialect Store::query documents (?N placeholders, rewritten here to $N). Values travel as text;
// PostgreSQL infers each parameter's type from where it is used.
#include "county/store.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "county/store_pg_internal.hpp"
#include "county/store_pg_schema.hpp"

namespace yimen::county {
namespace {

using nlohmann::json;

// ?N → $N outside quoted text (the portable placeholders of Store::query).
std::string to_pg_placeholders(const std::string& sql) {
    std::string out;
    out.reserve(sql.size());
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '?' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
            out += '$';
            continue;
        }
        out += c;
    }
    return out;
}

class PgRow final : public SqlRow {
public:
    PgRow(const PGresult* r, int row) : r_(r), row_(row) {}
    std::string text(int col) const override {
        return PQgetisnull(r_, row_, col) ? std::string() : std::string(PQgetvalue(r_, row_, col), PQgetlength(r_, row_, col));
    }
    // Booleans come as t/f, sums and averages as numeric text: read as SQLite would hand them to an integer column.
    std::int64_t integer(int col) const override {
        if (PQgetisnull(r_, row_, col)) return 0;
        const char* v = PQgetvalue(r_, row_, col);
        if (v[0] == 't' && v[1] == 0) return 1;
        if (v[0] == 'f' && v[1] == 0) return 0;
        char* end = nullptr;
        const long long n = std::strtoll(v, &end, 10);
        if (end && *end == '.') return static_cast<std::int64_t>(std::trunc(std::strtod(v, nullptr)));
        return n;
    }
    double real(int col) const override {
        return PQgetisnull(r_, row_, col) ? 0.0 : std::strtod(PQgetvalue(r_, row_, col), nullptr);
    }
    bool is_null(int col) const override { return PQgetisnull(r_, row_, col) != 0; }

private:
    const PGresult* r_;
    int row_;
};

// One connection and the statements prepared on it.
struct PgConnection {
    PGconn* conn = nullptr;
    std::map<std::string, std::string> prepared;  // SQL as given → statement name
    ~PgConnection() {
        if (conn) PQfinish(conn);
    }
};

class PgStore;
// The connection a thread's open transaction holds, per store (a thread may use two stores: `migrate`).
thread_local std::vector<std::pair<const PgStore*, PgConnection*>> t_in_transaction;

class PgStore final : public Store {
public:
    PgStore(std::string url, int pool_size) : url_(std::move(url)), pool_size_(std::max(1, pool_size)) {}

    Result<std::unique_ptr<PgConnection>> connect() {
        auto c = std::make_unique<PgConnection>();
        c->conn = PQconnectdb(url_.c_str());
        if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
            std::string why = c->conn ? PQerrorMessage(c->conn) : "out of memory";
            while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
            return pg_error("连接数据库", why);
        }
        // The server's NOTICEs (IF NOT EXISTS skipping, …) are not for the operator's terminal.
        PQsetNoticeProcessor(c->conn, [](void*, const char*) {}, nullptr);
        // Times are integers and text is compared byte by byte, whatever the server's defaults say.
        PgResult r(PQexec(c->conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'"));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return pg_error("设置数据库连接", PQerrorMessage(c->conn));
        return c;
    }

    // The first connection: checks the database's encoding and collation, then brings the schema up to date.
    Status open() {
        auto c = connect();
        if (!c) return c.error();
        {
            PgResult r(PQexec(c.value()->conn, "SELECT pg_encoding_to_char(encoding), datcollate FROM pg_database"
                                               " WHERE datname = current_database()"));
            if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1)
                return pg_error("读取数据库设置", PQerrorMessage(c.value()->conn));
            const std::string encoding = PQgetvalue(r.get(), 0, 0), collate = PQgetvalue(r.get(), 0, 1);
            // Receipt numbers, stage codes and township codes sort byte by byte in SQLite; a language collation would
            // sort lists differently on each store (and between servers of different locales).
            if (encoding != "UTF8" || (collate != "C" && collate != "POSIX" && collate.rfind("C.", 0) != 0))
                return Error{"bad_database",
                             "数据库的编码或排序规则不对（" + encoding + "，" + collate +
                                 "）。请这样建库：CREATE DATABASE yimen TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';",
                             ErrorCategory::storage};
        }
        idle_.push_back(std::move(c).value());
        ++open_;
        return migrate();
    }

    Status migrate() {
        Lease lease(*this);
        if (!lease) return lease.error();
        PGconn* conn = lease->conn;
        auto run = [&](const char* sql) -> Status {
            PgResult r(PQexec(conn, sql));
            const auto st = PQresultStatus(r.get());
            if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
                const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
                return pg_error("升级数据库结构", PQerrorMessage(conn), state ? state : "");
            }
            return Ok{};
        };
        // Servers started together migrate one at a time; the second finds the work done.
        if (auto s = run("SELECT pg_advisory_lock(7411000)"); !s) return s;
        struct Unlock {
            PGconn* c;
            ~Unlock() { PQclear(PQexec(c, "SELECT pg_advisory_unlock(7411000)")); }
        } unlock{conn};
        if (auto s = run("CREATE TABLE IF NOT EXISTS yimen_schema(version BIGINT NOT NULL)"); !s) return s;
        PgResult v(PQexec(conn, "SELECT coalesce(max(version), 0) FROM yimen_schema"));
        if (PQresultStatus(v.get()) != PGRES_TUPLES_OK) return pg_error("读取数据库版本", PQerrorMessage(conn));
        const int have = std::atoi(PQgetvalue(v.get(), 0, 0));
        const int want = static_cast<int>(kPgMigrationCount);
        if (have > want) return Error{"schema_too_new", "数据库版本比本程序新，请升级县服务器程序。"};
        for (int version = have; version < want; ++version) {
            if (auto s = run("BEGIN"); !s) return s;
            Status s = run(kPgMigrations[version]);
            if (s) s = run(("INSERT INTO yimen_schema(version) VALUES(" + std::to_string(version + 1) + ")").c_str());
            if (s) s = run("COMMIT");
            if (!s) {
                (void)run("ROLLBACK");
                return s;
            }
        }
        return Ok{};
    }

    // ---- Store ------------------------------------------------------------------------------------------------------

    Status transaction(const std::function<Status()>& fn) override {
        if (current()) return fn();  // already inside one on this thread: part of it
        Lease lease(*this);
        if (!lease) return lease.error();
        if (auto s = simple(lease.get(), "BEGIN"); !s) return s;
        t_in_transaction.push_back({this, lease.get()});
        Status s = fn();
        t_in_transaction.pop_back();
        if (s) s = simple(lease.get(), "COMMIT");
        if (!s) (void)simple(lease.get(), "ROLLBACK");
        return s;
    }

    Status lock_kiosk(const std::string& kiosk) override {
        if (!current()) return Error{"db_error", "lock_kiosk 只能在事务中调用。", ErrorCategory::storage};
        return run("SELECT pg_advisory_xact_lock(7411001, hashtext(?1))", {kiosk});
    }

    Status put_kiosk(const KioskRecord& k) override {
        return run("INSERT INTO kiosks(kiosk_id, township, fingerprint, serial, revoked) VALUES(?1,?2,?3,?4,0)"
                   " ON CONFLICT(kiosk_id) DO UPDATE SET township=?2, fingerprint=?3, serial=?4, revoked=0",
                   {k.kiosk_id, k.township, k.fingerprint, k.serial});
    }
    std::optional<KioskRecord> kiosk_by_fingerprint(const std::string& fp) override { return kiosk_where("fingerprint", fp); }
    std::optional<KioskRecord> kiosk(const std::string& id) override { return kiosk_where("kiosk_id", id); }

    Status set_kiosk_revoked(const std::string& id) override {
        auto n = execute("UPDATE kiosks SET revoked = 1 WHERE kiosk_id = ?1", {id});
        if (!n) return n.error();
        if (*n == 0) return Error{"unknown_kiosk", "没有这台终端：" + id};
        return Ok{};
    }
    Status set_kiosk_clock_flag(const std::string& id, bool flagged) override {
        return run("UPDATE kiosks SET clock_flagged = ?2 WHERE kiosk_id = ?1", {id, std::int64_t{flagged ? 1 : 0}});
    }
    std::vector<KioskRecord> kiosks() override {
        std::vector<KioskRecord> out;
        (void)query(std::string(kKioskColumns) + " ORDER BY kiosk_id", {},
                    [&](const SqlRow& r) { out.push_back(kiosk_row(r)); });
        return out;
    }

    Status put_user(const User& u) override {
        return run("INSERT INTO users(user_id, name, role, township, token_sha256, pin_hash, active, token_expires_ms)"
                   " VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(user_id) DO UPDATE SET name=?2, role=?3, township=?4,"
                   " token_sha256=?5, pin_hash=?6, active=?7, token_expires_ms=?8",
                   {u.user_id, u.name, u.role, u.township, u.token_sha256, u.pin_hash, std::int64_t{u.active ? 1 : 0},
                    u.token_expires_ms});
    }
    std::optional<User> user_by_token(const std::string& token_sha256) override {
        return user_where("token_sha256", token_sha256);
    }
    std::optional<User> user(const std::string& id) override { return user_where("user_id", id); }
    std::vector<User> users() override {
        std::vector<User> out;
        (void)query(std::string(kUserColumns) + " ORDER BY user_id", {}, [&](const SqlRow& r) { out.push_back(user_row(r)); });
        return out;
    }

    Status append_audit(const AuditEntry& a) override {
        return run("INSERT INTO audit_log(at_ms, user_id, action, target, detail) VALUES(?1,?2,?3,?4,?5)",
                   {a.at_ms, a.user_id, a.action, a.target, a.detail});
    }
    std::vector<AuditEntry> audit_entries(std::int64_t after_id, int limit) override {
        std::vector<AuditEntry> out;
        (void)query("SELECT id, at_ms, user_id, action, target, detail FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2",
                    {after_id, std::int64_t{limit}}, [&](const SqlRow& r) {
                        out.push_back({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5)});
                    });
        return out;
    }

    std::optional<StoredEventRow> event(const std::string& kiosk, std::int64_t seq) override {
        std::optional<StoredEventRow> out;
        (void)query("SELECT type, hash, prev_hash, envelope, boot_id, wall_ms, corrected_ms, received_ms, status, reason"
                    " FROM events WHERE kiosk_id = ?1 AND seq = ?2",
                    {kiosk, seq}, [&](const SqlRow& r) {
                        out = StoredEventRow{kiosk, seq, r.text(0), r.text(1), r.text(2), r.text(3), r.text(4),
                                             r.integer(5), r.integer(6), r.integer(7), r.text(8), r.text(9)};
                    });
        return out;
    }
    Status insert_event(const StoredEventRow& e) override {
        return run("INSERT INTO events(kiosk_id, seq, type, hash, prev_hash, envelope, boot_id, wall_ms, corrected_ms,"
                   " received_ms, status, reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
                   {e.kiosk_id, e.seq, e.type, e.hash, e.prev_hash, e.envelope, e.boot_id, e.wall_ms, e.corrected_ms,
                    e.received_ms, e.status, e.reason});
    }
    std::pair<std::int64_t, std::string> checkpoint(const std::string& kiosk) override {
        std::pair<std::int64_t, std::string> out{0, ""};
        (void)query("SELECT seq, hash FROM checkpoints WHERE kiosk_id = ?1", {kiosk},
                    [&](const SqlRow& r) { out = {r.integer(0), r.text(1)}; });
        return out;
    }
    Status set_checkpoint(const std::string& kiosk, std::int64_t seq, const std::string& hash) override {
        return run("INSERT INTO checkpoints(kiosk_id, seq, hash) VALUES(?1,?2,?3)"
                   " ON CONFLICT(kiosk_id) DO UPDATE SET seq=?2, hash=?3",
                   {kiosk, seq, hash});
    }
    std::optional<std::int64_t> boot_offset(const std::string& kiosk, const std::string& boot) override {
        std::optional<std::int64_t> out;
        (void)query("SELECT offset_ms FROM boots WHERE kiosk_id = ?1 AND boot_id = ?2", {kiosk, boot},
                    [&](const SqlRow& r) { out = r.integer(0); });
        return out;
    }
    Status set_boot_offset(const std::string& kiosk, const std::string& boot, std::int64_t offset, UtcMillis at) override {
        return run("INSERT INTO boots(kiosk_id, boot_id, offset_ms, updated_ms) VALUES(?1,?2,?3,?4)"
                   " ON CONFLICT(kiosk_id, boot_id) DO UPDATE SET offset_ms=?3, updated_ms=?4",
                   {kiosk, boot, offset, at});
    }
    std::vector<std::pair<std::string, std::int64_t>> event_counts_by_type(const std::string& township) override {
        std::vector<std::pair<std::string, std::int64_t>> out;
        (void)query("SELECT e.type, count(*) FROM events e WHERE ?1 = '' OR e.kiosk_id IN"
                    " (SELECT kiosk_id FROM kiosks WHERE township = ?1) GROUP BY e.type ORDER BY e.type",
                    {township}, [&](const SqlRow& r) { out.push_back({r.text(0), r.integer(1)}); });
        return out;
    }

    Status insert_application(const ApplicationRow& a) override {
        return run("INSERT INTO applications(receipt_number, programme, township, kiosk_id, channel, operator_id,"
                   " applicant_key, close_relative, id_last4_tag, submitted_ms, payload)"
                   " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
                   {a.receipt_number, a.programme, a.township, a.kiosk_id, a.channel, a.operator_id, a.applicant_key,
                    std::int64_t{a.close_relative ? 1 : 0}, a.id_last4_tag, a.submitted_ms, a.payload.dump()});
    }
    std::optional<ApplicationRow> application(const std::string& receipt) override {
        std::optional<ApplicationRow> out;
        (void)query("SELECT programme, township, kiosk_id, channel, operator_id, applicant_key, close_relative,"
                    " id_last4_tag, submitted_ms, payload FROM applications WHERE receipt_number = ?1",
                    {receipt}, [&](const SqlRow& r) {
                        out = ApplicationRow{receipt,   r.text(0),    r.text(1), r.text(2),
                                             r.text(3), r.text(4),    r.text(5), r.integer(6) != 0,
                                             r.text(7), r.integer(8), json::parse(r.text(9), nullptr, false)};
                    });
        return out;
    }
    Status insert_stage(StageRow& s) override {
        bool got = false;
        const Status result = query("INSERT INTO stage_events(receipt_number, programme, stage, date, actor, reason, fields, documents,"
                       " recorded_ms, source) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) RETURNING id",
                       {s.receipt_number, s.programme, s.stage, s.date, s.actor, s.reason, s.fields.dump(),
                        json(s.documents).dump(), s.recorded_ms, s.source},
                       [&](const SqlRow& r) {
                           s.id = r.integer(0);
                           got = true;
                       });
        if (result && !got) return Error{"db_error", "记录办理环节失败：没有得到编号。", ErrorCategory::storage};
        return result;
    }
    std::vector<StageRow> stages(const std::string& receipt) override {
        std::vector<StageRow> out;
        (void)query("SELECT id, programme, stage, date, actor, reason, fields, documents, recorded_ms, source"
                    " FROM stage_events WHERE receipt_number = ?1 ORDER BY id",
                    {receipt}, [&](const SqlRow& r) {
                        StageRow s;
                        s.id = r.integer(0);
                        s.receipt_number = receipt;
                        s.programme = r.text(1);
                        s.stage = r.text(2);
                        s.date = r.text(3);
                        s.actor = r.text(4);
                        s.reason = r.text(5);
                        s.fields = json::parse(r.text(6), nullptr, false);
                        s.documents = json::parse(r.text(7), nullptr, false).get<std::vector<std::string>>();
                        s.recorded_ms = r.integer(8);
                        s.source = r.text(9);
                        out.push_back(std::move(s));
                    });
        return out;
    }
    Status insert_referral(const std::string& receipt, const std::string& programme, const std::string& township,
                           const std::string& kiosk, UtcMillis at, const json& payload) override {
        return run("INSERT INTO referrals(receipt_number, programme, township, kiosk_id, issued_ms, payload)"
                   " VALUES(?1,?2,?3,?4,?5,?6)",
                   {receipt, programme, township, kiosk, at, payload.dump()});
    }
    std::optional<std::string> referral_township(const std::string& receipt) override {
        std::optional<std::string> out;
        (void)query("SELECT township FROM referrals WHERE receipt_number = ?1", {receipt},
                    [&](const SqlRow& r) { out = r.text(0); });
        return out;
    }
    std::optional<RatingRow> counted_rating(const std::string& receipt) override {
        std::optional<RatingRow> out;
        (void)query("SELECT id, kiosk_id, seq, level, corrected_ms, status, payload FROM ratings"
                    " WHERE receipt_number = ?1 AND status = 'counted'",
                    {receipt}, [&](const SqlRow& r) {
                        out = RatingRow{r.integer(0), r.text(1), r.integer(2), receipt, static_cast<int>(r.integer(3)),
                                        r.integer(4), r.text(5), json::parse(r.text(6), nullptr, false)};
                    });
        return out;
    }
    Status insert_rating(const RatingRow& r) override {
        const auto channel = r.payload.is_object() ? r.payload.find("channel") : r.payload.end();
        return run("INSERT INTO ratings(kiosk_id, seq, receipt_number, level, corrected_ms, status, payload, channel,"
                   " township, programme) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,"
                   " coalesce((SELECT township FROM kiosks WHERE kiosk_id = ?1), ''),"
                   " (SELECT programme FROM applications WHERE receipt_number = ?3))",
                   {r.kiosk_id, r.seq, r.receipt_number.empty() ? SqlParam{nullptr} : SqlParam{r.receipt_number},
                    std::int64_t{r.level}, r.corrected_ms, r.status, r.payload.dump(),
                    channel != r.payload.end() && channel->is_string() ? channel->get<std::string>() : std::string()});
    }
    Status set_rating_status(std::int64_t id, const std::string& status) override {
        return run("UPDATE ratings SET status = ?2 WHERE id = ?1", {id, status});
    }
    Status insert_record(const std::string& type, const std::string& kiosk, std::int64_t seq, const std::string& township,
                         UtcMillis corrected_ms, const json& payload) override {
        return run("INSERT INTO records(type, kiosk_id, seq, township, corrected_ms, payload) VALUES(?1,?2,?3,?4,?5,?6)",
                   {type, kiosk, seq, township, corrected_ms, payload.dump()});
    }
    Status link_complaint(const std::string& complaint_receipt, const std::string& case_receipt) override {
        return run("INSERT INTO complaint_links(complaint_receipt, case_receipt) VALUES(?1,?2) ON CONFLICT DO NOTHING",
                   {complaint_receipt, case_receipt});
    }
    int complaints_about(const std::string& case_receipt) override {
        int n = 0;
        (void)query("SELECT count(*) FROM complaint_links WHERE case_receipt = ?1", {case_receipt},
                    [&](const SqlRow& r) { n = static_cast<int>(r.integer(0)); });
        return n;
    }

    Status append_change(const ChangeRow& c) override {
        return run("INSERT INTO changes(township, kind, key, body) VALUES(?1,?2,?3,?4)",
                   {c.township, c.kind, c.key, c.body.dump()});
    }
    std::vector<ChangeRow> changes_after(const std::string& township, std::int64_t cursor, int limit) override {
        std::vector<ChangeRow> out;
        (void)query("SELECT id, township, kind, key, body FROM changes WHERE id > ?1 AND (township = ?2 OR township = '*')"
                    " ORDER BY id LIMIT ?3",
                    {cursor, township, std::int64_t{limit}}, [&](const SqlRow& r) {
                        out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), json::parse(r.text(4), nullptr, false)});
                    });
        return out;
    }
    std::pair<std::string, int> receipt_high_water(const std::string& kiosk) override {
        std::pair<std::string, int> out{"", 0};
        // Receipt numbers: T TTT KK YYMMDD NNNN C — the day is characters 7–12, the sequence 13–16.
        (void)query("SELECT substr(r, 7, 6) AS day, max(CAST(substr(r, 13, 4) AS BIGINT)) FROM ("
                    " SELECT receipt_number AS r FROM applications WHERE kiosk_id = ?1"
                    " UNION ALL SELECT receipt_number FROM referrals WHERE kiosk_id = ?1"
                    " UNION ALL SELECT payload::json ->> 'receipt_number' FROM records"
                    "   WHERE kiosk_id = ?1 AND type = 'complaint.filed') AS receipts"
                    " WHERE r IS NOT NULL GROUP BY day ORDER BY day DESC LIMIT 1",
                    {kiosk}, [&](const SqlRow& r) {
                        if (r.is_null(0)) return;
                        const std::string d = r.text(0);
                        out = {"20" + d.substr(0, 2) + "-" + d.substr(2, 2) + "-" + d.substr(4, 2),
                               static_cast<int>(r.integer(1))};
                    });
        return out;
    }

    Status raise_alert(const std::string& kind, const std::string& kiosk, const std::string& township,
                       const std::string& detail, UtcMillis at, bool dedupe) override {
        const char* insert =
            "INSERT INTO alerts(kind, kiosk_id, township, detail, created_ms, updated_ms) VALUES(?1,?2,?3,?4,?5,?5)";
        if (!dedupe) return run(insert, {kind, kiosk, township, detail, at});
        auto work = [&]() -> Status {
            // Two servers raising the same condition at once: the lock on the condition makes the second a repeat.
            if (auto s = run("SELECT pg_advisory_xact_lock(7411002, hashtext(?1 || '/' || ?2 || '/' || ?3))",
                             {kind, kiosk, township});
                !s)
                return s;
            auto n = execute("UPDATE alerts SET repeats = repeats + 1, updated_ms = ?5, detail = ?4 WHERE id ="
                             " (SELECT id FROM alerts WHERE kind = ?1 AND kiosk_id = ?2 AND township = ?3"
                             " AND state <> 'resolved' ORDER BY id LIMIT 1)",
                             {kind, kiosk, township, detail, at});
            if (!n) return n.error();
            if (*n > 0) return Ok{};
            return run(insert, {kind, kiosk, township, detail, at});
        };
        return transaction(work);
    }
    std::vector<json> alerts(std::int64_t after_id, int limit, const std::string& township) override {
        std::vector<json> out;
        (void)query("SELECT id, kind, kiosk_id, township, detail, created_ms, state, repeats, updated_ms FROM alerts"
                    " WHERE id > ?1 AND (?3 = '' OR township = ?3) ORDER BY id LIMIT ?2",
                    {after_id, std::int64_t{limit}, township}, [&](const SqlRow& r) {
                        out.push_back({{"id", r.integer(0)}, {"kind", r.text(1)}, {"kiosk_id", r.text(2)},
                                       {"township", r.text(3)}, {"detail", r.text(4)}, {"created_ms", r.integer(5)},
                                       {"state", r.text(6)}, {"repeats", r.integer(7)}, {"updated_ms", r.integer(8)}});
                    });
        return out;
    }
    int failures_since(const std::string& key, UtcMillis since) override {
        int n = 0;
        (void)query("SELECT count(*) FROM rate_failures WHERE key = ?1 AND at_ms >= ?2", {key, since},
                    [&](const SqlRow& r) { n = static_cast<int>(r.integer(0)); });
        return n;
    }
    Status add_failure(const std::string& key, UtcMillis at) override {
        return run("INSERT INTO rate_failures(key, at_ms) VALUES(?1, ?2)", {key, at});
    }
    Status prune_failures(UtcMillis before) override {
        return run("DELETE FROM rate_failures WHERE at_ms < ?1", {before});
    }

    Status query(const std::string& sql, const std::vector<SqlParam>& params,
                 const std::function<void(const SqlRow&)>& on_row) override {
        Lease lease(*this);
        if (!lease) return lease.error();
        auto r = exec(*lease, sql, params);
        if (!r) return r.error();
        const int rows = PQntuples(r->get());
        for (int i = 0; i < rows; ++i) on_row(PgRow(r->get(), i));
        return Ok{};
    }

    Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlParam>& params) override {
        Lease lease(*this);
        if (!lease) return lease.error();
        auto r = exec(*lease, sql, params);
        if (!r) return r.error();
        const char* n = PQcmdTuples(r->get());
        return static_cast<std::int64_t>(n && *n ? std::atoll(n) : 0);
    }

    // pg_dump's custom format (restore with pg_restore): the database's own consistent snapshot, while serving.
    Status backup_to(const std::string& path) override { return run_pg_dump(url_, path); }

private:
    // A connection for this call: the thread's transaction's, or one from the pool until the call ends.
    class Lease {
    public:
        explicit Lease(PgStore& s) : store_(s) {
            if ((conn_ = s.current())) return;
            auto c = s.acquire();
            if (!c) {
                error_ = c.error();
                return;
            }
            owned_ = std::move(c).value();
            conn_ = owned_.get();
        }
        ~Lease() {
            if (owned_) store_.release(std::move(owned_));
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        explicit operator bool() const { return conn_ != nullptr; }
        const Error& error() const { return error_; }
        PgConnection* get() const { return conn_; }
        PgConnection* operator->() const { return conn_; }
        PgConnection& operator*() const { return *conn_; }

    private:
        PgStore& store_;
        PgConnection* conn_ = nullptr;
        std::unique_ptr<PgConnection> owned_;
        Error error_;
    };

    PgConnection* current() const {
        for (auto it = t_in_transaction.rbegin(); it != t_in_transaction.rend(); ++it)
            if (it->first == this) return it->second;
        return nullptr;
    }

    Result<std::unique_ptr<PgConnection>> acquire() {
        std::unique_lock lock(mu_);
        for (;;) {
            if (!idle_.empty()) {
                auto c = std::move(idle_.back());
                idle_.pop_back();
                return c;
            }
            if (open_ < pool_size_) {
                ++open_;
                lock.unlock();
                auto c = connect();
                if (!c) {
                    std::lock_guard again(mu_);
                    --open_;
                    freed_.notify_one();
                }
                return c;
            }
            freed_.wait(lock);
        }
    }

    void release(std::unique_ptr<PgConnection> c) {
        std::lock_guard lock(mu_);
        // A broken connection is dropped (the next acquire opens a fresh one); a good one goes back to the pool.
        if (PQstatus(c->conn) == CONNECTION_OK && PQtransactionStatus(c->conn) == PQTRANS_IDLE) idle_.push_back(std::move(c));
        else --open_;
        freed_.notify_one();
    }

    Status simple(PgConnection* c, const char* sql) {
        PgResult r(PQexec(c->conn, sql));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
            return pg_error("数据库事务", PQerrorMessage(c->conn), state ? state : "");
        }
        return Ok{};
    }

    Result<PgResult> exec(PgConnection& c, const std::string& sql, const std::vector<SqlParam>& params) {
        auto it = c.prepared.find(sql);
        if (it == c.prepared.end()) {
            const std::string name = "y" + std::to_string(c.prepared.size());
            PgResult p(PQprepare(c.conn, name.c_str(), to_pg_placeholders(sql).c_str(), 0, nullptr));
            if (PQresultStatus(p.get()) != PGRES_COMMAND_OK) {
                const char* state = PQresultErrorField(p.get(), PG_DIAG_SQLSTATE);
                return pg_error("准备数据库语句", PQerrorMessage(c.conn), state ? state : "");
            }
            it = c.prepared.emplace(sql, name).first;
        }
        std::vector<std::string> text(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (auto v = std::get_if<std::int64_t>(&params[i])) text[i] = std::to_string(*v);
            else if (auto t = std::get_if<std::string>(&params[i])) text[i] = *t;
            else continue;  // NULL
            values[i] = text[i].c_str();
        }
        PgResult r(PQexecPrepared(c.conn, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                  nullptr, 0));
        const auto st = PQresultStatus(r.get());
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
            return pg_error("数据库操作", PQerrorMessage(c.conn), state ? state : "");
        }
        return r;
    }

    Status run(const std::string& sql, const std::vector<SqlParam>& params) {
        auto n = execute(sql, params);
        if (!n) return n.error();
        return Ok{};
    }

    static constexpr const char* kKioskColumns =
        "SELECT kiosk_id, township, fingerprint, serial, revoked, clock_flagged FROM kiosks";
    static KioskRecord kiosk_row(const SqlRow& r) {
        return KioskRecord{r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4) != 0, r.integer(5) != 0};
    }
    std::optional<KioskRecord> kiosk_where(const char* column, const std::string& value) {
        std::optional<KioskRecord> out;
        (void)query(std::string(kKioskColumns) + " WHERE " + column + " = ?1", {value},
                    [&](const SqlRow& r) { out = kiosk_row(r); });
        return out;
    }

    static constexpr const char* kUserColumns =
        "SELECT user_id, name, role, township, token_sha256, pin_hash, active, token_expires_ms FROM users";
    static User user_row(const SqlRow& r) {
        return User{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.integer(6) != 0, r.integer(7)};
    }
    std::optional<User> user_where(const char* column, const std::string& value) {
        std::optional<User> out;
        (void)query(std::string(kUserColumns) + " WHERE " + column + " = ?1", {value},
                    [&](const SqlRow& r) { out = user_row(r); });
        return out;
    }

    std::string url_;
    int pool_size_;
    std::mutex mu_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<PgConnection>> idle_;
    int open_ = 0;  // connections in the pool or lent out
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, int pool_size) {
    auto store = std::make_unique<PgStore>(url, pool_size);
    if (auto s = store->open(); !s) return s.error();
    return std::unique_ptr<Store>(std::move(store));
}

}  // namespace yimen::county
