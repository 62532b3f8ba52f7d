// receipt_printer.hpp — the kiosk's printers behind the core's printer port (model/receipt_document.hpp): every
// receipt through printer/'s templates and driver, whatever the URI.
#pragma once
#include <memory>
#include <string>

#include "kiosk/model/receipt_document.hpp"

namespace yimen::kiosk {

// Every URI prints through printer/ with the named profile (assets/printers/) and the receipt's template:
// usb:, serial: and tcp:// to a real ESC/POS printer, "dir:PATH" into a preview folder (job-NNNN.png, the page as
// printed, and job-NNNN.bin, the bytes; the outcome's `artifact` names the PNG). An unusable URI or profile
// reports `offline` with a message for staff. `assets_dir` empty: printer::default_assets_dir().
std::unique_ptr<ReceiptPrinter> open_receipt_printer(const std::string& uri, const std::string& profile = "generic-80",
                                                     const std::string& assets_dir = "");

}  // namespace yimen::kiosk
