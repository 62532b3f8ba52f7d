// kiosk_app.cpp — the app model's sessions, navigation and printing (see kiosk_app.hpp); each screen's controller is
// its own file: kiosk_intake, kiosk_status, kiosk_rating, kiosk_complaint, kiosk_policy, kiosk_staff, kiosk_input.
#include "kiosk/model/kiosk_app.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

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
      print_service_(std::make_unique<PrintService>(config_, *clock_, *printer_)),
      id_card_port_(std::move(deps.id_card)) {
    id_card.configured = id_card_port_ != nullptr;
    // The records lane's own connection (WAL: its BEGIN IMMEDIATE never makes the frame wait). Opened here, used
    // only there; when it cannot be opened every record says so instead of being written from the frame.
    if (auto lane_store = KioskStore::open(config_.db_path(), config_.kiosk_id, *clock_)) {
        records_store_ = std::move(lane_store).value();
        records_ = std::make_unique<RecordServices>(*records_store_, config_, *data_, *clock_);
        staff_session_ = std::make_unique<StaffSession>(*records_store_, config_, *clock_);
    }
    // Personal fields are sealed to the county from the first record on (issue 11); a key that is configured but
    // unreadable is said at start and to staff, and records stay schema 1 until it is mended.
    auto key = resolve_sealing_key(config_, policy_source_);
    if (!key) {
        sealing_problem_ = key.error().message;
        std::cerr << "hall-kiosk: sealing key " << config_.sealing_public_key << " (" << key.error().code
                  << "): " << key.error().message << " -- records stay schema 1 (unsealed)\n";
    }
    const auto sealing_key = key ? *key : std::nullopt;
    if (store_) store_->events().set_sealing_key(sealing_key);
    if (records_store_) records_store_->events().set_sealing_key(sealing_key);
}

std::optional<std::string> KioskApp::sealing_key_id() const {
    return records_store_ ? records_store_->events().sealing_key_id() : std::nullopt;
}

KioskApp::~KioskApp() {
    card_watch_->stopping.store(true);  // the card lane's loop ends before the lanes are joined
}

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
    update_card_watch();
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
    card_watch_->generation.fetch_add(1);  // a card read for the last resident must not land on the next one's screen
    id_card.reset();
    update_card_watch();
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
        id_card.reset();
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
    id_card.reset();
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

}  // namespace yimen::kiosk
