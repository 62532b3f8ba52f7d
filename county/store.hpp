// store.hpp — the county's storage, as an interface of plain operations so that a PostgreSQL store can replace the
// SQLite one for a city or province. Ingest and casework logic live outside (ingest.cpp, casework.cpp) and run
// inside Store::transaction, so "acknowledge only what is committed" holds for any implementation.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/civil_date.hpp"
#include "base/result.hpp"

namespace yimen::county {

struct KioskRecord {
    std::string kiosk_id;
    std::string township;      // 9-digit code
    std::string fingerprint;   // SHA-256 of the client certificate (DER), lower hex
    std::string serial;
    bool revoked = false;
    bool clock_flagged = false;
};

struct User {
    std::string user_id;       // one actor id everywhere (kiosk events, casework)
    std::string name;
    std::string role;          // county-admin | county-staff | township-staff
    std::string township;      // for township-staff
    std::string token_sha256;
    std::string pin_hash;      // $scrypt$… or empty
    bool active = true;        // a disabled user's token and PIN stop working at once
    UtcMillis token_expires_ms = 0;
};

struct AuditEntry {
    std::int64_t id = 0;
    UtcMillis at_ms = 0;
    std::string user_id;       // a staff id, or "cli:<login>" for an operator at the shell
    std::string action;        // stage.recorded, user.disabled, token.rotated, …
    std::string target;        // a receipt number, a user id, a kiosk id
    std::string detail;        // never personal data
};

struct StoredEventRow {
    std::string kiosk_id;
    std::int64_t seq = 0;
    std::string type;
    std::string hash;
    std::string prev_hash;
    std::string envelope;      // canonical JSON as received
    std::string boot_id;
    UtcMillis wall_ms = 0;     // the kiosk's clock
    UtcMillis corrected_ms = 0;
    UtcMillis received_ms = 0;
    std::string status;        // accepted | rejected
    std::string reason;        // rejection code
};

// A kiosk's verified signature over its chain head at seq (the event stored there has this hash).
struct ChainSignatureRow {
    std::string kiosk_id;
    std::int64_t seq = 0;
    std::string hash;
    std::string alg;                 // ecdsa-p256-sha256
    std::string value;               // base64 DER, as received
    std::string signer_certificate;  // PEM of the TLS client certificate the push came with
    UtcMillis received_ms = 0;
};

struct ApplicationRow {
    std::string receipt_number;
    std::string programme;
    std::string township;
    std::string kiosk_id;
    std::string channel;
    std::string operator_id;
    std::string applicant_key;
    bool close_relative = false;
    std::string id_last4_tag;
    UtcMillis submitted_ms = 0;
    nlohmann::json payload;
};

struct StageRow {
    std::int64_t id = 0;
    std::string receipt_number;
    std::string programme;
    std::string stage;
    std::string date;          // civil date
    std::string actor;
    std::string reason;
    nlohmann::json fields = nlohmann::json::object();
    std::vector<std::string> documents;
    UtcMillis recorded_ms = 0;
    std::string source;        // kiosk | county
};

struct RatingRow {
    std::int64_t id = 0;
    std::string kiosk_id;
    std::int64_t seq = 0;
    std::string receipt_number;
    int level = 0;
    UtcMillis corrected_ms = 0;
    std::string status;        // counted | already_rated
    nlohmann::json payload;
};

struct ChangeRow {
    std::int64_t id = 0;
    std::string township;      // "*" for every kiosk
    std::string kind;
    std::string key;
    nlohmann::json body;
};

// A parameter of a plain query: integer, text or NULL.
using SqlParam = std::variant<std::nullptr_t, std::int64_t, std::string>;

// One row of a plain query's answer, read by column index.
class SqlRow {
public:
    virtual ~SqlRow() = default;
    virtual std::string text(int col) const = 0;
    virtual std::int64_t integer(int col) const = 0;
    virtual double real(int col) const = 0;
    virtual bool is_null(int col) const = 0;
};

class Store {
public:
    virtual ~Store() = default;

    // Runs fn in one transaction; commits only if fn succeeds.
    virtual Status transaction(const std::function<Status()>& fn) = 0;
    // Inside a transaction: holds off every other transaction that locks the same kiosk until this one ends, so
    // pushes from one kiosk are applied one after another even when several servers share the database. SQLite has
    // one writer at a time already (nothing to do); PostgreSQL takes an advisory lock on the kiosk.
    virtual Status lock_kiosk(const std::string& kiosk) {
        (void)kiosk;
        return Ok{};
    }

    // Kiosks and users.
    virtual Status put_kiosk(const KioskRecord& k) = 0;
    virtual std::optional<KioskRecord> kiosk_by_fingerprint(const std::string& fp) = 0;
    virtual std::optional<KioskRecord> kiosk(const std::string& id) = 0;
    virtual Status set_kiosk_revoked(const std::string& id) = 0;
    virtual Status set_kiosk_clock_flag(const std::string& id, bool flagged) = 0;
    virtual std::vector<KioskRecord> kiosks() = 0;
    virtual Status put_user(const User& u) = 0;
    virtual std::optional<User> user_by_token(const std::string& token_sha256) = 0;
    virtual std::optional<User> user(const std::string& id) = 0;
    virtual std::vector<User> users() = 0;
    // The append-only audit trail of staff and operator actions (the table refuses UPDATE and DELETE).
    virtual Status append_audit(const AuditEntry& a) = 0;
    virtual std::vector<AuditEntry> audit_entries(std::int64_t after_id, int limit) = 0;

    // Events.
    virtual std::optional<StoredEventRow> event(const std::string& kiosk, std::int64_t seq) = 0;
    virtual Status insert_event(const StoredEventRow& e) = 0;
    // (seq, hash) of the highest event with every lower sequence present; (0, "") when none.
    virtual std::pair<std::int64_t, std::string> checkpoint(const std::string& kiosk) = 0;
    virtual Status set_checkpoint(const std::string& kiosk, std::int64_t seq, const std::string& hash) = 0;
    virtual std::optional<std::int64_t> boot_offset(const std::string& kiosk, const std::string& boot) = 0;
    virtual Status set_boot_offset(const std::string& kiosk, const std::string& boot, std::int64_t offset_ms,
                                   UtcMillis at) = 0;
    // Chain-head signatures (issue 11): a second one for the same (kiosk, seq) is ignored, the first is kept.
    // Written with the portable query()/execute(), so every store has them.
    virtual Status insert_chain_signature(const ChainSignatureRow& s);
    // One kiosk's, in seq order.
    virtual std::vector<ChainSignatureRow> chain_signatures(const std::string& kiosk);
    // Accepted and rejected events by type, from the kiosks of one township ("" = all).
    virtual std::vector<std::pair<std::string, std::int64_t>> event_counts_by_type(const std::string& township = "") = 0;

    // Projections.
    virtual Status insert_application(const ApplicationRow& a) = 0;
    virtual std::optional<ApplicationRow> application(const std::string& receipt) = 0;
    virtual Status insert_stage(StageRow& s) = 0;  // fills s.id
    virtual std::vector<StageRow> stages(const std::string& receipt) = 0;
    virtual Status insert_referral(const std::string& receipt, const std::string& programme, const std::string& township,
                                   const std::string& kiosk, UtcMillis at, const nlohmann::json& payload) = 0;
    virtual std::optional<std::string> referral_township(const std::string& receipt) = 0;
    virtual std::optional<RatingRow> counted_rating(const std::string& receipt) = 0;
    virtual Status insert_rating(const RatingRow& r) = 0;
    virtual Status set_rating_status(std::int64_t id, const std::string& status) = 0;
    virtual Status insert_record(const std::string& type, const std::string& kiosk, std::int64_t seq,
                                 const std::string& township, UtcMillis corrected_ms, const nlohmann::json& payload) = 0;
    // Complaints that name a case by its receipt number (S1 art. 20: the county visits such a case before deciding).
    virtual Status link_complaint(const std::string& complaint_receipt, const std::string& case_receipt) = 0;
    virtual int complaints_about(const std::string& case_receipt) = 0;

    // The pull feed.
    virtual Status append_change(const ChangeRow& c) = 0;
    virtual std::vector<ChangeRow> changes_after(const std::string& township, std::int64_t cursor, int limit) = 0;
    // Highest receipt sequence seen from a kiosk on its latest day: (YYYY-MM-DD, seq).
    virtual std::pair<std::string, int> receipt_high_water(const std::string& kiosk) = 0;

    // Alerts and rate limits. The same condition (kind, kiosk, township) never opens a second alert while one is
    // open: it counts a repeat on the open one instead.
    // dedupe = false for conditions that are each their own (a complaint): every one opens its own alert.
    virtual Status raise_alert(const std::string& kind, const std::string& kiosk, const std::string& township,
                               const std::string& detail, UtcMillis at, bool dedupe = true) = 0;
    // One page of alerts with id > after_id, oldest first; township "" = every township.
    virtual std::vector<nlohmann::json> alerts(std::int64_t after_id = 0, int limit = 1000,
                                               const std::string& township = "") = 0;
    virtual int failures_since(const std::string& key, UtcMillis since) = 0;
    virtual Status add_failure(const std::string& key, UtcMillis at) = 0;
    // Drops failures older than `before` (they no longer count towards any window).
    virtual Status prune_failures(UtcMillis before) = 0;

    // Plain SQL for the supervision figures and their tables (county/stats.cpp). The SQL must be portable: standard
    // SQL with ?N placeholders (a PostgreSQL store rewrites them to $N), LIMIT, INSERT … ON CONFLICT … DO UPDATE;
    // no SQLite-only functions (json_extract, strftime, …). query() calls on_row for every row; execute() answers
    // the number of rows changed.
    virtual Status query(const std::string& sql, const std::vector<SqlParam>& params,
                         const std::function<void(const SqlRow&)>& on_row) = 0;
    virtual Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlParam>& params) = 0;

    // A consistent copy while serving.
    virtual Status backup_to(const std::string& path) = 0;
};

// PostgreSQL (libpq) with versioned migrations and a pool of up to `pool_size` connections; `url` is a libpq URI
// (postgresql://user@host:port/db, or ?host=/socket/dir for a Unix socket). The database must be UTF8 with the C
// collation (lists sort byte by byte, as on SQLite); error "bad_database" says how to create it.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, int pool_size = 8);
bool is_postgres_url(const std::string& url);
// Creates database `name` (UTF8, C collation, from template0) on the server `server_url` reaches, if it is not there
// yet, and answers the URL of it (server_url with its database replaced). For tests and first installs.
Result<std::string> create_postgres_database(const std::string& server_url, const std::string& name);

// SQLite (WAL, synchronous=FULL) with versioned migrations.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);
// The store a county directory's configuration names: `url` "" → D/county.db; "sqlite:PATH" → PATH;
// "postgresql://…" or "postgres://…" → PostgreSQL. Error "bad_store_url" for anything else.
Result<std::unique_ptr<Store>> open_county_store(const std::string& dir, const std::string& url, int pool_size = 8);
// For reading only (county-server verify): no migration, no writes; a missing file is "no_store", not created.
Result<std::unique_ptr<Store>> open_sqlite_store_read_only(const std::string& path);

}  // namespace yimen::county
