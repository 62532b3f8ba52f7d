// kiosk_idcard.cpp — the ID card reader on the screens (see kiosk_app.hpp): while the identity step, the referral's
// identity step or the status query's entry is up, the card lane polls the reader; a card it reads is offered on the
// screen, and only the resident's tap puts its data into the fields. Problems are said in plain words and typing
// stays available throughout.
#include "kiosk/model/kiosk_app.hpp"

#include "policy/resident_id.hpp"

namespace yimen::kiosk {

bool KioskApp::card_screen() const {
    if (screen() == Screen::intake)
        return intake.step == IntakeStep::identity || intake.step == IntakeStep::referral_identity;
    if (screen() == Screen::status) return status.phase == StatusPhase::entry || status.phase == StatusPhase::not_found;
    return false;
}

bool KioskApp::card_polled_screen() const {
    if (card_screen()) return true;
    if (screen() == Screen::intake) return intake.step == IntakeStep::done || intake.step == IntakeStep::referral_done;
    return screen() == Screen::status && status.phase == StatusPhase::result;
}

void KioskApp::update_card_watch() {
    if (!id_card_port_) return;
    const bool on_screen = card_screen();
    if (!on_screen) {  // the resident moved on without answering: the offer and the screen's messages go with it
        id_card.offer.reset();
        id_card.offer_expired = false;
        id_card.problem.clear();
        id_card.problem_code.clear();
        id_card.left_behind_seen = false;
    }
    const bool want = card_polled_screen() && !id_card.offer;
    card_watch_->wanted.store(want);
    // A loop still finishing its last read (after a wipe, up to a read's timeout) is not doubled: the next tick
    // starts the new one once it has ended.
    if (!want || card_watch_->running.exchange(true)) return;
    auto watch = card_watch_;
    auto* port = id_card_port_.get();
    const Clock* clock = clock_;
    TaskRunner* runner = &runner_;
    runner_.run(Lane::card, [this, watch, port, clock, runner] {
        watch_id_card(
            *port, *watch, [clock] { return clock->today(); },
            [this, runner](IdCardEvent event) {
                runner->post([this, event = std::move(event)] { on_card_event(event); });
            });
    });
}

void KioskApp::on_card_event(const IdCardEvent& event) {
    if (event.generation != card_watch_->generation.load()) return;  // read for a session that has ended
    switch (event.kind) {
        case IdCardEvent::Kind::card: {
            const std::string& id = event.card.id_number;
            id_card.on_reader_id = id;
            if (!card_screen()) return;  // an end screen: only whether the card is still there matters
            if (id == id_card.left_behind_id) {
                // The last resident's card: its data is not theirs to see. Staff take it; lifting it ends this.
                id_card.left_behind_seen = true;
                return;
            }
            if (id == id_card.settled_id) return;
            id_card.offer = event.card;
            id_card.offer_expired = id_card_expired(event.card, clock_->today());
            id_card.problem.clear();
            id_card.problem_code.clear();
            card_watch_->wanted.store(false);  // nothing more to read until the resident answers
            break;
        }
        case IdCardEvent::Kind::problem:
            // The screen's own words (what to do next, typing included); the device's sentence is for staff tools.
            if (card_screen()) {
                const std::string key = "err.idcard." + event.error.code;
                id_card.problem = i18n_->has(key) ? tr(key) : i18n_->error("idcard", event.error);
                id_card.problem_code = event.error.code;
            }
            break;
        case IdCardEvent::Kind::empty:
            // Nothing on the reader: a card taken away (declined, used, or left by the last resident) may be laid
            // on again and is offered again; a silent reader has answered. A card that was lifted mid-read keeps its
            // message until the next card, so there is time to read it.
            id_card.on_reader_id.clear();
            id_card.settled_id.clear();
            id_card.left_behind_id.clear();
            id_card.left_behind_seen = false;
            if (id_card.problem_code == "no_reader") {
                id_card.problem.clear();
                id_card.problem_code.clear();
            }
            break;
    }
}

void KioskApp::id_card_use() {
    if (!id_card.offer) return;
    const IdCardData card = std::move(*id_card.offer);
    id_card.offer.reset();
    id_card.offer_expired = false;
    id_card.settled_id = card.id_number;
    focused_ = nullptr;
    if (pinyin_) pinyin_->clear();
    if (screen() == Screen::intake && intake.step == IntakeStep::identity) {
        intake.id_number.value = card.id_number;
        intake.name.value = card.name;
        intake.address.value = card.address;
        intake.error.clear();
    } else if (screen() == Screen::intake && intake.step == IntakeStep::referral_identity) {
        intake.name.value = card.name;
        intake.error.clear();
    } else if (screen() == Screen::status) {
        // The query needs only the last four; the rest of the number never reaches this screen's fields.
        status.last4.value = card.id_number.substr(card.id_number.size() - 4);
        status.error.clear();
        if (status.phase == StatusPhase::not_found) status.phase = StatusPhase::entry;
    }
    update_card_watch();
}

void KioskApp::id_card_dismiss() {
    if (!id_card.offer) return;
    id_card.settled_id = id_card.offer->id_number;
    id_card.offer.reset();
    id_card.offer_expired = false;
    update_card_watch();
}

}  // namespace yimen::kiosk
