// rating_model.hpp — 满意度评价: five 好差评 levels, optional sub-indicators, reasons (and a call-back number) when the
// grade is low, bound to a receipt number when the resident has one; then an optional 3-question awareness quiz.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kiosk/model/fields.hpp"
#include "policy/rating.hpp"
#include "policy/records.hpp"

namespace yimen::kiosk {

enum class RatingPhase { grade, quiz, done };

struct RatingState {
    RatingPhase phase = RatingPhase::grade;
    TextField receipt{"rating.receipt", InputKind::receipt, 24, "", false};
    TextField phone{"rating.phone", InputKind::phone, 11, "", false};
    int level = 0;
    std::map<std::string, int> subs;
    std::set<std::string> reasons;
    std::string served_by;   // the staff member logged in at the desk, if any
    std::string error;
    bool saving = false; // submitted, the records lane has not answered yet

    std::vector<const QuizQuestion*> questions;
    int question = 0;
    int chosen = -1;         // shown with the explanation once chosen
    std::vector<records::QuizAnswer> answers;
    int correct = 0;

    // Checks the form; on success the payload (receipt normalised, or empty when unbound), else `message` is a
    // string-table key.
    std::optional<records::RatingGiven> build(const RatingModel& model, std::string& message) const;
    void choose(int index);
    // Next question; false when the round is over.
    bool next_question();
    void reset() { *this = RatingState{}; }
};

}  // namespace yimen::kiosk
