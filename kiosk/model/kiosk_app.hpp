// kiosk_app.hpp — the app model (no ImGui, no SDL): which screen is up, every screen's state, the intents the views
// return, and the effects behind them (one transaction per record with its journal event, printing and county
// queries on workers that report back through a main-thread queue, idle wipe).
#pragma once
#include "policy/receipt_number.hpp"
#include "base/sqlite.hpp"
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/devices/handwriting.hpp"
#include "kiosk/devices/pinyin.hpp"
#include "kiosk/devices/receipt_printer.hpp"
#include "kiosk/devices/sync_service.hpp"
#include "kiosk/model/complaint_model.hpp"
#include "kiosk/model/config.hpp"
#include "kiosk/model/i18n.hpp"
#include "kiosk/model/intake_model.hpp"
#include "kiosk/model/policy_model.hpp"
#include "kiosk/model/print_journal.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/rating_model.hpp"
#include "kiosk/model/scanner.hpp"
#include "kiosk/model/staff_model.hpp"
#include "kiosk/model/status_model.hpp"
#include "kiosk/model/store.hpp"

namespace yimen::kiosk {

enum class Screen { home, intake, policy, status, rating, complaint, staff };
const char* screen_name(Screen s);

// One background thread running jobs in order (printing; county queries and PIN checks).
class Worker {
public:
    Worker();
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    void run(std::function<void()> job);
    bool idle();

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool busy_ = false;
    bool stop_ = false;
    std::thread thread_;
};

struct KioskDeps {
    KioskConfig config;
    const PolicyData* data = nullptr;
    I18n* i18n = nullptr;
    const Clock* clock = nullptr;
    std::unique_ptr<KioskStore> store;
    std::unique_ptr<ReceiptPrinter> printer;
    std::unique_ptr<SyncService> sync;
    PinyinEngine* pinyin = nullptr;      // may be null (tests without rime)
    HandwritingRecognizer* handwriting = nullptr;  // may be null (then the pad says so and pinyin stays)
};

// The handwriting pad's state: the strokes of the character being written (personal data: a name is written here,
// so they go with the session) and what the recogniser made of them.
struct HandwritingState {
    bool on = false;                      // the pad replaces the letter keys for Chinese fields
    std::vector<InkStroke> strokes;
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

class KioskApp {
public:
    explicit KioskApp(KioskDeps deps);
    ~KioskApp();
    KioskApp(const KioskApp&) = delete;
    KioskApp& operator=(const KioskApp&) = delete;

    // ---- main-thread queue (workers post, the frame drains) -------------------------------------------------
    void post(std::function<void()> fn);
    bool drain();
    void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
    // Tests and scripts: waits until workers are idle and their results applied.
    void settle(int timeout_ms = 5000);
    void set_article_index(const ArticleIndex* index) { articles_ = index; }

    // ---- sessions -------------------------------------------------------------------------------------------
    void touched();
    // Checks the idle clocks; true when the state changed (warning shown, session wiped, staff logged out).
    bool tick();
    bool idle_warning() const;
    int idle_seconds_left() const;
    // Milliseconds until a timer needs a redraw (the countdown ticks each second), or -1.
    std::int64_t next_timer_ms() const;
    void wipe_session();
    int wipe_generation() const { return wipe_generation_; }

    // ---- navigation -----------------------------------------------------------------------------------------
    Screen screen() const { return screen_; }
    void go(Screen s);
    void go_home();
    void set_language(const std::string& lang);

    // ---- text entry -----------------------------------------------------------------------------------------
    void focus(TextField* f);
    TextField* focused() const { return focused_; }
    bool latin() const { return latin_; }
    void toggle_latin();
    void type_char(char c);       // a pad key or a letter on the keyboard
    void backspace();
    void space();
    void pick_candidate(int i);
    void candidate_page(bool next);
    void keyboard_done();
    std::string preedit();
    std::vector<std::string> candidates();
    bool candidates_more();
    bool candidates_less();
    bool pinyin_ready() const { return pinyin_ && pinyin_->ready(); }
    // Handwriting: the pad toggles with the letter keys; each finished stroke is recognised on a worker.
    void toggle_handwriting();
    void handwriting_stroke(InkStroke stroke, int pad_w, int pad_h);
    void handwriting_pick(int i);
    void handwriting_clear();
    HandwritingState handwriting;
    // Physical keyboard (a USB scanner): text, Enter, with SDL timestamps.
    void physical_text(const std::string& s, std::int64_t t_ms);
    void physical_enter(std::int64_t t_ms);

    // ---- screen intents -------------------------------------------------------------------------------------
    void intake_start(bool assisted);
    void intake_next();
    void intake_back();
    void status_query();
    void status_rate();
    void rating_submit();
    void rating_answer(int choice);
    void rating_next();
    void rating_finish();
    void complaint_submit();
    void policy_search();
    void policy_category(const std::string& c);
    void policy_open(const std::string& id);
    void policy_close();
    void staff_login();
    void staff_logout(const std::string& reason);
    void staff_page(StaffPage p);
    void staff_open(const std::string& receipt);
    void staff_accept();
    void staff_record_missing();
    void staff_reprint();
    void staff_test_page();
    void staff_sync_now();
    void staff_check_printer();

    // ---- state the views draw ---------------------------------------------------------------------------------
    const KioskConfig& config() const { return config_; }
    const PolicyData& data() const { return *data_; }
    const I18n& i18n() const { return *i18n_; }
    const std::string& tr(const std::string& key) const { return i18n_->tr(key); }
    const Clock& clock() const { return *clock_; }
    KioskStore& store() { return *store_; }
    SyncService& sync() { return *sync_; }
    ReceiptPrinter& printer() { return *printer_; }
    std::string programme_name(const std::string& id) const;

    IntakeModel intake;
    StatusModel status;
    RatingState rating;
    ComplaintState complaint;
    PolicyState policy;
    StaffState staff;
    PrintStatus printing;
    std::string notice;           // one line on the home screen (e.g. after a wipe or a refused action)
    std::string last_served_by;   // the staff member who last served at this kiosk (for ratings)

private:
    // On the print worker; `reprint_of`: the first attempt's journal id when staff reprint.
    void print(ReceiptDocument doc, std::int64_t reprint_of = 0);
    void submit_intake();
    Result<ReceiptNumber> next_receipt(sqlite::Transaction& tx, ReceiptType type, CivilDate day);
    void submit_referral();
    void show_status_result(const std::string& receipt, const std::string& last4, const RemoteStatus& remote,
                            bool scanned = false);
    ReceiptContext receipt_context() const { return {config_, *data_, *clock_}; }
    records::Actor actor() const;
    void staff_login_result(const std::string& id, bool ok);

    KioskConfig config_;
    const PolicyData* data_;
    I18n* i18n_;
    const Clock* clock_;
    std::unique_ptr<KioskStore> store_;
    std::unique_ptr<ReceiptPrinter> printer_;
    std::unique_ptr<SyncService> sync_;
    PinyinEngine* pinyin_;
    HandwritingRecognizer* recognizer_;
    const ArticleIndex* articles_ = nullptr;

    Screen screen_ = Screen::home;
    TextField* focused_ = nullptr;
    bool latin_ = false;
    ScannerDetector scanner_;
    UtcMillis last_input_ms_ = 0;
    UtcMillis staff_last_input_ms_ = 0;
    bool warned_ = false;
    int wipe_generation_ = 0;

    std::mutex queue_mu_;
    std::deque<std::function<void()>> queue_;
    std::function<void()> wake_;
    std::unique_ptr<KioskPrintJournal> print_journal_;  // used only on the print worker
    std::unique_ptr<Worker> print_worker_;
    std::unique_ptr<Worker> net_worker_;
    std::unique_ptr<Worker> ink_worker_;   // recognition never waits behind a slow county query
    void recognise_handwriting();
    int pending_jobs_ = 0;
};

// Demo setup: staff accounts 1001/123456 and 1002/654321 and two cases in progress, when the store is empty.
Status seed_demo(KioskStore& store, const KioskConfig& config, const PolicyData& data, const Clock& clock);

}  // namespace yimen::kiosk
