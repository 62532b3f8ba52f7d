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
    const int generation = watch.generation.load();
    std::string offered_id;  // the card last reported, until the reader is seen empty
    std::string problem;     // the problem last reported
    while (keep_polling(watch, generation)) {
        auto got = port.read_once(today());
        int gap = polling.poll_ms;
        if (got) {
            if (got->id_number != offered_id) {
                offered_id = got->id_number;
                problem.clear();
                report({IdCardEvent::Kind::card, generation, std::move(got).value(), {}});
            }
        } else if (got.error().code == "no_card") {
            if (!offered_id.empty()) report({IdCardEvent::Kind::removed, generation, {}, {}});
            offered_id.clear();
            if (!problem.empty()) report({IdCardEvent::Kind::clear, generation, {}, {}});
            problem.clear();
        } else {
            if (got.error().code == "no_reader") gap = polling.silent_poll_ms;
            if (got.error().code != problem) {
                problem = got.error().code;
                report({IdCardEvent::Kind::problem, generation, {}, got.error()});
            }
        }
        if (!nap(watch, generation, gap)) break;
    }
    watch.running.store(false);
}

}  // namespace yimen::kiosk
