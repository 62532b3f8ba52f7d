// event_log.cpp — EventLog over sync::Journal and sync's receipt counter (see event_log.hpp).
#include "kiosk/model/event_log.hpp"

namespace yimen::kiosk {
namespace {

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
    void set_sealing_key(std::optional<seal::SealingPublicKey> key) override { journal_->set_sealing_key(std::move(key)); }
    std::optional<std::string> sealing_key_id() const override { return journal_->sealing_key_id(); }
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

private:
    std::unique_ptr<sync::BootClock> boot_;
    std::unique_ptr<sync::Journal> journal_;
    std::unique_ptr<sync::ReceiptCounter> counter_;
};

}  // namespace

Result<std::unique_ptr<EventLog>> EventLog::open(sqlite::Database& db, const std::string& kiosk_id,
                                                 const Clock& clock) {
    auto boot = std::make_unique<sync::SystemBootClock>();
    auto j = sync::Journal::open(db, kiosk_id, clock, *boot);
    if (!j) return j.error();
    auto c = sync::ReceiptCounter::open(db);
    if (!c) return c.error();
    return std::unique_ptr<EventLog>(
        std::make_unique<SyncEventLog>(std::move(boot), std::move(j).value(), std::move(c).value()));
}

}  // namespace yimen::kiosk
