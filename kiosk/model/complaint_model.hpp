// complaint_model.hpp — 投诉建议: category, text, optional contact (anonymous allowed); a 投诉回执 with its number and
// a 4-digit query code (stored hashed) so an anonymous complainant can follow up.
#pragma once
#include <string>
#include <vector>

#include "kiosk/model/fields.hpp"

namespace yimen::kiosk {

enum class ComplaintPhase { form, done };

struct ComplaintState {
    ComplaintPhase phase = ComplaintPhase::form;
    std::string category;
    TextField text{"complaint.text", InputKind::chinese, 500, "", false};
    bool anonymous = true;
    TextField contact{"complaint.contact", InputKind::phone, 11, "", false};
    std::string error;
    bool saving = false; // submitted, the records lane has not answered yet
    std::string receipt_number;
    std::string query_code;   // shown once, printed once, stored only hashed

    // Checks the form; false with `message` set to a string-table key.
    bool validate(std::string& message) const;
    void reset() { *this = ComplaintState{}; }
};

const std::vector<std::string>& complaint_categories();   // codes; labels are i18n "complaint.cat.<code>"

}  // namespace yimen::kiosk
