// county_sync_service.hpp — the kiosk's SyncService over the real sync worker (sync/uploader.hpp): mutual TLS to the
// county, the journal uploaded in the background. What it pulls (case status, staff) stays in sync's pulled tables in
// the kiosk's database, where KioskStore reads it directly (store.hpp): nothing is copied.
#pragma once
#include <memory>
#include <atomic>
#include <mutex>
#include <thread>

#include "kiosk/model/ports.hpp"
#include "kiosk/model/config.hpp"
#include "sync/uploader.hpp"

namespace yimen::kiosk {

class CountySyncService final : public SyncService {
public:
    // Starts the worker; its own connections to the kiosk database sit beside the app's (WAL).
    static Result<std::unique_ptr<CountySyncService>> start(const KioskConfig& cfg, const Clock& clock);
    ~CountySyncService() override;

    // The state the watcher thread last published (about once a second); never waits on the uploader.
    SyncSnapshot snapshot() override;
    void sync_now() override;
    void notify_append() override;
    RemoteStatus query_status(const std::string& receipt, const std::string& id_last4) override;
    sync::SyncStatus details();  // published too

private:
    CountySyncService() = default;
    std::string printer_state();  // sent with every push for the county's fleet page
    void publish(const sync::SyncStatus& st);

    sync::SystemBootClock boot_;
    sync::SystemRandom rng_;
    const Clock* clock_ = nullptr;
    std::unique_ptr<KioskStore> store_;  // the watcher's own connection: journal counts and print outcomes
    std::mutex store_mu_;
    std::unique_ptr<sync::Uploader> uploader_;
    // Wakes the uploader within a second of any commit to the journal (the app's connection writes it).
    std::thread watcher_;
    std::atomic<bool> stopping_{false};
    std::mutex published_mu_;
    SyncSnapshot published_;
    sync::SyncStatus published_details_;
};

}  // namespace yimen::kiosk
