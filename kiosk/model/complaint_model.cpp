// complaint_model.cpp — see complaint_model.hpp.
#include "kiosk/model/complaint_model.hpp"

#include "kiosk/model/text.hpp"

namespace yimen::kiosk {

const std::vector<std::string>& complaint_categories() {
    static const std::vector<std::string> c = {"attitude", "slow", "extra_materials", "unfair", "integrity",
                                               "suggestion"};
    return c;
}

bool ComplaintState::validate() {
    error.clear();
    if (category.empty()) {
        error = "请选择投诉或建议的类别";
        return false;
    }
    if (utf8::length(trim(text.value)) < 2) {
        error = "请写下您要反映的情况";
        return false;
    }
    if (!anonymous && (contact.value.size() != 11 || !all_digits(contact.value))) {
        error = "请留下 11 位手机号码，或者选择匿名";
        return false;
    }
    return true;
}

}  // namespace yimen::kiosk
