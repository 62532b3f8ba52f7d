// store.cpp — the SQLite implementation of Store: one connection, a recursive lock held across each transaction
// (handlers run on several threads), cached prepared statements, and migrations keyed by PRAGMA user_version.
#include "county/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "county/store_migrations.hpp"
#include "base/sqlite.hpp"

namespace yimen::county {
namespace {

using nlohmann::json;

std::string join_docs(const std::vector<std::string>& v) { return json(v).dump(); }

class SqliteStore final : public Store {
public:
    explicit SqliteStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}

    Status migrate() {
        std::lock_guard lock(mu_);
        const int have = db_->user_version();
        const int want = static_cast<int>(kMigrationCount);
        if (have > want) return Error{"schema_too_new", "数据库版本比本程序新，请升级县服务器程序。"};
        for (int v = have; v < want; ++v) {
            auto tx = sqlite::Transaction::begin(*db_);
            if (!tx) return tx.error();
            if (auto s = db_->exec(kMigrations[v]); !s) return s;
            if (auto s = db_->set_user_version(v + 1); !s) return s;
            if (auto s = (*tx)->commit(); !s) return s;
        }
        return Ok{};
    }

    // The figures group and sort large ranges: keep their temporary b-trees in memory and give the page cache room.
    // Long read-only queries get a connection of their own (WAL lets it read while the main one writes), so a figure
    // set never holds up a kiosk's push.
    Status tune(const std::string& path) {
        std::lock_guard lock(mu_);
        if (auto s = db_->exec("PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536"); !s) return s;
        sqlite::OpenOptions ro;
        ro.read_only = true;
        auto r = sqlite::Database::open(path, ro);
        if (!r) return r.error();
        read_db_ = std::move(r).value();
        return read_db_->exec("PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536");
    }

    Status transaction(const std::function<Status()>& fn) override {
        std::lock_guard lock(mu_);
        // Queries from inside the transaction must see its writes: they run on the main connection.
        const std::thread::id outer = tx_owner_.load();
        tx_owner_ = std::this_thread::get_id();
        struct Restore {
            std::atomic<std::thread::id>& owner;
            std::thread::id previous;
            ~Restore() { owner = previous; }
        } restore{tx_owner_, outer};
        auto tx = sqlite::Transaction::begin(*db_);
        if (!tx) return tx.error();
        if (auto s = fn(); !s) return s;  // the Transaction's destructor rolls back
        return (*tx)->commit();
    }

    Status put_kiosk(const KioskRecord& k) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO kiosks(kiosk_id, township, fingerprint, serial, revoked) VALUES(?1,?2,?3,?4,0)"
                        " ON CONFLICT(kiosk_id) DO UPDATE SET township=?2, fingerprint=?3, serial=?4, revoked=0");
        st.bind(1, k.kiosk_id).bind(2, k.township).bind(3, k.fingerprint).bind(4, k.serial);
        return st.run();
    }

    std::optional<KioskRecord> kiosk_by_fingerprint(const std::string& fp) override {
        return kiosk_where("fingerprint", fp);
    }
    std::optional<KioskRecord> kiosk(const std::string& id) override { return kiosk_where("kiosk_id", id); }

    Status set_kiosk_revoked(const std::string& id) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("UPDATE kiosks SET revoked = 1 WHERE kiosk_id = ?1");
        st.bind(1, id);
        if (auto s = st.run(); !s) return s;
        if (sqlite3_changes(db_->raw()) == 0) return Error{"unknown_kiosk", "没有这台终端：" + id};
        return Ok{};
    }

    Status set_kiosk_clock_flag(const std::string& id, bool flagged) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("UPDATE kiosks SET clock_flagged = ?2 WHERE kiosk_id = ?1");
        st.bind(1, id).bind(2, flagged ? 1 : 0);
        return st.run();
    }

    std::vector<KioskRecord> kiosks() override {
        std::lock_guard lock(mu_);
        std::vector<KioskRecord> out;
        auto& st = stmt("SELECT kiosk_id, township, fingerprint, serial, revoked, clock_flagged FROM kiosks ORDER BY kiosk_id");
        while (st.step() == SQLITE_ROW) out.push_back(kiosk_row(st));
        st.reset();
        return out;
    }

    Status put_user(const User& u) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO users(user_id, name, role, township, token_sha256, pin_hash, active, token_expires_ms)"
                        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(user_id) DO UPDATE SET name=?2, role=?3, township=?4,"
                        " token_sha256=?5, pin_hash=?6, active=?7, token_expires_ms=?8");
        st.bind(1, u.user_id).bind(2, u.name).bind(3, u.role).bind(4, u.township).bind(5, u.token_sha256).bind(6, u.pin_hash);
        st.bind(7, u.active ? 1 : 0).bind(8, u.token_expires_ms);
        return st.run();
    }

    std::vector<User> users() override {
        std::lock_guard lock(mu_);
        std::vector<User> out;
        auto& st = stmt(std::string(kUserColumns) + " ORDER BY user_id");
        while (st.step() == SQLITE_ROW) out.push_back(user_row(st));
        st.reset();
        return out;
    }

    Status append_audit(const AuditEntry& a) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO audit_log(at_ms, user_id, action, target, detail) VALUES(?1,?2,?3,?4,?5)");
        st.bind(1, a.at_ms).bind(2, a.user_id).bind(3, a.action).bind(4, a.target).bind(5, a.detail);
        return st.run();
    }

    std::vector<AuditEntry> audit_entries(std::int64_t after_id, int limit) override {
        std::lock_guard lock(mu_);
        std::vector<AuditEntry> out;
        auto& st = stmt("SELECT id, at_ms, user_id, action, target, detail FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2");
        st.bind(1, after_id).bind(2, limit);
        while (st.step() == SQLITE_ROW)
            out.push_back({st.integer(0), st.integer(1), st.text(2), st.text(3), st.text(4), st.text(5)});
        st.reset();
        return out;
    }

    std::optional<User> user_by_token(const std::string& token_sha256) override { return user_where("token_sha256", token_sha256); }
    std::optional<User> user(const std::string& id) override { return user_where("user_id", id); }

    std::optional<StoredEventRow> event(const std::string& kiosk, std::int64_t seq) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT type, hash, prev_hash, envelope, boot_id, wall_ms, corrected_ms, received_ms, status, reason"
                        " FROM events WHERE kiosk_id = ?1 AND seq = ?2");
        st.bind(1, kiosk).bind(2, seq);
        std::optional<StoredEventRow> out;
        if (st.step() == SQLITE_ROW)
            out = StoredEventRow{kiosk, seq, st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.integer(5),
                                 st.integer(6), st.integer(7), st.text(8), st.text(9)};
        st.reset();
        return out;
    }

    Status insert_event(const StoredEventRow& e) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO events(kiosk_id, seq, type, hash, prev_hash, envelope, boot_id, wall_ms, corrected_ms,"
                        " received_ms, status, reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
        st.bind(1, e.kiosk_id).bind(2, e.seq).bind(3, e.type).bind(4, e.hash).bind(5, e.prev_hash).bind(6, e.envelope);
        st.bind(7, e.boot_id).bind(8, e.wall_ms).bind(9, e.corrected_ms).bind(10, e.received_ms).bind(11, e.status);
        st.bind(12, e.reason);
        return st.run();
    }

    std::pair<std::int64_t, std::string> checkpoint(const std::string& kiosk) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT seq, hash FROM checkpoints WHERE kiosk_id = ?1");
        st.bind(1, kiosk);
        std::pair<std::int64_t, std::string> out{0, ""};
        if (st.step() == SQLITE_ROW) out = {st.integer(0), st.text(1)};
        st.reset();
        return out;
    }

    Status set_checkpoint(const std::string& kiosk, std::int64_t seq, const std::string& hash) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO checkpoints(kiosk_id, seq, hash) VALUES(?1,?2,?3)"
                        " ON CONFLICT(kiosk_id) DO UPDATE SET seq=?2, hash=?3");
        st.bind(1, kiosk).bind(2, seq).bind(3, hash);
        return st.run();
    }

    std::optional<std::int64_t> boot_offset(const std::string& kiosk, const std::string& boot) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT offset_ms FROM boots WHERE kiosk_id = ?1 AND boot_id = ?2");
        st.bind(1, kiosk).bind(2, boot);
        std::optional<std::int64_t> out;
        if (st.step() == SQLITE_ROW) out = st.integer(0);
        st.reset();
        return out;
    }

    Status set_boot_offset(const std::string& kiosk, const std::string& boot, std::int64_t offset, UtcMillis at) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO boots(kiosk_id, boot_id, offset_ms, updated_ms) VALUES(?1,?2,?3,?4)"
                        " ON CONFLICT(kiosk_id, boot_id) DO UPDATE SET offset_ms=?3, updated_ms=?4");
        st.bind(1, kiosk).bind(2, boot).bind(3, offset).bind(4, at);
        return st.run();
    }

    std::vector<std::pair<std::string, std::int64_t>> event_counts_by_type(const std::string& township) override {
        std::lock_guard lock(mu_);
        std::vector<std::pair<std::string, std::int64_t>> out;
        auto& st = stmt("SELECT e.type, count(*) FROM events e WHERE ?1 = '' OR e.kiosk_id IN"
                        " (SELECT kiosk_id FROM kiosks WHERE township = ?1) GROUP BY e.type ORDER BY e.type");
        st.bind(1, township);
        while (st.step() == SQLITE_ROW) out.push_back({st.text(0), st.integer(1)});
        st.reset();
        return out;
    }

    Status insert_application(const ApplicationRow& a) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO applications(receipt_number, programme, township, kiosk_id, channel, operator_id,"
                        " applicant_key, close_relative, id_last4_tag, submitted_ms, payload)"
                        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
        st.bind(1, a.receipt_number).bind(2, a.programme).bind(3, a.township).bind(4, a.kiosk_id).bind(5, a.channel);
        st.bind(6, a.operator_id).bind(7, a.applicant_key).bind(8, a.close_relative ? 1 : 0).bind(9, a.id_last4_tag);
        st.bind(10, a.submitted_ms).bind(11, a.payload.dump());
        return st.run();
    }

    std::optional<ApplicationRow> application(const std::string& receipt) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT programme, township, kiosk_id, channel, operator_id, applicant_key, close_relative,"
                        " id_last4_tag, submitted_ms, payload FROM applications WHERE receipt_number = ?1");
        st.bind(1, receipt);
        std::optional<ApplicationRow> out;
        if (st.step() == SQLITE_ROW)
            out = ApplicationRow{receipt,       st.text(0),        st.text(1),    st.text(2),
                                 st.text(3),    st.text(4),        st.text(5),    st.integer(6) != 0,
                                 st.text(7),    st.integer(8),     json::parse(st.text(9), nullptr, false)};
        st.reset();
        return out;
    }

    Status insert_stage(StageRow& s) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO stage_events(receipt_number, programme, stage, date, actor, reason, fields, documents,"
                        " recorded_ms, source) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
        st.bind(1, s.receipt_number).bind(2, s.programme).bind(3, s.stage).bind(4, s.date).bind(5, s.actor);
        st.bind(6, s.reason).bind(7, s.fields.dump()).bind(8, join_docs(s.documents)).bind(9, s.recorded_ms).bind(10, s.source);
        if (auto r = st.run(); !r) return r;
        s.id = sqlite3_last_insert_rowid(db_->raw());
        return Ok{};
    }

    std::vector<StageRow> stages(const std::string& receipt) override {
        std::lock_guard lock(mu_);
        std::vector<StageRow> out;
        auto& st = stmt("SELECT id, programme, stage, date, actor, reason, fields, documents, recorded_ms, source"
                        " FROM stage_events WHERE receipt_number = ?1 ORDER BY id");
        st.bind(1, receipt);
        while (st.step() == SQLITE_ROW) {
            StageRow r;
            r.id = st.integer(0);
            r.receipt_number = receipt;
            r.programme = st.text(1);
            r.stage = st.text(2);
            r.date = st.text(3);
            r.actor = st.text(4);
            r.reason = st.text(5);
            r.fields = json::parse(st.text(6), nullptr, false);
            r.documents = json::parse(st.text(7), nullptr, false).get<std::vector<std::string>>();
            r.recorded_ms = st.integer(8);
            r.source = st.text(9);
            out.push_back(std::move(r));
        }
        st.reset();
        return out;
    }

    Status insert_referral(const std::string& receipt, const std::string& programme, const std::string& township,
                           const std::string& kiosk, UtcMillis at, const json& payload) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO referrals(receipt_number, programme, township, kiosk_id, issued_ms, payload)"
                        " VALUES(?1,?2,?3,?4,?5,?6)");
        st.bind(1, receipt).bind(2, programme).bind(3, township).bind(4, kiosk).bind(5, at).bind(6, payload.dump());
        return st.run();
    }

    std::optional<std::string> referral_township(const std::string& receipt) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT township FROM referrals WHERE receipt_number = ?1");
        st.bind(1, receipt);
        std::optional<std::string> out;
        if (st.step() == SQLITE_ROW) out = st.text(0);
        st.reset();
        return out;
    }

    std::optional<RatingRow> counted_rating(const std::string& receipt) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT id, kiosk_id, seq, level, corrected_ms, status, payload FROM ratings"
                        " WHERE receipt_number = ?1 AND status = 'counted'");
        st.bind(1, receipt);
        std::optional<RatingRow> out;
        if (st.step() == SQLITE_ROW)
            out = RatingRow{st.integer(0), st.text(1), st.integer(2), receipt, static_cast<int>(st.integer(3)),
                            st.integer(4), st.text(5), json::parse(st.text(6), nullptr, false)};
        st.reset();
        return out;
    }

    Status insert_rating(const RatingRow& r) override {
        std::lock_guard lock(mu_);
        // The kiosk's township and the rated case's programme are kept on the row for the figures (no joins).
        auto& st = stmt("INSERT INTO ratings(kiosk_id, seq, receipt_number, level, corrected_ms, status, payload, channel,"
                        " township, programme) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,"
                        " coalesce((SELECT township FROM kiosks WHERE kiosk_id = ?1), ''),"
                        " (SELECT programme FROM applications WHERE receipt_number = ?3))");
        st.bind(1, r.kiosk_id).bind(2, r.seq);
        if (r.receipt_number.empty()) st.bind_null(3);
        else st.bind(3, r.receipt_number);
        st.bind(4, r.level).bind(5, r.corrected_ms).bind(6, r.status).bind(7, r.payload.dump());
        const auto channel = r.payload.is_object() ? r.payload.find("channel") : r.payload.end();
        st.bind(8, channel != r.payload.end() && channel->is_string() ? channel->get<std::string>() : std::string());
        return st.run();
    }

    Status set_rating_status(std::int64_t id, const std::string& status) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("UPDATE ratings SET status = ?2 WHERE id = ?1");
        st.bind(1, id).bind(2, status);
        return st.run();
    }

    Status insert_record(const std::string& type, const std::string& kiosk, std::int64_t seq, const std::string& township,
                         UtcMillis corrected_ms, const json& payload) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO records(type, kiosk_id, seq, township, corrected_ms, payload) VALUES(?1,?2,?3,?4,?5,?6)");
        st.bind(1, type).bind(2, kiosk).bind(3, seq).bind(4, township).bind(5, corrected_ms).bind(6, payload.dump());
        return st.run();
    }

    Status link_complaint(const std::string& complaint_receipt, const std::string& case_receipt) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT OR IGNORE INTO complaint_links(complaint_receipt, case_receipt) VALUES(?1,?2)");
        st.bind(1, complaint_receipt).bind(2, case_receipt);
        return st.run();
    }

    int complaints_about(const std::string& case_receipt) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT count(*) FROM complaint_links WHERE case_receipt = ?1");
        st.bind(1, case_receipt);
        // Reset before returning: a statement left on a row keeps a read transaction open on the main connection,
        // and after any other process writes (county-server users add while serving) its writes fail as "locked".
        const int n = st.step() == SQLITE_ROW ? static_cast<int>(st.integer(0)) : 0;
        st.reset();
        return n;
    }

    Status append_change(const ChangeRow& c) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO changes(township, kind, key, body) VALUES(?1,?2,?3,?4)");
        st.bind(1, c.township).bind(2, c.kind).bind(3, c.key).bind(4, c.body.dump());
        return st.run();
    }

    std::vector<ChangeRow> changes_after(const std::string& township, std::int64_t cursor, int limit) override {
        std::lock_guard lock(mu_);
        std::vector<ChangeRow> out;
        auto& st = stmt("SELECT id, township, kind, key, body FROM changes WHERE id > ?1 AND (township = ?2 OR township = '*')"
                        " ORDER BY id LIMIT ?3");
        st.bind(1, cursor).bind(2, township).bind(3, limit);
        while (st.step() == SQLITE_ROW)
            out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3), json::parse(st.text(4), nullptr, false)});
        st.reset();
        return out;
    }

    std::pair<std::string, int> receipt_high_water(const std::string& kiosk) override {
        std::lock_guard lock(mu_);
        // Receipt numbers: T TTT KK YYMMDD NNNN C — the day is characters 7–12, the sequence 13–16.
        auto& st = stmt(
            "SELECT substr(r, 7, 6) AS day, max(CAST(substr(r, 13, 4) AS INTEGER)) FROM ("
            " SELECT receipt_number AS r FROM applications WHERE kiosk_id = ?1"
            " UNION ALL SELECT receipt_number FROM referrals WHERE kiosk_id = ?1"
            " UNION ALL SELECT json_extract(payload, '$.receipt_number') FROM records"
            "   WHERE kiosk_id = ?1 AND type = 'complaint.filed')"
            " GROUP BY day ORDER BY day DESC LIMIT 1");
        st.bind(1, kiosk);
        std::pair<std::string, int> out{"", 0};
        if (st.step() == SQLITE_ROW && !st.is_null(0)) {
            const std::string d = st.text(0);
            out = {"20" + d.substr(0, 2) + "-" + d.substr(2, 2) + "-" + d.substr(4, 2), static_cast<int>(st.integer(1))};
        }
        st.reset();
        return out;
    }

    Status raise_alert(const std::string& kind, const std::string& kiosk, const std::string& township,
                       const std::string& detail, UtcMillis at, bool dedupe) override {
        std::lock_guard lock(mu_);
        if (!dedupe) {
            auto& st = stmt("INSERT INTO alerts(kind, kiosk_id, township, detail, created_ms, updated_ms) VALUES(?1,?2,?3,?4,?5,?5)");
            st.bind(1, kind).bind(2, kiosk).bind(3, township).bind(4, detail).bind(5, at);
            return st.run();
        }
        auto& again = stmt("UPDATE alerts SET repeats = repeats + 1, updated_ms = ?5, detail = ?4 WHERE id ="
                           " (SELECT id FROM alerts WHERE kind = ?1 AND kiosk_id = ?2 AND township = ?3"
                           " AND state <> 'resolved' ORDER BY id LIMIT 1)");
        again.bind(1, kind).bind(2, kiosk).bind(3, township).bind(4, detail).bind(5, at);
        if (auto s = again.run(); !s) return s;
        if (sqlite3_changes(db_->raw()) > 0) return Ok{};
        auto& st = stmt("INSERT INTO alerts(kind, kiosk_id, township, detail, created_ms, updated_ms) VALUES(?1,?2,?3,?4,?5,?5)");
        st.bind(1, kind).bind(2, kiosk).bind(3, township).bind(4, detail).bind(5, at);
        return st.run();
    }

    std::vector<json> alerts(std::int64_t after_id, int limit, const std::string& township) override {
        std::lock_guard lock(mu_);
        std::vector<json> out;
        auto& st = stmt("SELECT id, kind, kiosk_id, township, detail, created_ms, state, repeats, updated_ms FROM alerts"
                        " WHERE id > ?1 AND (?3 = '' OR township = ?3) ORDER BY id LIMIT ?2");
        st.bind(1, after_id).bind(2, limit).bind(3, township);
        while (st.step() == SQLITE_ROW)
            out.push_back({{"id", st.integer(0)}, {"kind", st.text(1)}, {"kiosk_id", st.text(2)}, {"township", st.text(3)},
                           {"detail", st.text(4)}, {"created_ms", st.integer(5)}, {"state", st.text(6)},
                           {"repeats", st.integer(7)}, {"updated_ms", st.integer(8)}});
        st.reset();
        return out;
    }

    int failures_since(const std::string& key, UtcMillis since) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("SELECT count(*) FROM rate_failures WHERE key = ?1 AND at_ms >= ?2");
        st.bind(1, key).bind(2, since);
        const int n = st.step() == SQLITE_ROW ? static_cast<int>(st.integer(0)) : 0;
        st.reset();
        return n;
    }

    Status add_failure(const std::string& key, UtcMillis at) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("INSERT INTO rate_failures(key, at_ms) VALUES(?1, ?2)");
        st.bind(1, key).bind(2, at);
        return st.run();
    }

    Status prune_failures(UtcMillis before) override {
        std::lock_guard lock(mu_);
        auto& st = stmt("DELETE FROM rate_failures WHERE at_ms < ?1");
        st.bind(1, before);
        return st.run();
    }

    Status backup_to(const std::string& path) override {
        std::lock_guard lock(mu_);
        // The copy holds names and ID numbers: create it 0600 before SQLite writes a byte (umask cannot widen it).
        {
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
            if (fd < 0) return Error{"backup_failed", "无法创建备份文件：" + path + "（请检查目录是否存在、是否可写）"};
            const bool ok = ::fchmod(fd, 0600) == 0;
            ::close(fd);
            if (!ok) return Error{"backup_failed", "无法设置备份文件权限：" + path};
        }
        sqlite3* dest = nullptr;
        if (sqlite3_open(path.c_str(), &dest) != SQLITE_OK) {
            sqlite3_close(dest);
            return Error{"backup_failed", "无法创建备份文件：" + path};
        }
        sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_->raw(), "main");
        int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
        if (b) sqlite3_backup_finish(b);
        const bool ok = rc == SQLITE_DONE;
        sqlite3_close(dest);
        if (!ok) return Error{"backup_failed", "备份未完成：" + path};
        return Ok{};
    }

    Status query(const std::string& sql, const std::vector<SqlParam>& params,
                 const std::function<void(const SqlRow&)>& on_row) override {
        if (read_db_ && tx_owner_.load() != std::this_thread::get_id()) {
            std::lock_guard lock(read_mu_);
            auto it = read_cache_.find(sql);
            if (it == read_cache_.end())
                it = read_cache_.emplace(sql, std::make_unique<sqlite::Statement>(read_db_->prepare(sql))).first;
            return run_query(*read_db_, *it->second, params, on_row);
        }
        std::lock_guard lock(mu_);
        return run_query(*db_, stmt(sql), params, on_row);
    }

    Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlParam>& params) override {
        std::lock_guard lock(mu_);
        auto& st = stmt(sql);
        if (!st.ok()) return db_->error("统计写入");
        bind_all(st, params);
        if (auto s = st.run(); !s) return s.error();
        return static_cast<std::int64_t>(sqlite3_changes(db_->raw()));
    }

private:
    static Status run_query(sqlite::Database& db, sqlite::Statement& st, const std::vector<SqlParam>& params,
                            const std::function<void(const SqlRow&)>& on_row) {
        if (!st.ok()) return db.error("统计查询");
        st.reset();
        bind_all(st, params);
        StatementRow row(st);
        int rc = 0;
        while ((rc = st.step()) == SQLITE_ROW) on_row(row);
        st.reset();
        if (rc != SQLITE_DONE) return db.error("统计查询");
        return Ok{};
    }

    class StatementRow final : public SqlRow {
    public:
        explicit StatementRow(sqlite::Statement& st) : st_(st) {}
        std::string text(int col) const override { return st_.text(col); }
        std::int64_t integer(int col) const override { return st_.integer(col); }
        double real(int col) const override { return st_.real(col); }
        bool is_null(int col) const override { return st_.is_null(col); }

    private:
        sqlite::Statement& st_;
    };

    static void bind_all(sqlite::Statement& st, const std::vector<SqlParam>& params) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int n = static_cast<int>(i) + 1;
            if (auto v = std::get_if<std::int64_t>(&params[i])) st.bind(n, *v);
            else if (auto t = std::get_if<std::string>(&params[i])) st.bind(n, *t);
            else st.bind_null(n);
        }
    }

    sqlite::Statement& stmt(const std::string& sql) {
        auto it = cache_.find(sql);
        if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<sqlite::Statement>(db_->prepare(sql))).first;
        it->second->reset();
        return *it->second;
    }

    static KioskRecord kiosk_row(sqlite::Statement& st) {
        return KioskRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.integer(4) != 0, st.integer(5) != 0};
    }

    std::optional<KioskRecord> kiosk_where(const char* column, const std::string& value) {
        std::lock_guard lock(mu_);
        auto& st = stmt(std::string("SELECT kiosk_id, township, fingerprint, serial, revoked, clock_flagged FROM kiosks WHERE ") +
                        column + " = ?1");
        st.bind(1, value);
        std::optional<KioskRecord> out;
        if (st.step() == SQLITE_ROW) out = kiosk_row(st);
        st.reset();
        return out;
    }

    static constexpr const char* kUserColumns =
        "SELECT user_id, name, role, township, token_sha256, pin_hash, active, token_expires_ms FROM users";

    static User user_row(sqlite::Statement& st) {
        return User{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.integer(6) != 0, st.integer(7)};
    }

    std::optional<User> user_where(const char* column, const std::string& value) {
        std::lock_guard lock(mu_);
        auto& st = stmt(std::string(kUserColumns) + " WHERE " + column + " = ?1");
        st.bind(1, value);
        std::optional<User> out;
        if (st.step() == SQLITE_ROW) out = user_row(st);
        st.reset();
        return out;
    }

    std::recursive_mutex mu_;
    std::unique_ptr<sqlite::Database> db_;
    std::map<std::string, std::unique_ptr<sqlite::Statement>> cache_;
    std::atomic<std::thread::id> tx_owner_{};    // the thread inside transaction(), if any
    std::mutex read_mu_;                         // the read-only connection for plain queries outside transactions
    std::unique_ptr<sqlite::Database> read_db_;
    std::map<std::string, std::unique_ptr<sqlite::Statement>> read_cache_;
};

}  // namespace

Status Store::insert_chain_signature(const ChainSignatureRow& s) {
    auto done = execute(
        "INSERT INTO chain_signatures(kiosk_id, seq, hash, alg, value, signer_certificate, received_ms)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(kiosk_id, seq) DO NOTHING",
        {s.kiosk_id, s.seq, s.hash, s.alg, s.value, s.signer_certificate, s.received_ms});
    if (!done) return done.error();
    return Ok{};
}

std::vector<ChainSignatureRow> Store::chain_signatures(const std::string& kiosk) {
    std::vector<ChainSignatureRow> out;
    (void)query("SELECT kiosk_id, seq, hash, alg, value, signer_certificate, received_ms FROM chain_signatures"
                " WHERE kiosk_id = ?1 ORDER BY seq",
                {kiosk}, [&](const SqlRow& r) {
                    out.push_back({r.text(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5), r.integer(6)});
                });
    return out;
}

Result<std::unique_ptr<Store>> open_sqlite_store_read_only(const std::string& path) {
    if (!std::filesystem::is_regular_file(path))
        return Error{"no_store", "没有找到县服务器数据库 " + path + "。请检查 --dir。", ErrorCategory::not_found};
    sqlite::OpenOptions ro;
    ro.read_only = true;
    auto db = sqlite::Database::open(path, ro);
    if (!db) return db.error();
    if ((*db)->user_version() > static_cast<int>(kMigrationCount))
        return Error{"schema_too_new", "数据库版本比本程序新，请升级县服务器程序。"};
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db).value()));
}

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
    auto db = sqlite::Database::open(path);
    if (!db) return db.error();
    // Applications hold names and ID numbers: only the service account may read the store.
    ::chmod(path.c_str(), 0600);
    auto store = std::make_unique<SqliteStore>(std::move(db).value());
    if (auto s = store->migrate(); !s) return s.error();
    if (auto s = store->tune(path); !s) return s.error();
    return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> open_county_store(const std::string& dir, const std::string& url, int pool_size) {
    if (url.empty()) return open_sqlite_store(dir + "/county.db");
    if (url.rfind("sqlite:", 0) == 0) return open_sqlite_store(url.substr(7));
    if (is_postgres_url(url)) return open_postgres_store(url, pool_size);
    return Error{"bad_store_url",
                 "[store] url 须为 postgresql://用户@主机:端口/库名 或 sqlite:路径（留空即本目录的 county.db）：" + url,
                 ErrorCategory::invalid_input};
}

}  // namespace yimen::county
