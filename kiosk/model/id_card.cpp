// id_card.cpp — the card watcher's polling loop (see id_card.hpp).
#include "kiosk/model/id_card.hpp"

#include <chrono>
#include <thread>

namespace yimen::kiosk {

bool id_card_expired(const IdCardData& card, CivilDate today) {
    if (card.valid_to == "长期") return false;  // zh-ok: the card's own word for "long-term"
    auto to = CivilDate::parse(card.valid_to);
    return to.ok() && to.value() < today;
}

namespace {

// A wiped session ends the loop too: the next resident's screens get a loop (and an offered card) of their own.
bool keep_polling(const IdCardWatch& watch, int generation) {
    return watch.wanted.load() && !watch.stopping.load() && watch.generation.load() == generation;
}

// Sleeps `ms` in short steps, so leaving the screen (or the app stopping) ends the loop promptly.
bool nap(const IdCardWatch& watch, int generation, int ms) {
    for (int slept = 0; slept < ms; slept += 50) {
        if (!keep_polling(watch, generation)) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return keep_polling(watch, generation);
}

}  // namespace

void watch_id_card(IdCardPort& port, IdCardWatch& watch, const std::function<CivilDate()>& today,
                   const std::function<void(IdCardEvent)>& report, IdCardPolling polling) {
    struct Done {
        IdCardWatch& w;
        ~Done() { w.running.store(false); }  // whatever ends the loop, the next screen may start another
    } done{watch};
    const int generation = watch.generation.load();
    std::string shown;  // what was last reported: "card:<id>", "empty", "problem:<code>"; "" before the first poll
    while (keep_polling(watch, generation)) {
        auto got = port.read_once(today());
        int gap = polling.poll_ms;
        if (got) {
            const std::string now = "card:" + got->id_number;
            if (now != shown) report({IdCardEvent::Kind::card, generation, std::move(got).value(), {}});
            shown = now;
        } else if (got.error().code == "no_card") {
            if (shown != "empty") report({IdCardEvent::Kind::empty, generation, {}, {}});
            shown = "empty";
        } else {
            if (got.error().code == "no_reader") gap = polling.silent_poll_ms;
            const std::string now = "problem:" + got.error().code;
            if (now != shown) report({IdCardEvent::Kind::problem, generation, {}, got.error()});
            shown = now;
        }
        if (!nap(watch, generation, gap)) break;
    }
}

}  // namespace yimen::kiosk
