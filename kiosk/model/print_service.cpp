// print_service.cpp — see print_service.hpp.
#include "kiosk/model/print_service.hpp"

#include <chrono>

namespace yimen::kiosk {

PrintOutcome PrintService::print(const ReceiptDocument& doc, std::int64_t reprint_of) {
    if (!journal_) {
        auto store = KioskStore::open(config_.db_path(), config_.kiosk_id, clock_);
        if (store) journal_ = std::make_unique<KioskPrintJournal>(std::move(store).value());
    }
    // Without its journal a receipt could be lost silently: it is not printed at all.
    if (!journal_) return PrintOutcome{"offline", "print.err_journal", ""};
    journal_->begin(doc, reprint_of);
    try {
        return printer_.print(doc, *journal_);
    } catch (const std::exception&) {
        if (auto id = journal_->current_job())
            (void)journal_->job_finished(id, printer::Outcome::offline, std::chrono::system_clock::now());
        return PrintOutcome{"offline", "print.err_printer", ""};
    }
}

Result<PrintService::Reprint> PrintService::reprint_of(KioskStore& store, const std::string& receipt) {
    auto doc = store.last_document(receipt);
    if (!doc) return Error{"no_print", "no print record of " + receipt};
    Reprint r;
    r.doc = ReceiptDocument::from_json(nlohmann::json::parse(doc->second));
    r.doc.reprint = true;  // the template prints （补打）
    r.reprint_of = store.first_print_job(receipt);
    return r;
}

}  // namespace yimen::kiosk
