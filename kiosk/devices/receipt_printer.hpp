// receipt_printer.hpp — the kiosk's printer seam. Printing blocks (paper, USB, a slow printer), so the app calls
// print() on a worker with the kiosk's print journal (printer/'s PrintJournal on the kiosk database): every printer
// records the job before it prints and its outcome after, and the journal commits that outcome with the
// `receipt.printed` event. The documents carry masked personal data only.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "printer/printer.hpp"

namespace yimen::kiosk {

struct ReceiptLine {
    std::string text;
    bool large = false;   // headings and the receipt number
};

struct ReceiptDocument {
    std::string template_name;     // intake (申请回执), acceptance (受理回执), referral (转办单), complaint (投诉回执), test
    std::string receipt_number;    // also the QR payload; empty for a test page
    std::string title;
    std::vector<ReceiptLine> lines;

    nlohmann::json to_json() const;
    static ReceiptDocument from_json(const nlohmann::json& j);
};

struct PrintOutcome {
    std::string outcome;   // printed | paper_empty | paper_near_end | cover_open | offline | timed_out
    std::string message;   // plain Chinese, what to do next
    std::string artifact;  // preview printers: the file written
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

// "dir:PATH" writes a text rendering and the QR as PNG per receipt (demo, tests). usb:, serial: and tcp:// go to a
// real ESC/POS printer through printer/ with the named profile (assets/printers/); an unusable URI or profile
// reports `offline` with a message for staff.
std::unique_ptr<ReceiptPrinter> open_receipt_printer(const std::string& uri, const std::string& profile = "generic-80");

}  // namespace yimen::kiosk
