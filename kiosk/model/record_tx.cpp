// record_tx.cpp — see record_tx.hpp.
#include "kiosk/model/record_tx.hpp"

namespace yimen::kiosk {

namespace {
// A full disk keeps its own code (the screen tells staff to free space); any other database failure is save_failed.
Error db_failure(const Error& e) { return Error{e.code == "disk_full" ? e.code : "save_failed", e.message, e.category}; }
}  // namespace

Result<records::Envelope> journaled_write(KioskStore& store,
                                          const std::function<Result<JournalEvent>(sqlite::Transaction& tx)>& write) {
    auto tx = store.begin();
    if (!tx) return db_failure(tx.error());
    auto event = write(*tx.value());
    if (!event) return event.error();
    auto appended = store.events().append(*tx.value(), event.value().type, event.value().actor, event.value().payload);
    if (!appended) return appended.error();
    if (auto s = tx.value()->commit(); !s) return db_failure(s.error());
    return appended;
}

Result<records::Envelope> journal_only(KioskStore& store, JournalEvent event) {
    return journaled_write(store, [&event](sqlite::Transaction&) -> Result<JournalEvent> { return event; });
}

}  // namespace yimen::kiosk
