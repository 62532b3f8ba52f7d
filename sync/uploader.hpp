// uploader.hpp — the kiosk's sync worker: pushes the journal to the county and pulls what is new, on its own thread,
// never on the kiosk's frame. Batches; exponential backoff from 1 s doubling to 5 minutes with ±20 % jitter, forever;
// an append wakes it at once; it pulls after every push, every 5 minutes, and on request.
#pragma once
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/openssl_ptr.hpp"
#include "sync/journal.hpp"
#include "sync/protocol.hpp"
#include "sync/pulled_store.hpp"

namespace yimen::sync {

// One error vocabulary for the staff screen; the category decides what the worker does next.
enum class ErrorCategory { none, offline, tls, refused, busy, rejected_event, local };
const char* category_name(ErrorCategory c);

struct SyncError {
    ErrorCategory category = ErrorCategory::none;
    std::string message;  // plain Chinese: what happened and what to do
    std::string detail;   // for staff/IT: curl or HTTP detail (no personal data)
};

class RandomSource {
public:
    virtual ~RandomSource() = default;
    virtual double uniform01() = 0;  // [0, 1)
};

class SystemRandom final : public RandomSource {
public:
    double uniform01() override;
};

// Delays: initial × 2^(failures−1), capped, times (1 ± jitter).
class Backoff {
public:
    Backoff(std::int64_t initial_ms = 1000, std::int64_t max_ms = 300'000, double jitter = 0.2)
        : initial_(initial_ms), max_(max_ms), jitter_(jitter) {}
    std::int64_t next_delay_ms(RandomSource& rng);  // counts one more failure
    void reset() { failures_ = 0; }
    int failures() const { return failures_; }

private:
    std::int64_t initial_, max_;
    double jitter_;
    int failures_ = 0;
};

struct UploaderConfig {
    std::string server_url;            // https://127.0.0.1:8443
    std::string ca_file;               // the county CA (pinned: nothing else is trusted)
    std::string cert_file;             // the kiosk's client certificate
    std::string key_file;              // the certificate's P-256 key; it also signs each push's chain head
                                       // ("" = in cert_file, for TLS only: pushes then go unsigned)
    std::string bundle_public_key;     // PEM file of the county's bundle-signing key
    std::string bundle_root;           // where policy bundles are installed ("" = do not install)
    int max_events_per_push = 500;
    std::size_t max_push_bytes = 1u << 20;
    std::int64_t pull_interval_ms = 300'000;
    long connect_timeout_ms = 5000;
    long request_timeout_ms = 30'000;
    std::int64_t backoff_initial_ms = 1000;
    std::int64_t backoff_max_ms = 300'000;
    double backoff_jitter = 0.2;
    int retention_days = 30;           // acknowledged events lose their personal members after this many days
    // Fleet facts sent with every push (optional members, sync/PROTOCOL.md): the software's version, and the
    // printer's last state (ok | paper_empty | paper_near_end | cover_open | offline; "" = unknown).
    std::string software_version;
    std::function<std::string()> printer_state;
};

struct SyncStatus {
    std::int64_t queue_depth = 0;
    std::optional<std::int64_t> oldest_unsent_age_ms;
    std::optional<UtcMillis> last_success;
    std::optional<UtcMillis> last_pull;
    SyncError last_error;
    int consecutive_failures = 0;
    std::int64_t next_attempt_in_ms = 0;
    std::int64_t server_checkpoint = 0;
    std::vector<QuarantinedEvent> quarantined;
    std::string installed_bundle;
};

struct StatusAnswer {
    bool found = false;
    nlohmann::json body;     // the county's status record when found
};

class Uploader {
public:
    // Opens its own connection to the kiosk database (WAL lets it work beside the kiosk's connection).
    static Result<std::unique_ptr<Uploader>> create(const std::string& db_path, const std::string& kiosk_id,
                                                    UploaderConfig cfg, const Clock& clock, const BootClock& boot,
                                                    RandomSource& rng);
    ~Uploader();

    // One push-and-pull round, synchronously (the worker calls this; tests call it directly).
    // Returns the error of the round, category none when it succeeded.
    SyncError sync_once();
    void start();                      // the background worker
    void stop();
    void notify_append();              // an event was committed: wake the worker
    void sync_now();                   // staff asked for it
    SyncStatus status();               // a snapshot for the staff screen
    // Live status query to the county (any thread); an error when the county cannot be reached.
    Result<StatusAnswer> query_status(const std::string& receipt, const std::string& id_last4);
    // Called on the worker thread with the changes a pull applied (the kiosk copies case status and staff into its
    // own tables, or reloads a new policy bundle).
    using PulledCallback = std::function<void(const std::vector<protocol::Change>& changes)>;
    void on_pulled(PulledCallback cb);

private:
    Uploader() = default;
    SyncError push_all();
    SyncError pull_all();
    void record(const SyncError& e);
    void run();
    // The chain-head signature for a push of `batch` (sync/PROTOCOL.md), or none when the key cannot be used: the
    // push then goes unsigned, as an old kiosk's would, and last_error says why.
    std::optional<protocol::ChainHeadSignature> sign_head(const std::vector<StoredEvent>& batch);

    UploaderConfig cfg_;
    const Clock* clock_ = nullptr;
    const BootClock* boot_ = nullptr;
    RandomSource* rng_ = nullptr;
    std::unique_ptr<sqlite::Database> db_;
    std::unique_ptr<Journal> journal_;
    std::unique_ptr<PulledStore> pulled_;
    std::unique_ptr<ReceiptCounter> counter_;
    Backoff backoff_;
    bool pulled_once_ = false;
    ossl::PKey signing_key_;           // loaded from key_file at the first push with events
    bool signing_key_tried_ = false;

    std::mutex mu_;                    // guards the status fields and the wake flag
    std::condition_variable cv_;
    bool wake_ = false;
    bool stopping_ = false;
    SyncError last_error_;
    std::optional<UtcMillis> last_success_;
    std::int64_t next_delay_ms_ = 0;
    PulledCallback on_pulled_;
    std::thread thread_;
    std::mutex db_mu_;                 // one round at a time on the worker's connection
};

}  // namespace yimen::sync
