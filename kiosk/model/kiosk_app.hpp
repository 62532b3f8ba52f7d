// kiosk_app.hpp — the app model (no ImGui, no SDL): which screen is up, every screen's state, the intents the views
// return, and the effects behind them. Records go through the record services on the records lane, printing on the
// print lane, county queries on the county lane (task_runner.hpp); results come back through the main-thread queue.
// The implementation is split by concern: kiosk_app.cpp (sessions, navigation, resident services),
// kiosk_staff.cpp (staff mode), kiosk_input.cpp (text entry, handwriting, scanner), demo_seed.cpp.
#pragma once
#include "policy/receipt_number.hpp"
#include "base/sqlite.hpp"
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "kiosk/model/receipt_document.hpp"
#include "kiosk/model/complaint_model.hpp"
#include "kiosk/model/config.hpp"
#include "kiosk/model/i18n.hpp"
#include "kiosk/model/id_card.hpp"
#include "kiosk/model/intents.hpp"
#include "kiosk/model/intake_model.hpp"
#include "kiosk/model/policy_model.hpp"
#include "kiosk/model/policy_source.hpp"
#include "kiosk/model/ports.hpp"
#include "kiosk/model/print_journal.hpp"
#include "kiosk/model/print_service.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/router.hpp"
#include "kiosk/model/rating_model.hpp"
#include "kiosk/model/record_services.hpp"
#include "kiosk/model/scanner.hpp"
#include "kiosk/model/staff_model.hpp"
#include "kiosk/model/staff_session.hpp"
#include "kiosk/model/status_model.hpp"
#include "kiosk/model/store.hpp"
#include "kiosk/model/task_runner.hpp"

namespace yimen::kiosk {

struct KioskDeps {
    KioskConfig config;
    const PolicyData* data = nullptr;
    I18n* i18n = nullptr;
    const Clock* clock = nullptr;
    std::unique_ptr<KioskStore> store;
    std::unique_ptr<ReceiptPrinter> printer;
    std::unique_ptr<SyncService> sync;
    PinyinPort* pinyin = nullptr;        // may be null (tests without rime)
    HandwritingPort* handwriting = nullptr;  // may be null (then the pad says so and pinyin stays)
    PolicySource policy_source;              // where `data` came from (shown to staff)
    std::unique_ptr<IdCardPort> id_card;     // the ID card reader; null: none configured (typing only)
};

// The handwriting pad's state: the strokes of the character being written (personal data: a name is written here,
// so they go with the session) and what the recogniser made of them.
struct HandwritingState {
    bool on = false;                      // the pad replaces the letter keys for Chinese fields
    std::vector<PenStroke> strokes;
    int pad_w = 0, pad_h = 0;             // the pad's size in pixels when the strokes were written
    std::vector<std::string> candidates;  // best first; empty while nothing is written
    std::string error;                    // the recogniser is unavailable: said in words, pinyin still works
    int generation = 0;                   // a result for older strokes is dropped
};

struct PrintStatus {
    bool busy = false;
    bool ok = true;
    std::string message;
    std::string last_artifact;
};

class KioskApp final : public KioskIntents {
public:
    explicit KioskApp(KioskDeps deps);
    ~KioskApp() override;
    KioskApp(const KioskApp&) = delete;
    KioskApp& operator=(const KioskApp&) = delete;

    // ---- main-thread queue (workers post, the frame drains) -------------------------------------------------
    void post(std::function<void()> fn) { runner_.post(std::move(fn)); }
    bool drain() { return runner_.drain(); }
    void set_wake(std::function<void()> wake) { runner_.set_wake(std::move(wake)); }
    // Tests and scripts: waits until the lanes' results are applied.
    void settle(int timeout_ms = 5000) { runner_.settle(timeout_ms); }
    TaskRunner& runner() { return runner_; }
    void set_article_index(const ArticleIndex* index) { articles_ = index; }

    // ---- sessions -------------------------------------------------------------------------------------------
    void touched() override;
    // Checks the idle clocks; true when the state changed (warning shown, session wiped, staff logged out).
    bool tick();
    bool idle_warning() const;
    int idle_seconds_left() const;
    // Milliseconds until a timer needs a redraw (the countdown ticks each second), or -1.
    std::int64_t next_timer_ms() const;
    void wipe_session();
    int wipe_generation() const { return router_.wipe_generation(); }

    // ---- navigation -----------------------------------------------------------------------------------------
    Screen screen() const { return router_.screen(); }
    void go(Screen s) override;
    void go_home() override;
    void set_language(const std::string& lang) override;

    // ---- text entry -----------------------------------------------------------------------------------------
    void focus(const TextField* f) override;
    TextField* focused() const { return focused_; }
    bool latin() const { return latin_; }
    void toggle_latin() override;
    void type_char(char c) override;       // a pad key or a letter on the keyboard
    void backspace() override;
    void space() override;
    void pick_candidate(int i) override;
    void candidate_page(bool next) override;
    void keyboard_done() override;
    std::string preedit() const;
    std::vector<std::string> candidates() const;
    bool candidates_more() const;
    bool candidates_less() const;
    bool pinyin_ready() const { return pinyin_ && pinyin_->ready(); }
    // Handwriting: the pad toggles with the letter keys; each finished stroke is recognised on a worker.
    void toggle_handwriting() override;
    void handwriting_stroke(PenStroke stroke, int pad_w, int pad_h);
    void handwriting_pick(int i) override;
    void handwriting_clear() override;
    HandwritingState handwriting;
    // Physical keyboard (a USB scanner): text, Enter, with SDL timestamps.
    void physical_text(const std::string& s, std::int64_t t_ms);
    void physical_enter(std::int64_t t_ms);

    // ---- screen intents -------------------------------------------------------------------------------------
    void intake_start(bool assisted) override;
    void intake_next() override;
    void intake_back() override;
    void status_query() override;
    void status_rate() override;
    void rating_submit() override;
    void rating_answer(int choice) override;
    void rating_next() override;
    void rating_finish() override;
    void complaint_submit() override;
    void policy_search() override;
    void policy_category(const std::string& c) override;
    void policy_open(const std::string& id) override;
    void policy_close() override;
    void staff_login() override;
    void staff_logout(const std::string& reason) override;
    void staff_page(StaffPage p) override;
    void staff_open(const std::string& receipt) override;
    void staff_accept() override;
    void staff_record_missing() override;
    void staff_reprint() override;
    void staff_test_page() override;
    void staff_sync_now() override;
    void staff_check_printer() override;
    // Form edits (kiosk_forms.cpp): each changes one thing the resident or staff chose.
    void intake_choose_need(const std::string& programme) override;
    void intake_choose(IntakeChoice which, const std::string& code) override;
    void intake_adjust(IntakeCount which, int delta) override;
    void intake_add_member() override;
    void intake_cancel_member() override;
    void intake_save_member() override;
    void intake_remove_member(std::size_t index) override;
    void intake_toggle_student() override;
    void intake_add_hardship_phrase(const std::string& phrase) override;
    void intake_set_close_relative(bool yes) override;
    void intake_toggle_material(const std::string& code) override;
    void intake_consent(Consent which) override;
    void rating_grade(int level) override;
    void rating_sub(const std::string& code, int stars) override;
    void rating_toggle_reason(const std::string& code) override;
    void complaint_category(const std::string& code) override;
    void complaint_toggle_anonymous() override;
    void staff_toggle_checked(const std::string& material) override;
    void staff_pick_reprint(const std::string& receipt) override;
    // The ID card on the reader (kiosk_idcard.cpp): the resident takes the offered card's data into the screen's
    // fields, or declines it and types.
    void id_card_use() override;
    void id_card_dismiss() override;

    // ---- state the views draw ---------------------------------------------------------------------------------
    const KioskConfig& config() const { return config_; }
    const PolicyData& data() const { return *data_; }
    const I18n& i18n() const { return *i18n_; }
    const std::string& tr(const std::string& key) const { return i18n_->tr(key); }
    const Clock& clock() const { return *clock_; }
    // Tests and kiosk-ctl: the main thread's connection (views never use it).
    KioskStore& store() { return *store_; }
    SyncService& sync() { return *sync_; }
    // The county link's last published state (a copy under its own short lock; never waits on the network).
    SyncSnapshot sync_snapshot() const { return sync_->snapshot(); }
    ReceiptPrinter& printer() { return *printer_; }
    std::string programme_name(const std::string& id) const;
    // The staff pages' data, as last read on the records lane.
    const StaffView& staff_view() const { return staff_view_; }
    std::string printer_description() const { return print_service_->describe(); }
    const PolicySource& policy_source() const { return policy_source_; }
    // The key id personal fields are sealed to (none: schema 1), and why a configured key could not be read.
    std::optional<std::string> sealing_key_id() const;
    const std::string& sealing_problem() const { return sealing_problem_; }

    IntakeModel intake;
    StatusModel status;
    RatingState rating;
    ComplaintState complaint;
    PolicyState policy;
    StaffState staff;
    PrintStatus printing;
    IdCardState id_card;
    // A screen that takes a card from the reader is up: the identity steps, the status query's entry.
    bool card_screen() const;
    std::string notice;           // one line on the home screen (e.g. after a wipe or a refused action)
    std::string last_served_by;   // the staff member who last served at this kiosk (for ratings)

private:
    // On the print lane; `reprint_of`: the first attempt's journal id when staff reprint.
    void print(ReceiptDocument doc, std::int64_t reprint_of = 0);
    void submit_intake();
    void submit_referral();
    // Runs `work` with the records lane's services, then `done` on the main thread.
    template <class T>
    void on_records(std::function<T(RecordServices&)> work, std::function<void(T)> done);
    void login_on_records(const std::string& id, const std::string& pin);
    void show_status_result(const std::string& receipt, const std::string& last4, const RemoteStatus& remote,
                            bool scanned = false);
    // The words for a record service's error (codes from record_services.hpp).
    std::string record_error(const Error& e) const;
    ReceiptContext receipt_context() const { return {config_, *data_, *clock_}; }
    records::Actor actor() const;
    void staff_login_result(const std::string& id, const LoginOutcome& outcome);
    void recognise_handwriting();
    void refresh_staff_view();
    // The ID card reader (kiosk_idcard.cpp): polled on the card lane while a screen can take a card, or an end
    // screen says to take it back.
    bool card_polled_screen() const;
    void update_card_watch();
    void on_card_event(const IdCardEvent& event);

    KioskConfig config_;
    const PolicyData* data_;
    I18n* i18n_;
    const Clock* clock_;
    std::unique_ptr<KioskStore> store_;   // the main thread's connection: reads for the screens
    std::unique_ptr<ReceiptPrinter> printer_;
    std::unique_ptr<SyncService> sync_;
    PinyinPort* pinyin_;
    HandwritingPort* recognizer_;
    const ArticleIndex* articles_ = nullptr;
    PolicySource policy_source_;
    std::string sealing_problem_;

    Router router_;
    TextField* focused_ = nullptr;
    bool latin_ = false;
    ScannerDetector scanner_;
    StaffView staff_view_;
    bool fill_checked_ = false;          // the opened application's received materials pre-tick the checklist
    UtcMillis staff_view_read_ms_ = 0;

    // Used only on their lanes: the records lane's own connection and services, the print lane's service.
    std::unique_ptr<KioskStore> records_store_;
    std::unique_ptr<RecordServices> records_;
    std::unique_ptr<StaffSession> staff_session_;
    std::unique_ptr<PrintService> print_service_;
    std::unique_ptr<IdCardPort> id_card_port_;  // used only by the card lane's loop
    std::shared_ptr<IdCardWatch> card_watch_ = std::make_shared<IdCardWatch>();
    // Declared last: destroyed first, so lanes finish before what they use goes away.
    TaskRunner runner_;
};

namespace detail {

// What a records-lane job answers when the lane has no database connection.
template <class T>
struct Unavailable {
    static T make() {
        if constexpr (std::is_constructible_v<T, Error>) return Error{"save_failed", "the records connection could not be opened"};
        else return T{};  // reads: nothing to show
    }
};
template <>
struct Unavailable<LoginOutcome> {
    static LoginOutcome make() { return {LoginOutcome::Kind::not_saved, "", 0, 0}; }
};

}  // namespace detail

template <class T>
void KioskApp::on_records(std::function<T(RecordServices&)> work, std::function<void(T)> done) {
    auto* services = records_.get();
    runner_.submit<T>(
        Lane::records,
        [services, work = std::move(work)]() -> T { return services ? work(*services) : detail::Unavailable<T>::make(); },
        std::move(done));
}

// Demo setup: staff accounts 1001/123456 and 1002/654321 and two cases in progress, when the store is empty.
Status seed_demo(KioskStore& store, const KioskConfig& config, const PolicyData& data, const Clock& clock);

}  // namespace yimen::kiosk
