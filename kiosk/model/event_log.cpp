// event_log.cpp — EventLog over sync::Journal, or the interim local chain (see event_log.hpp).
#include "kiosk/model/event_log.hpp"

namespace yimen::kiosk {
namespace {

#ifdef YIMEN_KIOSK_HAVE_SYNC
class SyncEventLog final : public EventLog {
public:
    SyncEventLog(std::unique_ptr<sync::BootClock> boot, std::unique_ptr<sync::Journal> j,
                 std::unique_ptr<sync::ReceiptCounter> c)
        : boot_(std::move(boot)), journal_(std::move(j)), counter_(std::move(c)) {}
    Result<records::Envelope> append(sqlite::Transaction& tx, const std::string& type, const records::Actor& actor,
                                     const nlohmann::json& payload) override {
        return journal_->append(tx, type, actor, payload);
    }
    Result<int> next_receipt_sequence(sqlite::Transaction& tx, CivilDate day) override { return counter_->next(tx, day); }
    sync::JournalCounts counts() override { return journal_->counts(); }
    std::vector<sync::QuarantinedEvent> quarantined() override { return journal_->quarantined(); }
    std::vector<records::Envelope> events_of_type(const std::string& type) override {
        std::vector<records::Envelope> out;
        auto evs = journal_->events_after(0, 1000000, std::size_t{1} << 40);
        if (!evs) return out;
        for (auto& e : evs.value())
            if (e.envelope.type == type) out.push_back(e.envelope);
        return out;
    }
    bool real_sync_journal() const override { return true; }

private:
    std::unique_ptr<sync::BootClock> boot_;
    std::unique_ptr<sync::Journal> journal_;
    std::unique_ptr<sync::ReceiptCounter> counter_;
};
#endif

// Interim chain with the same envelope and hashes (records::seal); the sync journal replaces it.
class LocalEventLog final : public EventLog {
public:
    LocalEventLog(sqlite::Database& db, std::string kiosk_id, const Clock& clock)
        : db_(db), kiosk_id_(std::move(kiosk_id)), clock_(clock) {}

    Status init() {
        return db_.exec(
            "CREATE TABLE IF NOT EXISTS kiosk_local_journal(seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
            " wall_ms INTEGER NOT NULL, envelope TEXT NOT NULL, hash TEXT NOT NULL, acknowledged INTEGER NOT NULL"
            " DEFAULT 0, quarantined INTEGER NOT NULL DEFAULT 0, q_code TEXT, q_message TEXT);"
            "CREATE TABLE IF NOT EXISTS kiosk_local_receipt_counter(day TEXT PRIMARY KEY, n INTEGER NOT NULL);");
    }

    Result<records::Envelope> append(sqlite::Transaction& tx, const std::string& type, const records::Actor& actor,
                                     const nlohmann::json& payload) override {
        auto& db = tx.db();
        std::int64_t seq = 1;
        std::string prev = records::kZeroHash;
        {
            auto st = db.prepare("SELECT seq, hash FROM kiosk_local_journal ORDER BY seq DESC LIMIT 1");
            if (st.step() == SQLITE_ROW) {
                seq = st.integer(0) + 1;
                prev = st.text(1);
            }
        }
        records::Envelope e;
        e.kiosk_id = kiosk_id_;
        e.seq = seq;
        e.type = type;
        auto now = clock_.now_utc_ms();
        e.wall_time = format_rfc3339(now);
        e.boot_id = "local";
        e.uptime_ms = 0;
        e.actor = actor;
        e.payload = payload;
        auto sealed = records::seal(e, prev);
        if (!sealed) return sealed.error();
        auto j = records::to_json_value(sealed.value());
        auto st = db.prepare("INSERT INTO kiosk_local_journal(seq, type, wall_ms, envelope, hash) VALUES(?,?,?,?,?)");
        st.bind(1, seq).bind(2, type).bind(3, now).bind(4, j.dump()).bind(5, sealed.value().hash);
        auto r = st.run();
        if (!r) return r.error();
        return sealed.value();
    }

    Result<int> next_receipt_sequence(sqlite::Transaction& tx, CivilDate day) override {
        auto& db = tx.db();
        int n = 0;
        {
            auto st = db.prepare("SELECT n FROM kiosk_local_receipt_counter WHERE day = ?");
            st.bind(1, day.iso());
            if (st.step() == SQLITE_ROW) n = static_cast<int>(st.integer(0));
        }
        ++n;
        if (n > 9999) return Error{"receipts_exhausted", "今天的回执编号已用完，请联系工作人员"};
        auto st = db.prepare("INSERT INTO kiosk_local_receipt_counter(day, n) VALUES(?, ?) "
                             "ON CONFLICT(day) DO UPDATE SET n = excluded.n");
        st.bind(1, day.iso()).bind(2, n);
        auto r = st.run();
        if (!r) return r.error();
        return n;
    }

    sync::JournalCounts counts() override {
        sync::JournalCounts c;
        c.total = db_.scalar("SELECT count(*) FROM kiosk_local_journal").value_or(0);
        c.quarantined = db_.scalar("SELECT count(*) FROM kiosk_local_journal WHERE quarantined = 1").value_or(0);
        c.unacknowledged =
            db_.scalar("SELECT count(*) FROM kiosk_local_journal WHERE acknowledged = 0 AND quarantined = 0")
                .value_or(0);
        c.last_seq = db_.scalar("SELECT coalesce(max(seq), 0) FROM kiosk_local_journal").value_or(0);
        c.acknowledged_through =
            db_.scalar("SELECT coalesce(max(seq), 0) FROM kiosk_local_journal WHERE acknowledged = 1").value_or(0);
        c.oldest_unsent_wall_ms =
            db_.scalar("SELECT min(wall_ms) FROM kiosk_local_journal WHERE acknowledged = 0 AND quarantined = 0");
        return c;
    }

    std::vector<sync::QuarantinedEvent> quarantined() override {
        std::vector<sync::QuarantinedEvent> out;
        auto st = db_.prepare("SELECT seq, type, q_code, q_message FROM kiosk_local_journal WHERE quarantined = 1");
        while (st.step() == SQLITE_ROW) out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3)});
        return out;
    }

    std::vector<records::Envelope> events_of_type(const std::string& type) override {
        std::vector<records::Envelope> out;
        auto st = db_.prepare("SELECT envelope FROM kiosk_local_journal WHERE type = ? ORDER BY seq");
        st.bind(1, type);
        while (st.step() == SQLITE_ROW) {
            auto e = records::envelope_from_json(nlohmann::json::parse(st.text(0)));
            if (e) out.push_back(e.value());
        }
        return out;
    }
    bool real_sync_journal() const override { return false; }

private:
    sqlite::Database& db_;
    std::string kiosk_id_;
    const Clock& clock_;
};

}  // namespace

Result<std::unique_ptr<EventLog>> EventLog::open(sqlite::Database& db, const std::string& kiosk_id,
                                                 const Clock& clock) {
#ifdef YIMEN_KIOSK_HAVE_SYNC
    auto boot = std::make_unique<sync::SystemBootClock>();
    auto j = sync::Journal::open(db, kiosk_id, clock, *boot);
    if (!j) return j.error();
    auto c = sync::ReceiptCounter::open(db);
    if (!c) return c.error();
    return std::unique_ptr<EventLog>(
        std::make_unique<SyncEventLog>(std::move(boot), std::move(j).value(), std::move(c).value()));
#else
    auto log = std::make_unique<LocalEventLog>(db, kiosk_id, clock);
    auto s = log->init();
    if (!s) return s.error();
    return std::unique_ptr<EventLog>(std::move(log));
#endif
}

}  // namespace yimen::kiosk
