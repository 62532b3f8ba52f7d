// ports.hpp — what the kiosk core needs from the outside, as interfaces the core owns; devices implement them
// (devices → core, never the other way):
// - the county link: sync/'s uploader and pulled tables behind one interface, so the kiosk runs (and is tested)
//   with no county server; kiosk/devices/county_sync_service.* is the real one;
// - pinyin entry (librime) and the handwriting recogniser (zinnia): kiosk/devices/input_ports.* adapts the engines.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/model/store.hpp"

namespace yimen::kiosk {

struct SyncSnapshot {
    bool online = false;
    std::optional<UtcMillis> last_success_ms;
    std::string last_error;   // plain Chinese (the library's sentence)
    bool published = false;   // false until the link has published its first state
    std::string error_code = "none";  // the screen's words: "err.sync.<error_code>" (i18n.hpp); "none": no error
};

struct RemoteStatus {
    bool reachable = false;                // false: use the local copy
    std::optional<CaseRecord> record;      // reachable and empty: the county does not know it (or digits wrong)
};

class SyncService {
public:
    virtual ~SyncService() = default;
    // Never blocks: the last state the link published (the staff sync page reads it every frame).
    virtual SyncSnapshot snapshot() = 0;
    // Asks the worker to try now instead of waiting for its backoff.
    virtual void sync_now() = 0;
    // An event was committed.
    virtual void notify_append() {}
    // Blocking (HTTP): the app calls it on a worker. `id_last4` are the four characters the resident typed.
    virtual RemoteStatus query_status(const std::string& receipt, const std::string& id_last4) = 0;
};

// No county configured (or not reachable yet): every query is answered from the local copy.
class OfflineSyncService final : public SyncService {
public:
    // `code`: "not_configured" or "bad_settings" (err.sync.<code>); `detail`: the library's sentence, if any.
    explicit OfflineSyncService(std::string code, std::string detail = {})
        : code_(std::move(code)), detail_(std::move(detail)) {}
    SyncSnapshot snapshot() override { return {false, std::nullopt, detail_, true, code_}; }
    void sync_now() override {}
    RemoteStatus query_status(const std::string&, const std::string&) override { return {}; }

private:
    std::string code_;
    std::string detail_;
};

// Pinyin composition for Chinese fields. Blocking only for microseconds; called on the main thread.
class PinyinPort {
public:
    virtual ~PinyinPort() = default;
    virtual bool ready() const = 0;              // deployed and usable (it may start in the background)
    virtual std::string key(char c) = 0;         // a letter; returns text committed by it, if any
    virtual void backspace() = 0;
    virtual std::string preedit() = 0;
    virtual std::vector<std::string> candidates() = 0;   // the current page
    virtual bool has_next_page() = 0;
    virtual bool has_prev_page() = 0;
    virtual void page(bool next) = 0;
    virtual std::string select(int index_on_page) = 0;
    virtual std::string commit_raw() = 0;        // the letters typed so far, as they are
    virtual void clear() = 0;
    virtual bool composing() = 0;
};

struct PenPoint {
    int x = 0, y = 0;   // pad pixels, origin top-left
};
using PenStroke = std::vector<PenPoint>;

// The handwriting recogniser. classify() blocks for milliseconds: the app calls it on the ink lane.
class HandwritingPort {
public:
    virtual ~HandwritingPort() = default;
    // The best `n` characters for the strokes written on a pad of `width` × `height`, best first.
    // Codes: no_model, empty (no strokes).
    virtual Result<std::vector<std::string>> classify(const std::vector<PenStroke>& strokes, int width, int height,
                                                      int n) = 0;
    // Frees the model until the next classify() (a session ended).
    virtual void release() = 0;
};

}  // namespace yimen::kiosk
