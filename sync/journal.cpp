// journal.cpp — the chain lives in one table; the envelope column holds the exact canonical bytes that were hashed.
#include "sync/journal.hpp"

#include <time.h>

#include <fstream>

#include "base/canonical_json.hpp"
#include "sync/sealed_payload.hpp"

namespace yimen::sync {

using nlohmann::json;
namespace rec = yimen::records;

SystemBootClock::SystemBootClock() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::getline(in, boot_id_);
    if (boot_id_.empty()) boot_id_ = "unknown-boot";
}

std::int64_t SystemBootClock::uptime_ms() const {
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

namespace {

constexpr int kJournalTablesSchema = 1;  // the layout of these tables, not the events' schema

const char* kCreate = R"sql(
CREATE TABLE IF NOT EXISTS journal_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal_events(
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  wall_time TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  envelope TEXT NOT NULL,
  acknowledged INTEGER NOT NULL DEFAULT 0,
  acknowledged_at INTEGER,
  quarantined INTEGER NOT NULL DEFAULT 0,
  quarantine_code TEXT,
  quarantine_message TEXT,
  redacted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS journal_pending ON journal_events(acknowledged, quarantined, seq);
CREATE TABLE IF NOT EXISTS receipt_counters(day TEXT PRIMARY KEY, last INTEGER NOT NULL);
)sql";

Result<StoredEvent> row_to_event(sqlite::Statement& st) {
    StoredEvent e;
    e.canonical = st.text(0);
    json j = json::parse(e.canonical, nullptr, false);
    auto env = rec::envelope_from_json(j);
    if (!env) return Error{"journal_corrupt", "终端记录已损坏（序号 " + std::to_string(st.integer(4)) + "），请联系县民政局信息科。"};
    e.envelope = std::move(env).value();
    e.acknowledged = st.integer(1) != 0;
    e.quarantined = st.integer(2) != 0;
    e.redacted = st.integer(3) != 0;
    return e;
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(sqlite::Database& db, const std::string& kiosk_id, const Clock& clock,
                                               const BootClock& boot) {
    if (auto s = db.exec(kCreate); !s) return s.error();
    auto get = db.prepare("SELECT value FROM journal_meta WHERE key = ?1");
    get.bind(1, std::string("kiosk_id"));
    if (get.step() == SQLITE_ROW) {
        if (get.text(0) != kiosk_id)
            return Error{"kiosk_mismatch", "此数据库属于终端 " + get.text(0) + "，不能作为终端 " + kiosk_id + " 使用。"};
    } else {
        auto put = db.prepare("INSERT INTO journal_meta(key, value) VALUES('kiosk_id', ?1), ('schema', ?2)");
        put.bind(1, kiosk_id).bind(2, std::to_string(kJournalTablesSchema));
        if (auto s = put.run(); !s) return s.error();
    }
    std::unique_ptr<Journal> j(new Journal(db, kiosk_id, clock, boot));
    if (auto s = j->drop_salted_hashes(); !s) return s.error();
    return j;
}

void Journal::set_sealing_key(std::optional<seal::SealingPublicKey> key) {
    std::lock_guard lock(key_mutex_);
    sealing_key_ = std::move(key);
}

std::optional<std::string> Journal::sealing_key_id() const {
    std::lock_guard lock(key_mutex_);
    return sealing_key_ ? std::optional<std::string>(sealing_key_->id) : std::nullopt;
}

Result<int> Journal::strip_personal(sqlite::Statement& selected, bool mark_redacted) {
    std::vector<std::pair<std::int64_t, std::string>> updates;
    while (selected.step() == SQLITE_ROW) {
        auto e = row_to_event(selected);
        if (!e) return e.error();
        json j = json::parse(e->canonical);
        j["payload"] = drop_personal(e->envelope.type, j["payload"]);
        auto canon = canonical_json(j);
        if (!canon) return canon.error();
        updates.push_back({e->envelope.seq, *canon});
    }
    auto up = db_.prepare(mark_redacted ? "UPDATE journal_events SET envelope = ?2, redacted = 1 WHERE seq = ?1"
                                        : "UPDATE journal_events SET envelope = ?2 WHERE seq = ?1");
    for (auto& [seq, text] : updates) {
        up.bind(1, seq).bind(2, text);
        if (auto s = up.run(); !s) return s.error();
        up.reset();
    }
    return static_cast<int>(updates.size());
}

Status Journal::drop_salted_hashes() {
    if (!db_.scalar("SELECT count(*) FROM journal_meta WHERE key = 'retention_salt'").value_or(0)) return Ok{};
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto st = db_.prepare("SELECT envelope, acknowledged, quarantined, redacted, seq FROM journal_events WHERE redacted = 1");
    if (auto n = strip_personal(st, false); !n) return n.error();
    if (auto s = db_.exec("DELETE FROM journal_meta WHERE key = 'retention_salt'"); !s) return s;
    return (*tx)->commit();
}

std::int64_t Journal::last_seq() { return db_.scalar("SELECT max(seq) FROM journal_events").value_or(0); }

std::string Journal::last_hash() {
    auto st = db_.prepare("SELECT hash FROM journal_events ORDER BY seq DESC LIMIT 1");
    return st.step() == SQLITE_ROW ? st.text(0) : rec::kZeroHash;
}

Result<rec::Envelope> Journal::insert(const std::string& type, const rec::Actor& actor, const json& payload,
                                      std::int64_t seq, const std::string& prev_hash, const std::string& wall_time,
                                      const std::string& boot_id, std::int64_t uptime, int schema) {
    rec::Envelope e;
    e.kiosk_id = kiosk_id_;
    e.schema = schema;
    e.seq = seq;
    e.type = type;
    e.wall_time = wall_time;
    e.boot_id = boot_id;
    e.uptime_ms = uptime;
    e.actor = actor;
    e.payload = payload;
    auto sealed = rec::seal(std::move(e), prev_hash);
    if (!sealed) return sealed.error();
    auto canon = canonical_json(rec::to_json_value(*sealed));
    if (!canon) return canon.error();
    auto st = db_.prepare(
        "INSERT INTO journal_events(seq, type, wall_time, prev_hash, hash, envelope) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    st.bind(1, seq).bind(2, type).bind(3, sealed->wall_time).bind(4, sealed->prev_hash).bind(5, sealed->hash).bind(6, *canon);
    if (auto s = st.run(); !s) return s.error();
    return sealed;
}

Result<rec::Envelope> Journal::append(sqlite::Transaction& tx, const std::string& type, const rec::Actor& actor,
                                      const json& payload) {
    if (&tx.db() != &db_) return Error{"wrong_transaction", "记录必须在同一个数据库事务中写入。"};
    auto key = [&] {
        std::lock_guard lock(key_mutex_);
        return sealing_key_;
    }();
    json written = payload;
    int schema = kSchemaClear;
    if (key) {
        auto sealed = seal_payload(type, payload, *key);
        if (!sealed) return sealed.error();
        written = std::move(sealed).value();
        schema = kSchemaSealed;
    }
    return insert(type, actor, written, last_seq() + 1, last_hash(), format_rfc3339(clock_.now_utc_ms()),
                  boot_.boot_id(), boot_.uptime_ms(), schema);
}

Result<std::vector<StoredEvent>> Journal::events_after(std::int64_t after_seq, int max_count, std::size_t max_bytes) {
    std::vector<StoredEvent> out;
    auto st = db_.prepare(
        "SELECT envelope, acknowledged, quarantined, redacted, seq FROM journal_events WHERE seq > ?1"
        " ORDER BY seq LIMIT ?2");
    st.bind(1, after_seq).bind(2, max_count);
    std::size_t bytes = 0;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        auto e = row_to_event(st);
        if (!e) return e.error();
        if (!out.empty() && bytes + e->canonical.size() > max_bytes) break;
        bytes += e->canonical.size();
        out.push_back(std::move(e).value());
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_.error("读取待上传记录");
    return out;
}

Result<StoredEvent> Journal::event(std::int64_t seq) {
    auto st = db_.prepare("SELECT envelope, acknowledged, quarantined, redacted, seq FROM journal_events WHERE seq = ?1");
    st.bind(1, seq);
    if (st.step() != SQLITE_ROW) return Error{"not_found", "没有序号为 " + std::to_string(seq) + " 的记录。"};
    return row_to_event(st);
}

Status Journal::mark_acknowledged(std::int64_t through_seq) {
    auto st = db_.prepare(
        "UPDATE journal_events SET acknowledged = 1, acknowledged_at = ?2 WHERE seq <= ?1 AND acknowledged = 0");
    st.bind(1, through_seq).bind(2, clock_.now_utc_ms());
    return st.run();
}

Status Journal::quarantine(std::int64_t seq, const std::string& code, const std::string& message) {
    auto st = db_.prepare(
        "UPDATE journal_events SET quarantined = 1, quarantine_code = ?2, quarantine_message = ?3 WHERE seq = ?1");
    st.bind(1, seq).bind(2, code).bind(3, message);
    return st.run();
}

std::vector<QuarantinedEvent> Journal::quarantined() {
    std::vector<QuarantinedEvent> out;
    auto st = db_.prepare(
        "SELECT seq, type, quarantine_code, quarantine_message FROM journal_events WHERE quarantined = 1 ORDER BY seq");
    while (st.step() == SQLITE_ROW) out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3)});
    return out;
}

JournalCounts Journal::counts() {
    JournalCounts c;
    auto st = db_.prepare(
        "SELECT count(*), coalesce(sum(acknowledged = 0 AND quarantined = 0), 0), coalesce(sum(quarantined), 0),"
        " coalesce(max(seq), 0), coalesce(max(CASE WHEN acknowledged = 1 THEN seq END), 0),"
        " (SELECT wall_time FROM journal_events WHERE acknowledged = 0 AND quarantined = 0 ORDER BY seq LIMIT 1)"
        " FROM journal_events");
    if (st.step() == SQLITE_ROW) {
        c.total = st.integer(0);
        c.unacknowledged = st.integer(1);
        c.quarantined = st.integer(2);
        c.last_seq = st.integer(3);
        c.acknowledged_through = st.integer(4);
        if (!st.is_null(5))
            if (auto t = parse_rfc3339(st.text(5))) c.oldest_unsent_wall_ms = *t;
    }
    return c;
}

Result<rec::Envelope> Journal::rebase(std::int64_t server_checkpoint, const std::string& server_hash) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    const std::int64_t local_last = last_seq();
    const std::int64_t acked = db_.scalar("SELECT coalesce(max(seq), 0) FROM journal_events WHERE acknowledged = 1").value_or(0);
    // The caller decides that the kiosk is behind (checkpoint beyond the local journal, or the server holds other
    // events at our unsent sequence numbers); a checkpoint the acknowledged events already cover needs nothing.
    if (server_checkpoint <= acked) return Error{"not_behind", "终端记录没有落后于县服务器，无需重新衔接。"};
    // Unacknowledged events were never accepted by the server: take them out and append them again after the rebase.
    std::vector<StoredEvent> pending;
    {
        auto st = db_.prepare(
            "SELECT envelope, acknowledged, quarantined, redacted, seq FROM journal_events WHERE acknowledged = 0 ORDER BY seq");
        while (st.step() == SQLITE_ROW) {
            auto e = row_to_event(st);
            if (!e) return e.error();
            pending.push_back(std::move(e).value());
        }
    }
    if (auto s = db_.exec("DELETE FROM journal_events WHERE acknowledged = 0"); !s) return s.error();
    rec::JournalRebased payload{server_checkpoint, local_last, "终端从备份恢复，记录落后于县服务器"};
    auto rebased = insert(rec::type::journal_rebased, {"system", ""}, payload, server_checkpoint + 1, server_hash,
                          format_rfc3339(clock_.now_utc_ms()), boot_.boot_id(), boot_.uptime_ms(),
                          sealing_key_id() ? kSchemaSealed : kSchemaClear);
    if (!rebased) return rebased.error();
    std::string prev = rebased->hash;
    std::int64_t seq = rebased->seq;
    for (auto& p : pending) {
        const auto& e = p.envelope;
        auto moved = insert(e.type, e.actor, e.payload, ++seq, prev, e.wall_time, e.boot_id, e.uptime_ms, e.schema);
        if (!moved) return moved.error();
        prev = moved->hash;
    }
    // Events at or below the checkpoint are the server's now; the local copies (if any) are acknowledged.
    auto st = db_.prepare("UPDATE journal_events SET acknowledged = 1 WHERE seq <= ?1");
    st.bind(1, server_checkpoint);
    if (auto s = st.run(); !s) return s.error();
    if (auto s = (*tx)->commit(); !s) return s.error();
    return rebased;
}

Result<int> Journal::apply_retention(int days) {
    const UtcMillis cutoff = clock_.now_utc_ms() - static_cast<std::int64_t>(days) * 86'400'000;
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto st = db_.prepare(
        "SELECT envelope, acknowledged, quarantined, redacted, seq FROM journal_events"
        " WHERE acknowledged = 1 AND redacted = 0 AND acknowledged_at <= ?1");
    st.bind(1, cutoff);
    auto n = strip_personal(st, true);
    if (!n) return n.error();
    if (auto s = (*tx)->commit(); !s) return s.error();
    return n;
}

Status Journal::verify_chain() {
    auto st = db_.prepare("SELECT envelope, acknowledged, quarantined, redacted, seq, prev_hash, hash FROM journal_events ORDER BY seq");
    std::string prev;
    std::int64_t prev_seq = 0;
    while (st.step() == SQLITE_ROW) {
        const std::int64_t seq = st.integer(4);
        auto e = row_to_event(st);
        if (!e) return e.error();
        const bool rebased = e->envelope.type == rec::type::journal_rebased;
        if (prev_seq != 0 && !rebased && (seq != prev_seq + 1 || st.text(5) != prev))
            return Error{"chain_broken", "终端记录链在序号 " + std::to_string(seq) + " 处断开。"};
        if (!e->redacted && !rec::hash_matches(json::parse(e->canonical)))
            return Error{"chain_broken", "终端记录序号 " + std::to_string(seq) + " 的内容与其哈希不符。"};
        if (e->envelope.hash != st.text(6)) return Error{"chain_broken", "终端记录序号 " + std::to_string(seq) + " 的哈希不一致。"};
        prev = st.text(6);
        prev_seq = seq;
    }
    return Ok{};
}

Result<std::unique_ptr<ReceiptCounter>> ReceiptCounter::open(sqlite::Database& db) {
    if (auto s = db.exec(kCreate); !s) return s.error();
    return std::unique_ptr<ReceiptCounter>(new ReceiptCounter(db));
}

Result<int> ReceiptCounter::next(sqlite::Transaction& tx, CivilDate day) {
    if (&tx.db() != &db_) return Error{"wrong_transaction", "回执编号必须在同一个数据库事务中分配。"};
    auto up = db_.prepare(
        "INSERT INTO receipt_counters(day, last) VALUES(?1, 1) ON CONFLICT(day) DO UPDATE SET last = last + 1"
        " RETURNING last");
    up.bind(1, day.iso());
    if (up.step() != SQLITE_ROW) return db_.error("分配回执编号");
    const auto n = up.integer(0);
    up.reset();
    if (n > 9999) return Error{"sequence_exhausted", "本终端今日回执编号已用完，请联系工作人员。"};
    return static_cast<int>(n);
}

Status ReceiptCounter::raise_to(CivilDate day, int at_least) {
    auto st = db_.prepare(
        "INSERT INTO receipt_counters(day, last) VALUES(?1, ?2) ON CONFLICT(day) DO UPDATE SET last = max(last, ?2)");
    st.bind(1, day.iso()).bind(2, at_least);
    return st.run();
}

int ReceiptCounter::current(CivilDate day) {
    auto st = db_.prepare("SELECT last FROM receipt_counters WHERE day = ?1");
    st.bind(1, day.iso());
    return st.step() == SQLITE_ROW ? static_cast<int>(st.integer(0)) : 0;
}

}  // namespace yimen::sync
