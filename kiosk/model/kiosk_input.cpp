// kiosk_input.cpp — the app model's text entry: the focused field, the pinyin keyboard, the handwriting pad (its
// recognition on the ink lane) and a USB scanner's bursts on the physical keyboard.
#include "kiosk/model/kiosk_app.hpp"

#include "kiosk/model/text.hpp"

namespace yimen::kiosk {

// ---- text entry ------------------------------------------------------------------------------------------------------

void KioskApp::focus(const TextField* field) {
    // The views draw the model const and hand back one of its own fields; the model owns it, so it may write it.
    auto* f = const_cast<TextField*>(field);
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
    if (static_cast<int>(utf8::length(f.value)) >= f.max_chars) return;
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
    utf8::pop_back(focused_->value);
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

std::string KioskApp::preedit() const {
    if (!focused_ || latin_ || !pinyin_ || !pinyin_->ready() || focused_->kind != InputKind::chinese) return "";
    return pinyin_->preedit();
}

std::vector<std::string> KioskApp::candidates() const {
    if (!focused_ || latin_ || !pinyin_ || !pinyin_->ready() || focused_->kind != InputKind::chinese) return {};
    return pinyin_->candidates();
}

bool KioskApp::candidates_more() const { return pinyin_ && pinyin_->ready() && pinyin_->has_next_page(); }
bool KioskApp::candidates_less() const { return pinyin_ && pinyin_->ready() && pinyin_->has_prev_page(); }

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
    if (screen() == Screen::status && status.phase == StatusPhase::entry) {
        // The number may have been typed into the field as well; replace it.
    } else {
        go(Screen::status);
        status.reset();
    }
    status.receipt.value = n.value().text;
    status.error.clear();
    touched();
    if (status.last4.value.size() == 4) return status_query();
    focus(&status.last4);
    if (!config_.scan_shows_status) return;
    // The paper is in the resident's hand: when the case is known here, its last synced status at once, age
    // stated, and a fresh pull asked for. The county's online answer still needs the last four (a typed number
    // proves nothing). The lookup is on the records lane; meanwhile the last-four field waits as usual.
    const std::string receipt = n.value().text;
    const int session = wipe_generation();
    on_records<bool>([receipt](RecordServices& r) { return r.store().case_record(receipt).has_value(); },
                     [this, receipt, session](bool known) {
                         // Only if the resident is still on that receipt's query and has not typed the last four.
                         if (!known || session != wipe_generation() || screen() != Screen::status ||
                             status.phase != StatusPhase::entry || status.receipt.value != receipt ||
                             !status.last4.value.empty())
                             return;
                         focused_ = nullptr;
                         status.phase = StatusPhase::waiting;
                         show_status_result(receipt, "", RemoteStatus{}, true);
                         sync_->sync_now();
                     });
}

// ---- handwriting ----------------------------------------------------------------------------------------------------

void KioskApp::toggle_handwriting() {
    if (pinyin_ && pinyin_->composing() && focused_) focused_->value += pinyin_->commit_raw();
    handwriting_clear();
    handwriting.on = !handwriting.on;
    latin_ = false;
}

void KioskApp::handwriting_stroke(PenStroke stroke, int pad_w, int pad_h) {
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
    auto* recognizer = recognizer_;
    using Candidates = Result<std::vector<std::string>>;
    runner_.submit<Candidates>(
        Lane::ink, [recognizer, strokes = std::move(strokes), w, h] { return recognizer->classify(strokes, w, h, 10); },
        [this, gen](Candidates r) {
            if (gen != handwriting.generation) return;  // more strokes came, or the pad was cleared
            if (r) {
                handwriting.candidates = r.value();
                handwriting.error.clear();
            } else if (r.error().code != "empty") {
                handwriting.candidates.clear();
                handwriting.error = tr("kb.hw_unavailable");
            }
        });
}

void KioskApp::handwriting_pick(int i) {
    if (!focused_ || i < 0 || i >= static_cast<int>(handwriting.candidates.size())) return;
    if (static_cast<int>(utf8::length(focused_->value)) < focused_->max_chars)
        focused_->value += handwriting.candidates[static_cast<std::size_t>(i)];
    handwriting_clear();
}

void KioskApp::handwriting_clear() {
    handwriting.strokes.clear();
    handwriting.candidates.clear();
    ++handwriting.generation;
}

}  // namespace yimen::kiosk
