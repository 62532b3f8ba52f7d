// journal.hpp — the kiosk's append-only event journal (DESIGN.md, "Records, and how they flow").
// Events are appended inside the caller's transaction, together with the state change they record:
//
//     auto tx = sqlite::Transaction::begin(db);          // BEGIN IMMEDIATE
//     store.insert_application(*tx, …);                   // the state change
//     journal.append(*tx, records::type::application_submitted, actor, payload);
//     tx->commit();                                       // both or neither
//
// Sequence numbers are gap-free per kiosk; each event carries the previous event's hash (a tamper-evident chain).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mutex>

#include "base/civil_date.hpp"
#include "base/seal.hpp"
#include "base/sqlite.hpp"
#include "policy/records.hpp"

namespace yimen::sync {

// Boot identity and uptime: with the wall time they let the server correct a kiosk's clock skew.
class BootClock {
public:
    virtual ~BootClock() = default;
    virtual std::string boot_id() const = 0;
    virtual std::int64_t uptime_ms() const = 0;
};

// /proc/sys/kernel/random/boot_id and CLOCK_BOOTTIME.
class SystemBootClock final : public BootClock {
public:
    SystemBootClock();
    std::string boot_id() const override { return boot_id_; }
    std::int64_t uptime_ms() const override;

private:
    std::string boot_id_;
};

class FixedBootClock final : public BootClock {
public:
    FixedBootClock(std::string id, std::int64_t uptime) : id_(std::move(id)), uptime_(uptime) {}
    std::string boot_id() const override { return id_; }
    std::int64_t uptime_ms() const override { return uptime_; }
    void advance(std::int64_t ms) { uptime_ += ms; }

private:
    std::string id_;
    std::int64_t uptime_;
};

struct JournalCounts {
    std::int64_t total = 0;
    std::int64_t unacknowledged = 0;   // queue depth (quarantined ones excluded)
    std::int64_t quarantined = 0;
    std::int64_t last_seq = 0;
    std::int64_t acknowledged_through = 0;
    std::optional<UtcMillis> oldest_unsent_wall_ms;
};

struct QuarantinedEvent {
    std::int64_t seq = 0;
    std::string type;
    std::string code;
    std::string message;
};

struct StoredEvent {
    records::Envelope envelope;
    std::string canonical;  // the exact bytes that were hashed, with the hash member
    bool acknowledged = false;
    bool quarantined = false;
    bool redacted = false;
};

class Journal {
public:
    // Creates or migrates the journal's tables in `db`. The kiosk id is fixed at first open; opening the same database
    // with another id is refused (a disk moved between kiosks must not mix two chains).
    static Result<std::unique_ptr<Journal>> open(sqlite::Database& db, const std::string& kiosk_id, const Clock& clock,
                                                 const BootClock& boot);

    // With a key, every event appended from now on is schema 2: its personal members are sealed to the county
    // (sync/sealed_payload.hpp) before anything is written, so the journal never holds them in clear. Without one
    // (a kiosk not yet given the county's sealing key) events are schema 1. Callable from any thread.
    void set_sealing_key(std::optional<seal::SealingPublicKey> key);
    std::optional<std::string> sealing_key_id() const;

    // Appends within `tx`; nothing is visible until the caller commits.
    Result<records::Envelope> append(sqlite::Transaction& tx, const std::string& type, const records::Actor& actor,
                                     const nlohmann::json& payload);

    // Events with seq > after_seq in order, bounded by count and total canonical bytes (at least one event is returned
    // even if it alone exceeds max_bytes). Quarantined events are included: the county stored them (as rejected) and
    // moved past them, so they are sent again only when its checkpoint falls back below them (a county restore),
    // which keeps the county's copy gap-free.
    Result<std::vector<StoredEvent>> events_after(std::int64_t after_seq, int max_count, std::size_t max_bytes);
    Result<StoredEvent> event(std::int64_t seq);
    Status mark_acknowledged(std::int64_t through_seq);
    Status quarantine(std::int64_t seq, const std::string& code, const std::string& message);
    std::vector<QuarantinedEvent> quarantined();
    JournalCounts counts();

    // The server's checkpoint is ahead of this journal (a kiosk restored from an old backup): append
    // `journal.rebased` at checkpoint + 1, chained to the server's hash, and move any unacknowledged events after it
    // (they were never accepted by the server, so renumbering them loses nothing). Returns the rebase event.
    Result<records::Envelope> rebase(std::int64_t server_checkpoint, const std::string& server_hash);

    // Retention: events the county acknowledged more than `days` ago lose their personal members — the sealed
    // string of schema 2, the clear values of schema 1 — for good (sync::drop_personal); the envelope's other
    // members and its hash stay, so the chain still links. Returns how many events were redacted.
    Result<int> apply_retention(int days);

    // Verifies the chain (prev_hash links, and each unredacted event's hash against its bytes).
    Status verify_chain();

    std::int64_t last_seq();
    std::string last_hash();
    const std::string& kiosk_id() const { return kiosk_id_; }

private:
    Journal(sqlite::Database& db, std::string kiosk_id, const Clock& clock, const BootClock& boot)
        : db_(db), kiosk_id_(std::move(kiosk_id)), clock_(clock), boot_(boot) {}
    Result<records::Envelope> insert(const std::string& type, const records::Actor& actor, const nlohmann::json& payload,
                                     std::int64_t seq, const std::string& prev_hash, const std::string& wall_time,
                                     const std::string& boot_id, std::int64_t uptime, int schema);
    // Journals written before issue 11 hashed personal values with a salt kept beside them: drop those too.
    Status drop_salted_hashes();
    // Rewrites every event `selected` yields without its personal members (inside the caller's transaction).
    Result<int> strip_personal(sqlite::Statement& selected, bool mark_redacted);

    sqlite::Database& db_;
    std::string kiosk_id_;
    const Clock& clock_;
    const BootClock& boot_;
    mutable std::mutex key_mutex_;
    std::optional<seal::SealingPublicKey> sealing_key_;
};

// Per-kiosk, per-day receipt sequence (DESIGN.md: a kiosk never issues the same number twice, also after a
// restore from backup: raise_to() takes the server's high-water mark from each pull).
class ReceiptCounter {
public:
    static Result<std::unique_ptr<ReceiptCounter>> open(sqlite::Database& db);
    // Next sequence for `day`, inside the caller's transaction.
    Result<int> next(sqlite::Transaction& tx, CivilDate day);
    Status raise_to(CivilDate day, int at_least);
    int current(CivilDate day);

private:
    explicit ReceiptCounter(sqlite::Database& db) : db_(db) {}
    sqlite::Database& db_;
};

}  // namespace yimen::sync
