// event_log.hpp — the kiosk's view of the sync journal: append an event inside the caller's transaction, take the
// next receipt sequence, read counts. Always sync::Journal (one hash chain, one receipt counter: sync/'s).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "base/civil_date.hpp"
#include "policy/records.hpp"
#include "base/sqlite.hpp"
#include "sync/journal.hpp"

namespace yimen::kiosk {

class EventLog {
public:
    virtual ~EventLog() = default;
    static Result<std::unique_ptr<EventLog>> open(sqlite::Database& db, const std::string& kiosk_id, const Clock& clock);

    virtual Result<records::Envelope> append(sqlite::Transaction& tx, const std::string& type,
                                             const records::Actor& actor, const nlohmann::json& payload) = 0;
    virtual Result<int> next_receipt_sequence(sqlite::Transaction& tx, CivilDate day) = 0;
    // The county's key that personal members are sealed to from now on (sync::Journal::set_sealing_key).
    virtual void set_sealing_key(std::optional<seal::SealingPublicKey> key) = 0;
    virtual std::optional<std::string> sealing_key_id() const = 0;
    virtual sync::JournalCounts counts() = 0;
    virtual std::vector<sync::QuarantinedEvent> quarantined() = 0;
    // Every stored event of a type, oldest first (staff screens and tests).
    virtual std::vector<records::Envelope> events_of_type(const std::string& type) = 0;
};

}  // namespace yimen::kiosk
