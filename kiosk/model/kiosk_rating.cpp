// kiosk_rating.cpp — the 满意度评价 screen's controller (view: ui/view_rating.cpp; model: rating_model.hpp): the
// grade, its sub-indicators and reasons, the rating and the quiz answers recorded on the records lane.
#include "kiosk/model/kiosk_app.hpp"

#include <algorithm>

#include "kiosk/model/json_util.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"
#include "base/civil_date.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {

namespace {

void toggle(std::set<std::string>& set, const std::string& code) {
    if (!set.erase(code)) set.insert(code);
}

}  // namespace

void KioskApp::rating_submit() {
    focused_ = nullptr;
    if (staff.logged()) {
        rating.error = tr("rating.err_staff");
        return;
    }
    if (rating.saving) return;
    std::string msg;
    auto r = rating.build(data_->rating, msg);
    if (!r) {
        rating.error = tr(msg);
        return;
    }
    rating.error.clear();
    rating.saving = true;
    const int generation = router_.wipe_generation();
    on_records<Status>([given = *r](RecordServices& s) { return s.give_rating(given); },
                       [this, generation](Status done) {
                           rating.saving = false;
                           if (generation != router_.wipe_generation()) return;
                           if (!done) {
                               rating.error = record_error(done.error());
                               return;
                           }
                           auto seed = static_cast<std::uint64_t>(clock_->now_utc_ms());
                           rating.questions = data_->quiz.pick(3, seed);
                           rating.question = 0;
                           rating.chosen = -1;
                           rating.phase = rating.questions.empty() ? RatingPhase::done : RatingPhase::quiz;
                       });
}

void KioskApp::rating_answer(int choice) { rating.choose(choice); }

void KioskApp::rating_next() {
    if (!rating.next_question()) rating_finish();
}

void KioskApp::rating_finish() {
    if (!rating.answers.empty()) {
        records::QuizAnswered q{data_->quiz.version(), rating.answers};
        // Nothing on screen depends on it: the thank-you shows at once.
        on_records<Status>([q](RecordServices& s) { return s.answer_quiz(q); }, [](Status) {});
    }
    rating.phase = RatingPhase::done;
}

void KioskApp::rating_grade(int level) {
    rating.level = level;
    rating.error.clear();
}

void KioskApp::rating_sub(const std::string& code, int stars) { rating.subs[code] = std::clamp(stars, 1, 5); }

void KioskApp::rating_toggle_reason(const std::string& code) { toggle(rating.reasons, code); }

}  // namespace yimen::kiosk
