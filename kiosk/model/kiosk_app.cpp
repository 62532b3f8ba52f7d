// kiosk_app.cpp — the app model's sessions, navigation, printing and the resident's services (see kiosk_app.hpp).
#include "kiosk/model/kiosk_app.hpp"

#include <algorithm>
#include <chrono>

#include "kiosk/model/json_util.hpp"
#include "kiosk/model/pin.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {

KioskApp::KioskApp(KioskDeps deps)
    : config_(std::move(deps.config)),
      data_(deps.data),
      i18n_(deps.i18n),
      clock_(deps.clock),
      store_(std::move(deps.store)),
      printer_(std::move(deps.printer)),
      sync_(std::move(deps.sync)),
      pinyin_(deps.pinyin),
      recognizer_(deps.handwriting),
      policy_source_(std::move(deps.policy_source)),
      router_(config_, *clock_),
      print_service_(std::make_unique<PrintService>(config_, *clock_, *printer_)) {
    // The records lane's own connection (WAL: its BEGIN IMMEDIATE never makes the frame wait). Opened here, used
    // only there; when it cannot be opened every record says so instead of being written from the frame.
    if (auto lane_store = KioskStore::open(config_.db_path(), config_.kiosk_id, *clock_)) {
        records_store_ = std::move(lane_store).value();
        records_ = std::make_unique<RecordServices>(*records_store_, config_, *data_, *clock_);
        staff_session_ = std::make_unique<StaffSession>(*records_store_, config_, *clock_);
    }
}

KioskApp::~KioskApp() = default;

std::string KioskApp::record_error(const Error& e) const {
    if (e.code == "save_failed") return tr("err.save_failed");
    if (e.code == "already_rated") return tr("rating.already");
    if (e.code == "not_waiting" || e.code == "not_submitted") return tr("staff.err_not_waiting");
    if (e.code == "materials_missing") {  // the message lists the documents' codes, comma-separated
        std::string names;
        for (std::size_t at = 0; at <= e.message.size();) {
            auto end = std::min(e.message.find(',', at), e.message.size());
            names += (names.empty() ? "" : tr("list.sep")) + data_->rules.document_name(e.message.substr(at, end - at));
            at = end + 1;
        }
        return i18n_->fmt("staff.err_materials", {names});
    }
    // The store's and policy/'s own errors: by their code in the screen's language (err.store.<code>).
    return i18n_->error("store", e);
}

std::string KioskApp::programme_name(const std::string& id) const {
    if (auto* p = data_->rules.programme(id)) return p->name;
    return id;
}

records::Actor KioskApp::actor() const {
    if (staff.logged()) return {"staff", staff.logged_in};
    return {"resident", ""};
}

// ---- sessions ----------------------------------------------------------------------------------------------------

void KioskApp::touched() { router_.touched(); }

bool KioskApp::idle_warning() const { return router_.idle_warning(staff.logged()); }

int KioskApp::idle_seconds_left() const { return router_.idle_seconds_left(); }

std::int64_t KioskApp::next_timer_ms() const { return router_.next_timer_ms(staff.logged()); }

bool KioskApp::tick() {
    bool changed = false;
    auto due = router_.check(staff.logged());
    if (due.staff_logout) {
        staff_logout("timeout");
        changed = true;
        due = router_.check(staff.logged());
    }
    // The sync page's queue figures follow the journal while it is up.
    if (screen() == Screen::staff && staff.page == StaffPage::sync && clock_->now_utc_ms() - staff_view_read_ms_ >= 2000)
        refresh_staff_view();
    if (due.wipe) {
        wipe_session();
        notice = tr("home.session_ended");
        return true;
    }
    return changed || due.warning;  // the countdown changes every second
}

void KioskApp::wipe_session() {
    if (staff.logged()) staff_logout("timeout");
    intake.reset();
    status.reset();
    rating.reset();
    complaint.reset();
    policy.reset();
    staff = StaffState{};
    staff_view_ = StaffView{};
    focused_ = nullptr;
    latin_ = false;
    scanner_.reset();
    if (pinyin_) pinyin_->clear();
    const int generation = handwriting.generation + 1;  // a recognition still running must not land afterwards
    handwriting = HandwritingState{};
    handwriting.generation = generation;
    if (recognizer_) runner_.run(Lane::ink, [r = recognizer_] { r->release(); });  // after any recognition still queued
    router_.wiped();
}

// ---- navigation ----------------------------------------------------------------------------------------------------

void KioskApp::go(Screen s) {
    focused_ = nullptr;
    if (pinyin_) pinyin_->clear();
    notice.clear();
    if (s == Screen::rating && staff.logged()) {
        notice = tr("rating.err_staff_mode");
        router_.show(Screen::staff);
        staff.error = notice;
        return;
    }
    if (s == Screen::rating && rating.phase == RatingPhase::done) rating.reset();
    if (s == Screen::complaint && complaint.phase == ComplaintPhase::done) complaint.reset();
    if (s == Screen::status && status.phase != StatusPhase::entry && screen() != Screen::status) status.reset();
    if (s == Screen::policy && policy.hits.empty() && policy.open_article.empty()) policy.refresh(articles_, data_->articles);
    if (s == Screen::rating && rating.served_by.empty()) rating.served_by = last_served_by;
    router_.show(s);
}

void KioskApp::go_home() {
    // Leaving a service ends what the resident typed in it.
    if (screen() == Screen::intake && intake.assisted && staff.logged()) {
        intake.reset();
        focused_ = nullptr;
        router_.show(Screen::staff);
        staff.page = StaffPage::menu;
        return;
    }
    intake.reset();
    status.reset();
    rating.reset();
    complaint.reset();
    policy.reset();
    focused_ = nullptr;
    if (pinyin_) pinyin_->clear();
    router_.show(staff.logged() ? Screen::staff : Screen::home);
    if (staff.logged()) staff.page = StaffPage::menu;
}

void KioskApp::set_language(const std::string& lang) { i18n_->set_language(lang); }

// ---- printing ----------------------------------------------------------------------------------------------------------

void KioskApp::print(ReceiptDocument doc, std::int64_t reprint_of) {
    printing.busy = true;
    printing.message = tr("print.printing");
    auto* service = print_service_.get();
    std::function<PrintOutcome()> work = [service, doc = std::move(doc), reprint_of] {
        return service->print(doc, reprint_of);
    };
    runner_.submit<PrintOutcome>(Lane::print, std::move(work), [this](PrintOutcome out) {
        printing.busy = false;
        printing.ok = out.ok();
        // The lane's own failures are string-table keys; the printer driver's sentences go by outcome.
        printing.message = out.message.rfind("print.err_", 0) == 0 ? tr(out.message)
                                                                    : i18n_->error("print", {out.outcome, out.message});
        printing.last_artifact = out.artifact;
    });
}

// ---- intake --------------------------------------------------------------------------------------------------------------

void KioskApp::intake_start(bool assisted) {
    intake.reset();
    intake.assisted = assisted && staff.logged();
    intake.operator_id = intake.assisted ? staff.logged_in : "";
    focused_ = nullptr;
    router_.show(Screen::intake);
}

void KioskApp::intake_next() {
    focused_ = nullptr;
    if (pinyin_) pinyin_->clear();
    auto today = clock_->today();
    if (intake.saving) return;  // one record per tap, however often the button is pressed while it saves
    if (intake.step == IntakeStep::review) {
        submit_intake();
        return;
    }
    if (intake.step == IntakeStep::referral_identity) {
        if (intake.next(*data_, today, *i18n_)) submit_referral();
        return;
    }
    if (intake.step == IntakeStep::done || intake.step == IntakeStep::referral_done) {
        go_home();
        return;
    }
    intake.next(*data_, today, *i18n_);
}

void KioskApp::intake_back() {
    focused_ = nullptr;
    if (intake.step == IntakeStep::need) {
        go_home();
        return;
    }
    intake.back(data_->rules);
}

void KioskApp::submit_intake() {
    auto sub = intake.submission(*data_, config_.township_code, config_.county_key, clock_->today());
    intake.error.clear();
    intake.saving = true;
    const int generation = router_.wipe_generation();
    const auto who = actor();
    on_records<Result<records::ApplicationSubmitted>>(
        [sub, who](RecordServices& r) { return r.submit_application(sub, who); },
        [this, generation](Result<records::ApplicationSubmitted> done) {
            intake.saving = false;
            // The resident left and the session was wiped: the record is kept, nothing of it goes to the screen
            // or the printer in front of the next person.
            if (generation != router_.wipe_generation()) return;
            if (!done) {
                intake.error = record_error(done.error());
                return;
            }
            const auto& submitted = done.value();
            if (intake.assisted) last_served_by = intake.operator_id;
            intake.receipt_number = submitted.receipt_number;
            intake.estimate_fen = submitted.estimate_fen;
            intake.missing_names.clear();
            for (auto& m : submitted.materials_missing) intake.missing_names.push_back(data_->rules.document_name(m));
            // What the resident typed is not needed any more: the receipt and the record carry it.
            intake.name.clear();
            intake.id_number.clear();
            intake.phone.clear();
            intake.address.clear();
            intake.members.clear();
            intake.hardship.clear();
            intake.step = IntakeStep::done;
            print(intake_receipt(receipt_context(), submitted));
        });
}

void KioskApp::submit_referral() {
    records::ReferralIssued r;
    r.programme = intake.programme;
    auto* prog = data_->rules.programme(intake.programme);
    r.department = prog ? prog->department : "";
    r.need = trim(intake.referral_need.value);
    r.channel = intake.assisted ? "assisted" : "self";
    r.operator_id = intake.assisted ? intake.operator_id : "";
    std::string name = intake.name.value;
    intake.error.clear();
    intake.saving = true;
    const int generation = router_.wipe_generation();
    const auto who = actor();
    on_records<Result<ReferralRecorded>>(
        [r, name, who](RecordServices& s) { return s.issue_referral(r, name, who); },
        [this, generation](Result<ReferralRecorded> done) {
            intake.saving = false;
            if (generation != router_.wipe_generation()) return;
            if (!done) {
                intake.error = record_error(done.error());
                return;
            }
            intake.receipt_number = done.value().referral.receipt_number;
            intake.name.clear();
            intake.phone.clear();
            intake.referral_need.clear();
            intake.step = IntakeStep::referral_done;
            print(referral_receipt(receipt_context(), done.value().referral, done.value().masked_name));
        });
}

// ---- status ------------------------------------------------------------------------------------------------------------

void KioskApp::status_query() {
    focused_ = nullptr;
    std::string msg;
    auto rn = status.check(msg);
    if (!rn) {
        status.error = tr(msg);
        return;
    }
    status.error.clear();
    status.phase = StatusPhase::waiting;
    std::string last4 = status.last4.value;
    std::string receipt = *rn;
    auto* link = sync_.get();
    runner_.submit<RemoteStatus>(
        Lane::county,
        [link, receipt, last4] {
            try {
                return link->query_status(receipt, last4);
            } catch (const std::exception&) {
                return RemoteStatus{};
            }
        },
        [this, receipt, last4](RemoteStatus remote) { show_status_result(receipt, last4, remote); });
}

void KioskApp::show_status_result(const std::string& receipt, const std::string& last4, const RemoteStatus& remote,
                                  bool scanned) {
    if (status.phase != StatusPhase::waiting) return;  // the resident left (or the session was wiped)
    const int generation = router_.wipe_generation();
    const auto who = actor();
    on_records<std::optional<CaseRecord>>(
        [receipt, last4, remote, scanned, who](RecordServices& r) {
            return r.record_status_query(receipt, last4, remote, scanned, who);
        },
        [this, generation, online = remote.reachable, scanned](std::optional<CaseRecord> rec) {
            if (generation != router_.wipe_generation() || status.phase != StatusPhase::waiting) return;
            if (!rec) {
                status.phase = StatusPhase::not_found;
                return;
            }
            status.show(*rec, online, clock_->now_utc_ms(), *data_, clock_->today());
            status.scanned = scanned;
        });
}

void KioskApp::status_rate() {
    std::string receipt = status.record ? status.record->receipt_number : "";
    status.reset();
    go(Screen::rating);
    if (screen() == Screen::rating) rating.receipt.value = receipt;
}

// ---- rating and quiz ------------------------------------------------------------------------------------------------

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

// ---- complaint ------------------------------------------------------------------------------------------------------------

void KioskApp::complaint_submit() {
    focused_ = nullptr;
    if (complaint.saving) return;
    std::string msg;
    if (!complaint.validate(msg)) {
        complaint.error = tr(msg);
        return;
    }
    complaint.error.clear();
    records::ComplaintFiled c;
    c.category = complaint.category;
    c.text = trim(complaint.text.value);
    c.anonymous = complaint.anonymous;
    c.contact = complaint.anonymous ? "" : complaint.contact.value;
    complaint.saving = true;
    const int generation = router_.wipe_generation();
    on_records<Result<ComplaintRecorded>>(
        [c](RecordServices& s) { return s.file_complaint(c); },
        [this, generation](Result<ComplaintRecorded> done) {
            complaint.saving = false;
            if (generation != router_.wipe_generation()) return;
            if (!done) {
                complaint.error = record_error(done.error());
                return;
            }
            auto& filed = done.value().complaint;
            complaint.receipt_number = filed.receipt_number;
            complaint.query_code = done.value().query_code;
            complaint.text.clear();
            complaint.contact.clear();
            complaint.phase = ComplaintPhase::done;
            print(complaint_receipt(receipt_context(), filed, done.value().query_code,
                                    tr("complaint.cat." + filed.category)));
        });
}

// ---- policy ---------------------------------------------------------------------------------------------------------------

void KioskApp::policy_search() {
    if (focused_ && pinyin_ && pinyin_->ready() && pinyin_->composing()) focused_->value += pinyin_->select(0);
    focused_ = nullptr;
    policy.open_article.clear();
    policy.refresh(articles_, data_->articles);
}

void KioskApp::policy_category(const std::string& c) {
    policy.category = policy.category == c ? "" : c;
    policy.open_article.clear();
    policy.refresh(articles_, data_->articles);
}

void KioskApp::policy_open(const std::string& id) {
    focused_ = nullptr;
    policy.open_article = id;
}

void KioskApp::policy_close() { policy.open_article.clear(); }

}  // namespace yimen::kiosk
