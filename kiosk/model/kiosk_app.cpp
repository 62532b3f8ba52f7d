// kiosk_app.cpp — the app model's effects and transitions (see kiosk_app.hpp).
#include "kiosk/model/kiosk_app.hpp"

#include <openssl/rand.h>

#include <chrono>

#include "kiosk/model/json_util.hpp"
#include "kiosk/model/pin.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {

const char* screen_name(Screen s) {
    switch (s) {
        case Screen::home: return "home";
        case Screen::intake: return "intake";
        case Screen::policy: return "policy";
        case Screen::status: return "status";
        case Screen::rating: return "rating";
        case Screen::complaint: return "complaint";
        case Screen::staff: return "staff";
    }
    return "home";
}

// ---- Worker ---------------------------------------------------------------------------------------------------

Worker::Worker() {
    thread_ = std::thread([this] {
        std::unique_lock lk(mu_);
        for (;;) {
            cv_.wait(lk, [this] { return stop_ || !jobs_.empty(); });
            if (stop_ && jobs_.empty()) return;
            auto job = std::move(jobs_.front());
            jobs_.pop_front();
            busy_ = true;
            lk.unlock();
            job();
            lk.lock();
            busy_ = false;
        }
    });
}

Worker::~Worker() {
    {
        std::lock_guard lk(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Worker::run(std::function<void()> job) {
    {
        std::lock_guard lk(mu_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

bool Worker::idle() {
    std::lock_guard lk(mu_);
    return jobs_.empty() && !busy_;
}

// ---- KioskApp ---------------------------------------------------------------------------------------------------

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
      print_worker_(std::make_unique<Worker>()),
      net_worker_(std::make_unique<Worker>()),
      ink_worker_(std::make_unique<Worker>()) {
    last_input_ms_ = clock_->now_utc_ms();
    staff_last_input_ms_ = last_input_ms_;
}

KioskApp::~KioskApp() {
    // Workers finish their current job before the store they report to goes away.
    print_worker_.reset();
    net_worker_.reset();
    ink_worker_.reset();
}

void KioskApp::post(std::function<void()> fn) {
    {
        std::lock_guard lk(queue_mu_);
        queue_.push_back(std::move(fn));
    }
    if (wake_) wake_();
}

bool KioskApp::drain() {
    std::deque<std::function<void()>> q;
    {
        std::lock_guard lk(queue_mu_);
        q.swap(queue_);
    }
    for (auto& f : q) f();
    return !q.empty();
}

void KioskApp::settle(int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
        drain();
        if (pending_jobs_ == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
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

void KioskApp::touched() {
    last_input_ms_ = clock_->now_utc_ms();
    staff_last_input_ms_ = last_input_ms_;
    warned_ = false;
}

bool KioskApp::idle_warning() const {
    if (screen_ == Screen::home && !staff.logged()) return false;
    auto idle = clock_->now_utc_ms() - last_input_ms_;
    return idle >= std::int64_t{config_.idle_warn_seconds} * 1000;
}

int KioskApp::idle_seconds_left() const {
    auto idle = clock_->now_utc_ms() - last_input_ms_;
    auto total = std::int64_t{config_.idle_warn_seconds + config_.idle_countdown_seconds} * 1000;
    auto left = (total - idle + 999) / 1000;
    return static_cast<int>(left < 0 ? 0 : left);
}

std::int64_t KioskApp::next_timer_ms() const {
    if (screen_ == Screen::home && !staff.logged()) return -1;
    auto now = clock_->now_utc_ms();
    auto warn_at = last_input_ms_ + std::int64_t{config_.idle_warn_seconds} * 1000;
    if (now < warn_at) return warn_at - now;
    return 1000 - ((now - warn_at) % 1000);
}

bool KioskApp::tick() {
    bool changed = false;
    auto now = clock_->now_utc_ms();
    if (staff.logged() && now - staff_last_input_ms_ >= std::int64_t{config_.staff_idle_seconds} * 1000) {
        staff_logout("timeout");
        changed = true;
    }
    if (screen_ == Screen::home && !staff.logged()) return changed;
    auto idle = now - last_input_ms_;
    if (idle >= std::int64_t{config_.idle_warn_seconds + config_.idle_countdown_seconds} * 1000) {
        wipe_session();
        notice = tr("home.session_ended");
        return true;
    }
    if (idle >= std::int64_t{config_.idle_warn_seconds} * 1000) {
        if (!warned_) changed = true;
        warned_ = true;
        return true;  // the countdown changes every second
    }
    return changed;
}

void KioskApp::wipe_session() {
    if (staff.logged()) staff_logout("timeout");
    intake.reset();
    status.reset();
    rating.reset();
    complaint.reset();
    policy.reset();
    staff = StaffState{};
    focused_ = nullptr;
    latin_ = false;
    scanner_.reset();
    if (pinyin_) pinyin_->clear();
    const int generation = handwriting.generation + 1;  // a recognition still running must not land afterwards
    handwriting = HandwritingState{};
    handwriting.generation = generation;
    if (recognizer_) ink_worker_->run([r = recognizer_] { r->release(); });  // after any recognition still queued
    screen_ = Screen::home;
    warned_ = false;
    last_input_ms_ = clock_->now_utc_ms();
    ++wipe_generation_;
}

// ---- navigation ----------------------------------------------------------------------------------------------------

void KioskApp::go(Screen s) {
    focused_ = nullptr;
    if (pinyin_) pinyin_->clear();
    notice.clear();
    if (s == Screen::rating && staff.logged()) {
        notice = "工作人员登录期间不能评价。请先退出工作人员模式，由群众本人评价。";
        screen_ = Screen::staff;
        staff.error = notice;
        return;
    }
    if (s == Screen::rating && rating.phase == RatingPhase::done) rating.reset();
    if (s == Screen::complaint && complaint.phase == ComplaintPhase::done) complaint.reset();
    if (s == Screen::status && status.phase != StatusPhase::entry && screen_ != Screen::status) status.reset();
    if (s == Screen::policy && policy.hits.empty() && policy.open_article.empty()) policy.refresh(articles_, data_->articles);
    if (s == Screen::rating && rating.served_by.empty()) rating.served_by = last_served_by;
    screen_ = s;
}

void KioskApp::go_home() {
    // Leaving a service ends what the resident typed in it.
    if (screen_ == Screen::intake && intake.assisted && staff.logged()) {
        intake.reset();
        focused_ = nullptr;
        screen_ = Screen::staff;
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
    screen_ = staff.logged() ? Screen::staff : Screen::home;
    if (staff.logged()) staff.page = StaffPage::menu;
}

void KioskApp::set_language(const std::string& lang) { i18n_->set_language(lang); }

// ---- text entry ------------------------------------------------------------------------------------------------------

void KioskApp::focus(TextField* f) {
    if (focused_ != f && pinyin_) pinyin_->clear();
    if (focused_ != f) handwriting_clear();
    focused_ = f;
    latin_ = false;
}

void KioskApp::toggle_latin() {
    if (pinyin_ && !latin_) {
        auto raw = pinyin_->commit_raw();
        if (focused_) focused_->value += raw;
    }
    latin_ = !latin_;
}

namespace {

bool accepts(InputKind kind, char c, const std::string& value) {
    switch (kind) {
        case InputKind::chinese: return true;
        case InputKind::digits:
        case InputKind::phone: return c >= '0' && c <= '9';
        case InputKind::id_number: return (c >= '0' && c <= '9') || c == 'X' || c == 'x';
        case InputKind::receipt: return (c >= '0' && c <= '9') || c == 'X' || c == 'x';
        case InputKind::money:
            if (c == '.') return value.find('.') == std::string::npos;
            return c >= '0' && c <= '9';
    }
    return false;
}

}  // namespace

void KioskApp::type_char(char c) {
    if (!focused_) return;
    auto& f = *focused_;
    if (f.kind == InputKind::chinese && !latin_ && pinyin_ && pinyin_->ready() && c >= 'a' && c <= 'z') {
        f.value += pinyin_->key(c);
        return;
    }
    if (!accepts(f.kind, c, f.value)) return;
    if (static_cast<int>(utf8_length(f.value)) >= f.max_chars) return;
    if (c == 'x') c = 'X';
    f.value += c;
}

void KioskApp::backspace() {
    if (!focused_) return;
    if (handwriting.on && focused_->kind == InputKind::chinese && !handwriting.strokes.empty()) {
        // On the pad, 删除 takes back the last stroke first, then characters.
        handwriting.strokes.pop_back();
        ++handwriting.generation;
        handwriting.candidates.clear();
        if (!handwriting.strokes.empty()) recognise_handwriting();
        return;
    }
    if (pinyin_ && pinyin_->ready() && !latin_ && focused_->kind == InputKind::chinese && pinyin_->composing()) {
        pinyin_->backspace();
        return;
    }
    utf8_pop_back(focused_->value);
}

void KioskApp::space() {
    if (!focused_) return;
    if (pinyin_ && pinyin_->ready() && !latin_ && focused_->kind == InputKind::chinese && pinyin_->composing()) {
        focused_->value += pinyin_->select(0);
        return;
    }
    if (focused_->kind == InputKind::chinese) focused_->value += ' ';
}

void KioskApp::pick_candidate(int i) {
    if (!focused_ || !pinyin_) return;
    focused_->value += pinyin_->select(i);
}

void KioskApp::candidate_page(bool next) {
    if (pinyin_) pinyin_->page(next);
}

void KioskApp::keyboard_done() {
    // A written character nobody picked: the best guess, as 空格 takes the first pinyin candidate.
    if (focused_ && handwriting.on && !handwriting.candidates.empty()) handwriting_pick(0);
    handwriting_clear();
    if (focused_ && pinyin_ && pinyin_->ready() && pinyin_->composing()) focused_->value += pinyin_->commit_raw();
    focused_ = nullptr;
}

std::string KioskApp::preedit() {
    if (!focused_ || latin_ || !pinyin_ || !pinyin_->ready() || focused_->kind != InputKind::chinese) return "";
    return pinyin_->preedit();
}

std::vector<std::string> KioskApp::candidates() {
    if (!focused_ || latin_ || !pinyin_ || !pinyin_->ready() || focused_->kind != InputKind::chinese) return {};
    return pinyin_->candidates();
}

bool KioskApp::candidates_more() { return pinyin_ && pinyin_->ready() && pinyin_->has_next_page(); }
bool KioskApp::candidates_less() { return pinyin_ && pinyin_->ready() && pinyin_->has_prev_page(); }

void KioskApp::physical_text(const std::string& s, std::int64_t t_ms) {
    for (char c : s) {
        scanner_.key(c, t_ms);
        // A person at a real keyboard (a staff desk) types into the focused field too.
        if (focused_ && focused_->kind != InputKind::chinese) type_char(c);
    }
}

void KioskApp::physical_enter(std::int64_t t_ms) {
    auto burst = scanner_.enter(t_ms);
    if (!burst) return;
    auto n = parse_receipt_number(*burst);
    if (!n) return;
    // A scanned receipt opens the status query with the number filled in, whatever screen was up.
    if (screen_ == Screen::status && status.phase == StatusPhase::entry) {
        // The number may have been typed into the field as well; replace it.
    } else {
        go(Screen::status);
        status.reset();
    }
    status.receipt.value = n.value().text;
    status.error.clear();
    touched();
    if (status.last4.value.size() == 4) return status_query();
    if (config_.scan_shows_status && store_->case_record(n.value().text)) {
        // The paper is in the resident's hand: its last synced status at once, age stated, and a fresh pull asked
        // for. The county's online answer still needs the last four (a typed number proves nothing).
        focused_ = nullptr;
        status.phase = StatusPhase::waiting;
        show_status_result(n.value().text, "", RemoteStatus{}, true);
        sync_->sync_now();
        return;
    }
    focus(&status.last4);
}

// ---- handwriting ----------------------------------------------------------------------------------------------------

void KioskApp::toggle_handwriting() {
    if (pinyin_ && pinyin_->composing() && focused_) focused_->value += pinyin_->commit_raw();
    handwriting_clear();
    handwriting.on = !handwriting.on;
    latin_ = false;
}

void KioskApp::handwriting_stroke(InkStroke stroke, int pad_w, int pad_h) {
    if (!focused_ || focused_->kind != InputKind::chinese || !handwriting.on || stroke.empty()) return;
    touched();
    handwriting.strokes.push_back(std::move(stroke));
    handwriting.pad_w = pad_w;
    handwriting.pad_h = pad_h;
    ++handwriting.generation;
    recognise_handwriting();
}

void KioskApp::recognise_handwriting() {
    if (!recognizer_) {
        handwriting.error = tr("kb.hw_unavailable");
        return;
    }
    auto strokes = handwriting.strokes;
    int w = handwriting.pad_w, h = handwriting.pad_h, gen = handwriting.generation;
    ++pending_jobs_;
    ink_worker_->run([this, strokes = std::move(strokes), w, h, gen] {
        auto r = recognizer_->classify(strokes, w, h, 10);
        post([this, r, gen] {
            --pending_jobs_;
            if (gen != handwriting.generation) return;  // more strokes came, or the pad was cleared
            if (r) {
                handwriting.candidates = r.value();
                handwriting.error.clear();
            } else if (r.error().code != "empty") {
                handwriting.candidates.clear();
                handwriting.error = tr("kb.hw_unavailable");
            }
        });
    });
}

void KioskApp::handwriting_pick(int i) {
    if (!focused_ || i < 0 || i >= static_cast<int>(handwriting.candidates.size())) return;
    if (static_cast<int>(utf8_length(focused_->value)) < focused_->max_chars)
        focused_->value += handwriting.candidates[static_cast<std::size_t>(i)];
    handwriting_clear();
}

void KioskApp::handwriting_clear() {
    handwriting.strokes.clear();
    handwriting.candidates.clear();
    ++handwriting.generation;
}

// ---- printing ----------------------------------------------------------------------------------------------------------

void KioskApp::print(ReceiptDocument doc, std::int64_t reprint_of) {
    printing.busy = true;
    printing.message = tr("print.printing");
    ++pending_jobs_;
    print_worker_->run([this, doc, reprint_of] {
        PrintOutcome out;
        if (!print_journal_) {
            // The worker's own connection: the journal commits outcome + event without touching the main thread's.
            auto store = KioskStore::open(config_.db_path(), config_.kiosk_id, *clock_);
            if (store) print_journal_ = std::make_unique<KioskPrintJournal>(std::move(store).value());
        }
        if (!print_journal_) {
            out = {"offline", "打印记录无法保存，回执没有打印。请工作人员检查本机磁盘空间后补打", ""};
        } else {
            print_journal_->begin(doc, reprint_of);
            try {
                out = printer_->print(doc, *print_journal_);
            } catch (const std::exception&) {
                out = {"offline", "打印机出错了，请工作人员检查打印机后补打回执", ""};
                if (auto id = print_journal_->current_job())
                    (void)print_journal_->job_finished(id, printer::Outcome::offline, std::chrono::system_clock::now());
            }
        }
        post([this, out] {
            --pending_jobs_;
            printing.busy = false;
            printing.ok = out.ok();
            printing.message = out.message;
            printing.last_artifact = out.artifact;
        });
    });
}

// ---- intake --------------------------------------------------------------------------------------------------------------

void KioskApp::intake_start(bool assisted) {
    intake.reset();
    intake.assisted = assisted && staff.logged();
    intake.operator_id = intake.assisted ? staff.logged_in : "";
    focused_ = nullptr;
    screen_ = Screen::intake;
}

void KioskApp::intake_next() {
    focused_ = nullptr;
    if (pinyin_) pinyin_->clear();
    auto today = clock_->today();
    if (intake.step == IntakeStep::review) {
        submit_intake();
        return;
    }
    if (intake.step == IntakeStep::referral_identity) {
        if (intake.next(*data_, today)) submit_referral();
        return;
    }
    if (intake.step == IntakeStep::done || intake.step == IntakeStep::referral_done) {
        go_home();
        return;
    }
    intake.next(*data_, today);
}

void KioskApp::intake_back() {
    focused_ = nullptr;
    if (intake.step == IntakeStep::need) {
        go_home();
        return;
    }
    intake.back(data_->rules);
}

// The next receipt number of this kiosk for `day`, allocated inside the caller's transaction.
Result<ReceiptNumber> KioskApp::next_receipt(sqlite::Transaction& tx, ReceiptType type, CivilDate day) {
    auto seq = store_->events().next_receipt_sequence(tx, day);
    if (!seq) return seq.error();
    return make_receipt_number(type, std::stoi(config_.township_code), config_.kiosk_number, day, seq.value());
}

void KioskApp::submit_intake() {
    auto today = clock_->today();
    auto now = clock_->now_utc_ms();
    auto sub = intake.submission(*data_, config_.township_code, config_.county_key, today);
    auto tx = store_->begin();
    if (!tx) {
        intake.error = "保存失败，请稍后再试或请工作人员帮助";
        return;
    }
    auto rn = next_receipt(*tx.value(), ReceiptType::application, today);
    if (!rn) {
        intake.error = rn.error().message;
        return;
    }
    sub.receipt_number = rn.value().text;
    records::Envelope probe;
    probe.type = records::type::application_submitted;
    probe.actor = actor();
    probe.payload = nlohmann::json(sub);
    if (auto v = records::validate_payload(probe, data_->rules); !v) {
        intake.error = v.error().message;
        return;
    }
    StoredApplication a{sub.receipt_number, sub.programme, "submitted", sub.channel, format_rfc3339(now),
                        mask_name(sub.applicant.name), nlohmann::json(sub)};
    if (auto r = store_->insert_application(*tx.value(), a, today); !r) {
        intake.error = "保存失败，请稍后再试或请工作人员帮助";
        return;
    }
    CaseRecord c;
    c.receipt_number = sub.receipt_number;
    c.programme = sub.programme;
    c.masked_name = a.masked_name;
    c.last4_hash = last4_hash(config_.county_key, sub.receipt_number, sub.applicant.id_number.substr(14));
    auto* prog = data_->rules.programme(sub.programme);
    c.history.push_back({prog && prog->initial_stage() ? prog->initial_stage()->id : "applied", today, "resident",
                         "", nlohmann::json::object(), {}});
    c.facts.close_relative = sub.close_relative;
    c.updated_ms = now;
    if (auto r = store_->upsert_case(*tx.value(), c); !r) {
        intake.error = "保存失败，请稍后再试或请工作人员帮助";
        return;
    }
    if (auto e = store_->events().append(*tx.value(), records::type::application_submitted, actor(), probe.payload); !e) {
        intake.error = e.error().message;
        return;
    }
    if (auto r = tx.value()->commit(); !r) {
        intake.error = "保存失败，请稍后再试或请工作人员帮助";
        return;
    }
    if (intake.assisted) last_served_by = intake.operator_id;
    intake.receipt_number = sub.receipt_number;
    intake.estimate_fen = sub.estimate_fen;
    intake.missing_names.clear();
    for (auto& m : sub.materials_missing) intake.missing_names.push_back(data_->rules.document_name(m));
    // What the resident typed is not needed any more: the receipt and the record carry it.
    intake.name.clear();
    intake.id_number.clear();
    intake.phone.clear();
    intake.address.clear();
    intake.members.clear();
    intake.hardship.clear();
    intake.step = IntakeStep::done;
    print(intake_receipt(receipt_context(), sub));
}

void KioskApp::submit_referral() {
    auto today = clock_->today();
    auto now = clock_->now_utc_ms();
    auto tx = store_->begin();
    if (!tx) {
        intake.error = "保存失败，请稍后再试或请工作人员帮助";
        return;
    }
    auto rn = next_receipt(*tx.value(), ReceiptType::referral, today);
    if (!rn) {
        intake.error = rn.error().message;
        return;
    }
    records::ReferralIssued r;
    r.receipt_number = rn.value().text;
    r.programme = intake.programme;
    auto* prog = data_->rules.programme(intake.programme);
    r.department = prog ? prog->department : "";
    r.need = trim(intake.referral_need.value);
    r.channel = intake.assisted ? "assisted" : "self";
    r.operator_id = intake.assisted ? intake.operator_id : "";
    std::string masked = mask_name(trim(intake.name.value));
    StoredApplication a{r.receipt_number, r.programme, "referral", r.channel, format_rfc3339(now), masked,
                        nlohmann::json(r)};
    if (auto s = store_->insert_application(*tx.value(), a, today); !s) {
        intake.error = "保存失败，请稍后再试或请工作人员帮助";
        return;
    }
    CaseRecord c;
    c.receipt_number = r.receipt_number;
    c.programme = r.programme;
    c.masked_name = masked;
    c.last4_hash = "";
    c.history.push_back({prog && prog->initial_stage() ? prog->initial_stage()->id : "referral_issued", today,
                         "resident", "", nlohmann::json::object(), {}});
    c.updated_ms = now;
    (void)store_->upsert_case(*tx.value(), c);
    if (auto e = store_->events().append(*tx.value(), records::type::referral_issued, actor(), nlohmann::json(r)); !e) {
        intake.error = e.error().message;
        return;
    }
    if (auto s = tx.value()->commit(); !s) {
        intake.error = "保存失败，请稍后再试或请工作人员帮助";
        return;
    }
    intake.receipt_number = r.receipt_number;
    intake.name.clear();
    intake.phone.clear();
    intake.referral_need.clear();
    intake.step = IntakeStep::referral_done;
    print(referral_receipt(receipt_context(), r, masked));
}

// ---- status ------------------------------------------------------------------------------------------------------------

void KioskApp::status_query() {
    focused_ = nullptr;
    std::string msg;
    auto rn = status.check(msg);
    if (!rn) {
        status.error = msg;
        return;
    }
    status.error.clear();
    status.phase = StatusPhase::waiting;
    std::string last4 = status.last4.value;
    std::string receipt = *rn;
    ++pending_jobs_;
    net_worker_->run([this, receipt, last4] {
        RemoteStatus remote;
        try {
            remote = sync_->query_status(receipt, last4);
        } catch (const std::exception&) {
            remote = {};
        }
        post([this, receipt, last4, remote] {
            --pending_jobs_;
            show_status_result(receipt, last4, remote);
        });
    });
}

void KioskApp::show_status_result(const std::string& receipt, const std::string& last4, const RemoteStatus& remote,
                                  bool scanned) {
    if (status.phase != StatusPhase::waiting) return;  // the resident left (or the session was wiped)
    auto now = clock_->now_utc_ms();
    auto today = clock_->today();
    bool found = false;
    bool online = remote.reachable;
    std::optional<CaseRecord> rec;
    if (remote.reachable) {
        rec = remote.record;
    } else {
        rec = store_->case_record(receipt);
        // The same answer for unknown numbers and wrong digits (DESIGN.md, "Personal data").
        if (rec && !scanned && rec->last4_hash != last4_hash(config_.county_key, receipt, last4)) rec.reset();
    }
    auto tx = store_->begin();
    if (tx) {
        if (rec && remote.reachable) {
            CaseRecord copy = *rec;
            copy.updated_ms = now;
            copy.last4_hash = last4_hash(config_.county_key, receipt, last4);
            (void)store_->upsert_case(*tx.value(), copy);
        }
        found = rec.has_value();
        records::StatusQueried q{receipt, scanned ? "scan" : online ? "online" : "offline", found};
        (void)store_->note_status_query(*tx.value(), today);
        auto e = store_->events().append(*tx.value(), records::type::status_queried, actor(), nlohmann::json(q));
        if (e) (void)tx.value()->commit();
    }
    if (!rec) {
        status.phase = StatusPhase::not_found;
        return;
    }
    if (online) rec->updated_ms = now;
    status.show(*rec, online, now, *data_, today);
    status.scanned = scanned;
}

void KioskApp::status_rate() {
    std::string receipt = status.record ? status.record->receipt_number : "";
    status.reset();
    go(Screen::rating);
    if (screen_ == Screen::rating) rating.receipt.value = receipt;
}

// ---- rating and quiz ------------------------------------------------------------------------------------------------

void KioskApp::rating_submit() {
    focused_ = nullptr;
    if (staff.logged()) {
        rating.error = "工作人员登录期间不能评价";
        return;
    }
    std::string msg;
    auto r = rating.build(data_->rating, msg);
    if (!r) {
        rating.error = msg;
        return;
    }
    if (!r->receipt_number.empty() && store_->rating_exists(r->receipt_number)) {
        rating.error = "这件事已经评价过了，每件事只能评价一次。谢谢您！";
        return;
    }
    auto today = clock_->today();
    auto tx = store_->begin();
    if (!tx) {
        rating.error = "保存失败，请稍后再试";
        return;
    }
    if (auto s = store_->insert_rating(*tx.value(), r->receipt_number, r->level, today); !s) {
        rating.error = s.error().message;
        return;
    }
    if (auto e = store_->events().append(*tx.value(), records::type::rating_given, {"resident", ""}, nlohmann::json(*r));
        !e) {
        rating.error = e.error().message;
        return;
    }
    if (auto s = tx.value()->commit(); !s) {
        rating.error = "保存失败，请稍后再试";
        return;
    }
    rating.error.clear();
    auto seed = static_cast<std::uint64_t>(clock_->now_utc_ms());
    rating.questions = data_->quiz.pick(3, seed);
    rating.question = 0;
    rating.chosen = -1;
    rating.phase = rating.questions.empty() ? RatingPhase::done : RatingPhase::quiz;
}

void KioskApp::rating_answer(int choice) { rating.choose(choice); }

void KioskApp::rating_next() {
    if (!rating.next_question()) rating_finish();
}

void KioskApp::rating_finish() {
    if (!rating.answers.empty()) {
        records::QuizAnswered q{data_->quiz.version(), rating.answers};
        auto tx = store_->begin();
        if (tx) {
            auto e = store_->events().append(*tx.value(), records::type::quiz_answered, {"resident", ""},
                                             nlohmann::json(q));
            if (e) (void)tx.value()->commit();
        }
    }
    rating.phase = RatingPhase::done;
}

// ---- complaint ------------------------------------------------------------------------------------------------------------

void KioskApp::complaint_submit() {
    focused_ = nullptr;
    if (!complaint.validate()) return;
    auto today = clock_->today();
    auto tx = store_->begin();
    if (!tx) {
        complaint.error = "保存失败，请稍后再试";
        return;
    }
    auto rn = next_receipt(*tx.value(), ReceiptType::complaint, today);
    if (!rn) {
        complaint.error = rn.error().message;
        return;
    }
    unsigned char rnd[2] = {0, 0};
    RAND_bytes(rnd, 2);
    int code = ((rnd[0] << 8) | rnd[1]) % 10000;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d", code);
    std::string query_code = buf;
    records::ComplaintFiled c;
    c.receipt_number = rn.value().text;
    c.category = complaint.category;
    c.text = trim(complaint.text.value);
    c.anonymous = complaint.anonymous;
    c.contact = complaint.anonymous ? "" : complaint.contact.value;
    c.query_code_hash = sha256_hex(query_code + c.receipt_number);
    if (auto s = store_->insert_complaint(*tx.value(), c.receipt_number, c.category, c.anonymous, c.query_code_hash,
                                          today);
        !s) {
        complaint.error = "保存失败，请稍后再试";
        return;
    }
    if (auto e = store_->events().append(*tx.value(), records::type::complaint_filed, {"resident", ""},
                                         nlohmann::json(c));
        !e) {
        complaint.error = e.error().message;
        return;
    }
    if (auto s = tx.value()->commit(); !s) {
        complaint.error = "保存失败，请稍后再试";
        return;
    }
    complaint.receipt_number = c.receipt_number;
    complaint.query_code = query_code;
    complaint.text.clear();
    complaint.contact.clear();
    complaint.phase = ComplaintPhase::done;
    print(complaint_receipt(receipt_context(), c, query_code, tr("complaint.cat." + c.category)));
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

// ---- staff --------------------------------------------------------------------------------------------------------------

void KioskApp::staff_login() {
    focused_ = nullptr;
    std::string id = staff.staff_id.value;
    std::string pin = staff.pin.value;
    staff.pin.clear();
    if (id.empty() || pin.empty()) {
        staff.error = "请输入工号和密码";
        return;
    }
    auto now = clock_->now_utc_ms();
    auto [fails, locked_until] = store_->staff_failures(id);
    if (locked_until > now) {
        staff.error = "密码错误次数太多，已暂时锁定，请 " + std::to_string((locked_until - now + 59999) / 60000) +
                      " 分钟后再试";
        return;
    }
    auto acct = store_->staff(id);
    std::string hash = acct ? acct->pin_hash : "";
    staff.message = "正在核对…";
    ++pending_jobs_;
    net_worker_->run([this, id, pin, hash] {
        bool ok = !hash.empty() && verify_pin(hash, pin);
        post([this, id, ok] {
            --pending_jobs_;
            staff_login_result(id, ok);
        });
    });
}

void KioskApp::staff_login_result(const std::string& id, bool ok) {
    staff.message.clear();
    auto now = clock_->now_utc_ms();
    if (!ok) {
        auto [fails, locked_until] = store_->staff_failures(id);
        ++fails;
        std::int64_t lock = 0;
        if (fails >= config_.staff_max_failures) {
            lock = now + std::int64_t{config_.staff_lockout_seconds} * 1000;
            fails = 0;
            staff.error = "密码错误次数太多，已锁定 " + std::to_string(config_.staff_lockout_seconds / 60) +
                          " 分钟。忘记密码请联系县民政局管理员";
        } else {
            staff.error = "工号或密码不对，请再试一次（还可以试 " +
                          std::to_string(config_.staff_max_failures - fails) + " 次）";
        }
        (void)store_->set_staff_failures(id, fails, lock);
        return;
    }
    (void)store_->set_staff_failures(id, 0, 0);
    auto acct = store_->staff(id);
    auto tx = store_->begin();
    if (!tx) return;
    records::StaffSession s{id, "pin"};
    auto e = store_->events().append(*tx.value(), records::type::staff_login, {"staff", id}, nlohmann::json(s));
    if (!e || !tx.value()->commit()) {
        staff.error = "登录记录保存失败，请重试";
        return;
    }
    staff.logged_in = id;
    staff.logged_in_name = acct ? acct->name : id;
    staff.staff_id.clear();
    staff.error.clear();
    staff.page = StaffPage::menu;
    staff_last_input_ms_ = now;
}

void KioskApp::staff_logout(const std::string& reason) {
    if (!staff.logged()) return;
    auto tx = store_->begin();
    if (tx) {
        records::StaffSession s{staff.logged_in, reason};
        auto e = store_->events().append(*tx.value(), records::type::staff_logout, {"staff", staff.logged_in},
                                         nlohmann::json(s));
        if (e) (void)tx.value()->commit();
    }
    staff = StaffState{};
    focused_ = nullptr;
    if (screen_ == Screen::staff || (screen_ == Screen::intake && intake.assisted)) {
        intake.reset();
        screen_ = Screen::home;
    }
}

void KioskApp::staff_page(StaffPage p) {
    focused_ = nullptr;
    staff.error.clear();
    staff.message.clear();
    staff.page = staff.logged() ? p : StaffPage::login;
}

void KioskApp::staff_open(const std::string& receipt) {
    staff.selected = receipt;
    staff.checked.clear();
    staff.error.clear();
    staff.message.clear();
    if (auto a = store_->application(receipt))
        if (a->payload.contains("materials_received"))
            for (auto& m : a->payload["materials_received"]) staff.checked.insert(json_as_str(m));
    staff.page = StaffPage::accept_detail;
}

void KioskApp::staff_accept() {
    auto a = store_->application(staff.selected);
    if (!a || a->status != "submitted") {
        staff.error = "这件申请已经受理过，或者不在本机";
        return;
    }
    auto* p = data_->rules.programme(a->programme);
    if (!p) return;
    std::vector<std::string> missing;
    for (auto& m : p->materials)
        if (m.when.empty() && !staff.checked.count(m.code)) missing.push_back(data_->rules.document_name(m.code));
    if (!missing.empty()) {
        std::string list;
        for (auto& m : missing) list += (list.empty() ? "" : "、") + m;
        staff.error = "材料还不齐（" + list + "），不能受理。可以点“记录缺少的材料”一次性告知群众。";
        return;
    }
    auto today = clock_->today();
    auto now = clock_->now_utc_ms();
    records::ApplicationAccepted acc;
    acc.receipt_number = a->receipt_number;
    acc.programme = a->programme;
    acc.accepted_date = today.iso();
    acc.materials_checked.assign(staff.checked.begin(), staff.checked.end());
    acc.operator_id = staff.logged_in;
    auto tx = store_->begin();
    if (!tx) return;
    if (auto s = store_->mark_accepted(*tx.value(), a->receipt_number, acc.materials_checked, today); !s) {
        staff.error = s.error().message;
        return;
    }
    if (auto c = store_->case_record(a->receipt_number)) {
        c->history.push_back({"accepted", today, "township", "", nlohmann::json::object(), acc.materials_checked});
        c->updated_ms = now;
        (void)store_->upsert_case(*tx.value(), *c);
    }
    if (auto e = store_->events().append(*tx.value(), records::type::application_accepted, {"staff", staff.logged_in},
                                         nlohmann::json(acc));
        !e) {
        staff.error = e.error().message;
        return;
    }
    if (auto s = tx.value()->commit(); !s) {
        staff.error = "保存失败，请重试";
        return;
    }
    last_served_by = staff.logged_in;
    staff.message = "已受理，正在打印受理回执";
    print(acceptance_receipt(receipt_context(), *a, *p, today, staff.logged_in));
    staff.page = StaffPage::accept_list;
}

void KioskApp::staff_record_missing() {
    auto a = store_->application(staff.selected);
    if (!a) return;
    auto* p = data_->rules.programme(a->programme);
    if (!p) return;
    std::vector<std::string> missing;
    for (auto& m : p->materials)
        if (m.when.empty() && !staff.checked.count(m.code)) missing.push_back(m.code);
    auto tx = store_->begin();
    if (!tx) return;
    (void)store_->record_missing(*tx.value(), a->receipt_number, missing);
    if (tx.value()->commit()) staff.message = "已记录缺少的材料，请一次性告知群众补齐";
}

void KioskApp::staff_reprint() {
    focused_ = nullptr;
    auto rn = parse_receipt_number(staff.reprint_receipt.value);
    if (!rn) {
        staff.error = "办件编号不对，请核对后再输入";
        return;
    }
    auto doc = store_->last_document(rn.value().text);
    if (!doc) {
        staff.error = "本机没有这张回执的打印记录";
        return;
    }
    auto d = ReceiptDocument::from_json(nlohmann::json::parse(doc->second));
    if (d.title.find("（补打）") == std::string::npos) d.title += "（补打）";
    staff.error.clear();
    staff.message = "正在补打 " + rn.value().grouped();
    print(d, store_->first_print_job(rn.value().text));
}

void KioskApp::staff_test_page() {
    print(test_page(receipt_context()));
}

void KioskApp::staff_sync_now() {
    sync_->sync_now();
    staff.message = "已开始同步";
}

void KioskApp::staff_check_printer() {
    ++pending_jobs_;
    print_worker_->run([this] {
        auto st = printer_->status();
        post([this, st] {
            --pending_jobs_;
            staff.message = st.message;
        });
    });
}

// ---- demo --------------------------------------------------------------------------------------------------------------

Status seed_demo(KioskStore& store, const KioskConfig& config, const PolicyData& data, const Clock& clock) {
    if (store.staff_count() == 0) {
        // Cheaper scrypt parameters would be a different format; demo accounts use the real ones.
        if (auto s = store.upsert_staff({"1001", "李芳", hash_pin("123456")}); !s) return s;
        if (auto s = store.upsert_staff({"1002", "王强", hash_pin("654321")}); !s) return s;
    }
    auto today = clock.today();
    auto rn = make_receipt_number(ReceiptType::application, std::stoi(config.township_code), 0, today.plus_days(-10), 7);
    if (!rn || store.case_record(rn.value().text)) return Ok{};
    CaseRecord c;
    c.receipt_number = rn.value().text;
    c.programme = "dibao";
    c.masked_name = "张*华";
    c.last4_hash = last4_hash(config.county_key, c.receipt_number, "0012");
    auto d0 = today.plus_days(-10);
    c.history = {{"applied", d0, "resident", "", nlohmann::json::object(), {}},
                 {"accepted", d0, "township", "", nlohmann::json::object(), {}},
                 {"investigation_started", d0.plus_days(2), "township", "", nlohmann::json::object(), {}}};
    c.updated_ms = clock.now_utc_ms() - 3 * 3600 * 1000;
    (void)data;
    auto tx = store.begin();
    if (!tx) return tx.error();
    if (auto s = store.upsert_case(*tx.value(), c); !s) return s;
    return tx.value()->commit();
}

}  // namespace yimen::kiosk
