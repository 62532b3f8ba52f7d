// record_tx.hpp — the one way the kiosk records something: begin → write the local state → append its journal event
// → commit, in one SQLite transaction, so a record and its event exist together or not at all (DESIGN.md, "Records,
// and how they flow"). Every record service goes through it; it runs on the records lane, never on the frame.
#pragma once
#include <functional>
#include <string>

#include "kiosk/model/store.hpp"
#include "policy/records.hpp"

namespace yimen::kiosk {

// The event a write asks to journal; built inside the transaction because it may carry a number allocated there.
struct JournalEvent {
    std::string type;
    records::Actor actor;
    nlohmann::json payload;
};

// `write` changes local state inside `tx` and returns the event to append. Any failure (begin, write, append,
// commit) leaves the database as it was: the transaction rolls back when it goes out of scope uncommitted.
// Errors keep their code; a failure of the database itself has the code "save_failed" (or "disk_full").
Result<records::Envelope> journaled_write(KioskStore& store,
                                          const std::function<Result<JournalEvent>(sqlite::Transaction& tx)>& write);

// Only an event (a quiz answer, a staff login): the same transaction with nothing else written.
Result<records::Envelope> journal_only(KioskStore& store, JournalEvent event);

}  // namespace yimen::kiosk
