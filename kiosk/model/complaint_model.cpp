// complaint_model.cpp — see complaint_model.hpp.
#include "kiosk/model/complaint_model.hpp"

#include "kiosk/model/text.hpp"

namespace yimen::kiosk {

const std::vector<std::string>& complaint_categories() {
    static const std::vector<std::string> c = {"attitude", "slow", "extra_materials", "unfair", "integrity",
                                               "suggestion"};
    return c;
}

bool ComplaintState::validate(std::string& message) const {
    if (category.empty()) {
        message = "complaint.err_category";
        return false;
    }
    if (utf8::length(trim(text.value)) < 2) {
        message = "complaint.err_text";
        return false;
    }
    if (!anonymous && (contact.value.size() != 11 || !all_digits(contact.value))) {
        message = "complaint.err_contact";
        return false;
    }
    return true;
}

}  // namespace yimen::kiosk
