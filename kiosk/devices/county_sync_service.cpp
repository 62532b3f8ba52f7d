// county_sync_service.cpp — adapts sync::Uploader to the kiosk's SyncService.
#include "kiosk/devices/county_sync_service.hpp"

namespace yimen::kiosk {

Result<std::unique_ptr<CountySyncService>> CountySyncService::start(const KioskConfig& cfg, const Clock& clock) {
    std::unique_ptr<CountySyncService> s(new CountySyncService());
    s->clock_ = &clock;
    auto store = KioskStore::open(cfg.db_path(), cfg.kiosk_id, clock);
    if (!store) return store.error();
    s->store_ = std::move(store).value();
    sync::UploaderConfig uc;
    uc.server_url = cfg.county_url;
    uc.ca_file = cfg.ca_bundle;
    uc.cert_file = cfg.client_cert;
    uc.key_file = cfg.client_key;
    uc.bundle_public_key = cfg.bundle_public_key;
    uc.bundle_root = cfg.bundle_public_key.empty() ? "" : cfg.bundle_root();
    uc.software_version = YIMEN_SOFTWARE_VERSION;
    auto* self_for_printer = s.get();
    uc.printer_state = [self_for_printer] { return self_for_printer->printer_state(); };
    auto up = sync::Uploader::create(cfg.db_path(), cfg.kiosk_id, uc, clock, s->boot_, s->rng_);
    if (!up) return up.error();
    s->uploader_ = std::move(up).value();
    auto* self = s.get();
    s->uploader_->start();
    s->watcher_ = std::thread([self] {
        std::int64_t seen = -1;
        while (!self->stopping_) {
            std::int64_t now_seq;
            {
                std::lock_guard lock(self->store_mu_);
                now_seq = self->store_->events().counts().last_seq;
            }
            if (seen >= 0 && now_seq != seen) self->uploader_->notify_append();
            seen = now_seq;
            // The uploader holds its status lock across HTTP (up to 30 s): only this thread waits for it.
            self->publish(self->uploader_->status());
            for (int i = 0; i < 10 && !self->stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    return s;
}

// The printer's last state as the fleet page shows it: the outcome of the last finished print job.
std::string CountySyncService::printer_state() {
    std::lock_guard lock(store_mu_);
    for (auto& job : store_->print_jobs(5)) {
        if (job.outcome.empty()) continue;  // still running (or cut off by a crash)
        if (job.outcome == "printed") return "ok";
        if (job.outcome == "timed_out") return "offline";
        return job.outcome;  // paper_empty | paper_near_end | cover_open | offline
    }
    return "";
}

CountySyncService::~CountySyncService() {
    stopping_ = true;
    if (watcher_.joinable()) watcher_.join();
    if (uploader_) uploader_->stop();
}

void CountySyncService::publish(const sync::SyncStatus& st) {
    SyncSnapshot s;
    s.online = st.last_error.category == sync::ErrorCategory::none || st.last_error.category == sync::ErrorCategory::rejected_event
                   ? st.last_success.has_value()
                   : false;
    s.last_success_ms = st.last_success;
    s.last_error = st.last_error.message;
    s.error_code = sync::category_name(st.last_error.category);
    s.published = true;
    std::lock_guard lock(published_mu_);
    published_ = s;
    published_details_ = st;
}

SyncSnapshot CountySyncService::snapshot() {
    std::lock_guard lock(published_mu_);
    return published_;
}

sync::SyncStatus CountySyncService::details() {
    std::lock_guard lock(published_mu_);
    return published_details_;
}

void CountySyncService::sync_now() { uploader_->sync_now(); }

void CountySyncService::notify_append() { uploader_->notify_append(); }

RemoteStatus CountySyncService::query_status(const std::string& receipt, const std::string& id_last4) {
    auto r = uploader_->query_status(receipt, id_last4);
    if (!r) return {};
    RemoteStatus out;
    out.reachable = true;
    if (r->found) out.record = case_from_status(r->body, clock_->now_utc_ms());
    return out;
}

}  // namespace yimen::kiosk
