// id_card.hpp — the resident's ID card on the kiosk's screens: what a card says (IdCardData), the port the reader
// stands behind (kiosk/devices/id_card_reader.* is the real one, over a serial line), what the screens show about it
// (IdCardState), and the watcher that polls the reader on the card lane while a screen can use a card. Each card is
// offered once until it leaves the reader; each problem is said once until it changes.
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "base/civil_date.hpp"
#include "base/result.hpp"

namespace yimen::kiosk {

// What the card says, decoded: UTF-8, fields trimmed, dates YYYY-MM-DD (valid_to may be 长期, "long-term").
// Personal data: it lives in the session's fields and is wiped with them; it is never logged.
struct IdCardData {
    std::string name;
    std::string sex;        // "male" / "female"
    std::string ethnicity;  // the name printed on the card (汉), or the GB 3304 code when we do not know it
    std::string birth_date;
    std::string address;
    std::string id_number;
    std::string authority;
    std::string valid_from;
    std::string valid_to;
};

// True when valid_to is a date before today (a long-term card never expires).
bool id_card_expired(const IdCardData& card, CivilDate today);

// The reader, as the kiosk core needs it.
class IdCardPort {
public:
    virtual ~IdCardPort() = default;
    // One attempt to find, select and read a card; blocks for up to a few seconds, so only the card lane calls it.
    // Error codes: no_reader (silent or unplugged), no_card, card_removed, bad_checksum, short_frame, bad_id_number,
    // reader_error.
    virtual Result<IdCardData> read_once(CivilDate today) = 0;
};

// What the screens show about the reader (main thread only).
struct IdCardState {
    bool configured = false;          // a reader is set up: the screens say a card may be laid on it
    std::optional<IdCardData> offer;  // read and waiting for the resident to confirm or decline
    bool offer_expired = false;       // the offered card's validity has ended (its data may still be used)
    std::string problem;              // plain words for the reader's last failure; typing stays available
    std::string problem_code;         // its code (err.idcard.<code>): the reader's own trouble ends when it answers
    std::string settled_id;           // the card this session used or declined: not offered again while it stays
    // The card the reader last reported and has not yet seen taken away (the end screens keep polling, so "请取回您的
    // 身份证" is said while it is really there). Kept across sessions: it is how a card left behind is recognised.
    std::string on_reader_id;
    // A card the last resident left on the reader: never offered to the next one (only "a card was left"), until the
    // reader is seen empty.
    std::string left_behind_id;
    bool left_behind_seen = false;    // this session's screen is showing that notice

    // A new session: what the last one saw goes, except which card is still lying on the reader.
    void reset() {
        if (!on_reader_id.empty()) left_behind_id = on_reader_id;
        offer.reset();
        offer_expired = false;
        problem.clear();
        problem_code.clear();
        settled_id.clear();
        left_behind_seen = false;
    }
};

// Shared by the main thread and the card lane's loop.
struct IdCardWatch {
    std::atomic<bool> wanted{false};    // a screen that can use a card is up and nothing is waiting to be confirmed
    std::atomic<bool> running{false};   // the loop is on the card lane
    std::atomic<bool> stopping{false};  // the app is going away
    std::atomic<int> generation{0};     // bumped when a session is wiped: what an older loop read is dropped
};

struct IdCardEvent {
    enum class Kind { card, problem, empty };
    Kind kind = Kind::empty;
    int generation = 0;
    IdCardData card;  // kind card
    Error error;      // kind problem
};

struct IdCardPolling {
    int poll_ms = 400;          // between polls while the reader answers
    int silent_poll_ms = 2000;  // between polls while it does not (unplugged: do not hammer the line)
};

// The polling loop, run on the card lane until `watch.wanted` drops, `watch.stopping` rises or a wipe bumps the
// generation. Reports what the reader shows whenever it changes: a card (once while it stays), "empty" (the first
// poll of every loop included, so a card taken away while nobody polled is known to be gone), each problem once.
void watch_id_card(IdCardPort& port, IdCardWatch& watch, const std::function<CivilDate()>& today,
                   const std::function<void(IdCardEvent)>& report, IdCardPolling polling = {});

}  // namespace yimen::kiosk
