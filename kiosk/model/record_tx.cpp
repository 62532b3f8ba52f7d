// record_tx.cpp — see record_tx.hpp.
#include "kiosk/model/record_tx.hpp"

namespace yimen::kiosk {

Result<records::Envelope> journaled_write(KioskStore& store,
                                          const std::function<Result<JournalEvent>(sqlite::Transaction& tx)>& write) {
    auto tx = store.begin();
    if (!tx) return Error{"save_failed", tx.error().message};
    auto event = write(*tx.value());
    if (!event) return event.error();
    auto appended = store.events().append(*tx.value(), event.value().type, event.value().actor, event.value().payload);
    if (!appended) return appended.error();
    if (auto s = tx.value()->commit(); !s) return Error{"save_failed", s.error().message};
    return appended;
}

Result<records::Envelope> journal_only(KioskStore& store, JournalEvent event) {
    return journaled_write(store, [&event](sqlite::Transaction&) -> Result<JournalEvent> { return event; });
}

}  // namespace yimen::kiosk
