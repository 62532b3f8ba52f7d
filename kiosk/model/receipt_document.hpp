// receipt_document.hpp — the printer port the kiosk core owns: the receipt document (a template of printer/'s and
// its masked data), the outcome of a print, and the ReceiptPrinter interface devices/receipt_printer.* implements.
// Printing blocks (paper, USB, a slow printer), so the core calls print() on its print lane with the kiosk's print
// journal: every printer records the job before it prints and its outcome after.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "printer/printer.hpp"

namespace yimen::kiosk {

// A kiosk receipt: which of printer/'s templates prints it (assets/receipts/<template_name>.json) and the values
// that fill it. Personal data in `data` is already masked: the document is kept in the print journal, and a reprint
// prints it again from there.
struct ReceiptDocument {
    std::string template_name;     // intake (申请回执), acceptance (受理回执), referral (转办单), complaint (投诉回执),
                                   // testpage (打印机测试页)
    std::string receipt_number;    // also the QR payload; empty for a test page
    nlohmann::json data = nlohmann::json::object();  // the template's keys (assets/receipts/README.md)
    bool reprint = false;          // printed again from the journal: the receipt says 补打

    // The data handed to the template (with `reprint` when set).
    nlohmann::json template_data() const;
    nlohmann::json to_json() const;
    static ReceiptDocument from_json(const nlohmann::json& j);
};

struct PrintOutcome {
    std::string outcome;   // printed | paper_empty | paper_near_end | cover_open | offline | timed_out
    std::string message;   // plain Chinese, what to do next
    std::string artifact;  // preview printers (dir:): the PNG of the printed page
    bool ok() const { return outcome == "printed"; }
};

class ReceiptPrinter {
public:
    virtual ~ReceiptPrinter() = default;
    // Blocking. Calls journal.job_queued before anything reaches the printer and job_finished with the outcome.
    virtual PrintOutcome print(const ReceiptDocument& doc, printer::PrintJournal& journal) = 0;
    virtual PrintOutcome status() = 0;                            // blocking
    virtual std::string describe() const = 0;
};

}  // namespace yimen::kiosk
