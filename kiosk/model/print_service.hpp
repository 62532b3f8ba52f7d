// print_service.hpp — printing a receipt with its journal: the print journal on its own connection to the kiosk
// database (so a job's outcome and its `receipt.printed` event commit together), a reprint of the last masked
// document of a receipt, and the printer's live status. Blocking: the app calls it on the print lane; kiosk-ctl
// calls it directly.
#pragma once
#include <memory>
#include <string>

#include "kiosk/model/receipt_document.hpp"
#include "kiosk/model/config.hpp"
#include "kiosk/model/print_journal.hpp"
#include "kiosk/model/store.hpp"

namespace yimen::kiosk {

class PrintService {
public:
    PrintService(const KioskConfig& config, const Clock& clock, ReceiptPrinter& printer)
        : config_(config), clock_(clock), printer_(printer) {}

    // Prints and journals `doc`; `reprint_of`: the first attempt's job id when this is a reprint. A failure of the
    // service itself comes back with the message "print.err_journal" or "print.err_printer" (string-table keys).
    PrintOutcome print(const ReceiptDocument& doc, std::int64_t reprint_of = 0);
    // The masked document last printed for `receipt`, marked as a reprint with `mark`, and the job it reprints.
    // Errors: "no_print" (this kiosk never printed it).
    struct Reprint {
        ReceiptDocument doc;
        std::int64_t reprint_of = 0;
    };
    static Result<Reprint> reprint_of(KioskStore& store, const std::string& receipt);
    PrintOutcome status() { return printer_.status(); }
    std::string describe() const { return printer_.describe(); }

private:
    const KioskConfig& config_;
    const Clock& clock_;
    ReceiptPrinter& printer_;
    std::unique_ptr<KioskPrintJournal> journal_;
};

}  // namespace yimen::kiosk
