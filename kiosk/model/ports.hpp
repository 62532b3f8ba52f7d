// ports.hpp — what the kiosk core needs from the outside, as interfaces the core owns; devices implement them
// (devices → core, never the other way). The county link: sync/'s uploader and pulled tables behind one interface,
// so the kiosk runs (and is tested) with no county server; kiosk/devices/county_sync_service.* is the real one.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "kiosk/model/store.hpp"

namespace yimen::kiosk {

struct SyncSnapshot {
    bool online = false;
    std::optional<UtcMillis> last_success_ms;
    std::string last_error;   // plain Chinese
    bool published = false;   // false until the link has published its first state
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
    explicit OfflineSyncService(std::string reason) : reason_(std::move(reason)) {}
    SyncSnapshot snapshot() override { return {false, std::nullopt, reason_, true}; }
    void sync_now() override {}
    RemoteStatus query_status(const std::string&, const std::string&) override { return {}; }

private:
    std::string reason_;
};

}  // namespace yimen::kiosk
