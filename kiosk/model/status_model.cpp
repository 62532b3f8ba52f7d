// status_model.cpp — see status_model.hpp.
#include "kiosk/model/status_model.hpp"

#include "policy/receipt_number.hpp"
#include "sync/protocol.hpp"

namespace yimen::kiosk {

std::string last4_hash(const std::string& receipt, const std::string& last4) {
    std::string l = last4;
    for (auto& c : l)
        if (c == 'x') c = 'X';
    // The county's own tag, so a case pulled from the county and a case recorded here are checked the same way.
    return sync::protocol::id_last4_tag(receipt, l);
}

std::optional<std::string> StatusModel::check(std::string& message) const {
    auto r = parse_receipt_number(receipt.value);
    if (!r) {
        message = "status.err_receipt";
        return std::nullopt;
    }
    if (last4.value.size() != 4) {
        message = "status.err_last4";
        return std::nullopt;
    }
    return r.value().text;
}

void StatusModel::show(const CaseRecord& c, bool from_county, UtcMillis now, const PolicyData& data,
                       CivilDate today) {
    record = c;
    online = from_county;
    age_ms = now - c.updated_ms;
    phase = StatusPhase::result;
    evaluated = {};
    if (auto* p = data.rules.programme(c.programme); p && !c.history.empty())
        evaluated = evaluate_case(*p, c.facts, c.history, today, data.calendar, data.rules);
}

}  // namespace yimen::kiosk
