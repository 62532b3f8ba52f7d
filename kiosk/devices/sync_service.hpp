// sync_service.hpp — what the kiosk needs from sync/'s uploader and pulled tables, behind one interface, so the kiosk
// runs (and is tested) with no county server. The lead wires the real uploader (sync/uploader.hpp) behind this.
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
};

struct RemoteStatus {
    bool reachable = false;                // false: use the local copy
    std::optional<CaseRecord> record;      // reachable and empty: the county does not know it (or digits wrong)
};

class SyncService {
public:
    virtual ~SyncService() = default;
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
    SyncSnapshot snapshot() override { return {false, std::nullopt, reason_}; }
    void sync_now() override {}
    RemoteStatus query_status(const std::string&, const std::string&) override { return {}; }

private:
    std::string reason_;
};

}  // namespace yimen::kiosk
