// receipt_document.cpp — a receipt document to and from the print journal's JSON (see receipt_document.hpp).
#include "kiosk/model/receipt_document.hpp"

#include "kiosk/model/json_util.hpp"

namespace yimen::kiosk {

nlohmann::json ReceiptDocument::template_data() const {
    nlohmann::json d = data.is_object() ? data : nlohmann::json::object();
    if (reprint) d["reprint"] = true;
    return d;
}

nlohmann::json ReceiptDocument::to_json() const {
    nlohmann::json j{{"template", template_name}, {"receipt_number", receipt_number}, {"data", data}};
    if (reprint) j["reprint"] = true;
    return j;
}

ReceiptDocument ReceiptDocument::from_json(const nlohmann::json& j) {
    ReceiptDocument d;
    d.template_name = json_str(j, "template");
    d.receipt_number = json_str(j, "receipt_number");
    if (j.contains("data") && j["data"].is_object()) d.data = j["data"];
    d.reprint = json_bool(j, "reprint");
    return d;
}

}  // namespace yimen::kiosk
