// rating_model.cpp — see rating_model.hpp.
#include "kiosk/model/rating_model.hpp"

#include "kiosk/model/text.hpp"
#include "policy/receipt_number.hpp"

namespace yimen::kiosk {

std::optional<records::RatingGiven> RatingState::build(const RatingModel& model, std::string& message) const {
    records::RatingGiven r;
    if (level < 1 || level > 5) {
        message = "rating.err_level";
        return std::nullopt;
    }
    r.level = level;
    if (!trim(receipt.value).empty()) {
        auto n = parse_receipt_number(receipt.value);
        if (!n) {
            message = "rating.err_receipt";
            return std::nullopt;
        }
        r.receipt_number = n.value().text;
    }
    if (model.is_low(level) && reasons.empty()) {
        message = "rating.err_reasons";
        return std::nullopt;
    }
    if (!phone.value.empty() && (phone.value.size() != 11 || !all_digits(phone.value))) {
        message = "rating.err_phone";
        return std::nullopt;
    }
    r.sub_indicators = subs;
    if (model.is_low(level)) {
        r.reason_codes.assign(reasons.begin(), reasons.end());
        r.callback_phone = phone.value;
    }
    r.channel = served_by.empty() ? "kiosk" : "assisted";
    r.served_by = served_by;
    return r;
}

void RatingState::choose(int index) {
    if (question < 0 || question >= static_cast<int>(questions.size()) || chosen >= 0) return;
    chosen = index;
    const auto* q = questions[static_cast<std::size_t>(question)];
    bool ok = index == q->answer;
    if (ok) ++correct;
    answers.push_back({q->id, index, ok});
}

bool RatingState::next_question() {
    if (chosen < 0) return true;
    chosen = -1;
    ++question;
    return question < static_cast<int>(questions.size());
}

}  // namespace yimen::kiosk
