// idcard_screen_test.cpp — the ID card reader on the kiosk's screens, against idcard-sim on a real pseudo-terminal:
// a card laid on the reader is offered on the identity step and the status query, fills the fields only when the
// resident confirms, is not offered again while it stays, and never reaches the next resident; faults are said in
// plain words (long enough to be read) and typing stays available. "Nothing happened" is checked only after the
// reader has been polled a counted number of times, never after a fixed wait.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "app_fixture.hpp"
#include "idcard_sim.hpp"
#include "policy/resident_id.hpp"

using namespace yimen;
using namespace yimen::kiosk;
using kiosk_test::Fixture;
using kiosk_test::Sim;

namespace {

// The real serial reader, counting its polls.
class CountingReader final : public IdCardPort {
public:
    explicit CountingReader(std::string path) : inner_(std::move(path)) {}
    Result<IdCardData> read_once(CivilDate today) override {
        auto r = inner_.read_once(today);
        ++polls;
        return r;
    }
    std::atomic<int> polls{0};

private:
    SerialIdCardReader inner_;
};

// A kiosk whose reader is idcard-sim (through the counting wrapper).
struct CardKiosk {
    Sim sim;
    CountingReader* reader = nullptr;
    std::unique_ptr<Fixture> f;
    CardKiosk(const std::string& name, const std::string& card, const std::string& fault = "", bool absent = false)
        : sim("screen-" + name, card, fault, absent) {
        auto r = std::make_unique<CountingReader>(sim.link);
        reader = r.get();
        f = std::make_unique<Fixture>(
            "kiosk-idcard-" + name, [&](KioskConfig& c) { c.id_card_port = sim.link; }, std::move(r));
    }
    KioskApp& app() { return *f->app; }
};

// Runs the kiosk's frame work (results drained, timers ticked) until `done` or `ms` pass; `done` after all.
bool pump_until(KioskApp& app, const std::function<bool()>& done, int ms = 8000) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
        app.drain();
        app.tick();
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    app.drain();
    return done();
}

// Until the reader has answered `n` more polls (and their results are applied).
void pump_polls(CardKiosk& k, int n) {
    const int until = k.reader->polls.load() + n;
    REQUIRE(pump_until(k.app(), [&] { return k.reader->polls.load() >= until; }, 20000));
    pump_until(k.app(), [] { return false; }, 60);
}

void open_identity_step(KioskApp& app) {
    app.intake_start(false);
    app.intake.choose_need("dibao");
    app.intake_next();
    REQUIRE(app.intake.step == IntakeStep::identity);
}

}  // namespace

TEST_CASE("A card laid on the reader fills the identity step once the resident confirms it", "[kiosk][idcard]") {
    CardKiosk k("fill", "normal", "", /*absent=*/true);
    auto& app = k.app();
    REQUIRE(app.id_card.configured);
    open_identity_step(app);

    pump_polls(k, 2);  // an empty reader: nothing offered, nothing said but the hint
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.id_card.problem.empty());

    k.sim.lay_card();
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(app.id_card.offer->name == "王秀兰");
    CHECK(app.id_card.offer->sex == "female");
    CHECK(app.id_card.offer->birth_date == "1948-03-15");
    CHECK_FALSE(app.id_card.offer_expired);
    // Offered, not taken: the fields stay as the resident left them until she says so.
    CHECK(app.intake.name.value.empty());
    CHECK(app.intake.id_number.value.empty());

    const std::string number = app.id_card.offer->id_number;
    app.id_card_use();
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.intake.id_number.value == number);
    CHECK(app.intake.name.value == "王秀兰");
    CHECK(app.intake.address.value == "黑龙江省示例县柳河镇幸福村三组");
    CHECK(parse_resident_id(app.intake.id_number.value, k.f->clock.today()).ok());
    app.intake_next();  // the phone is optional: what the card gave is enough for this step
    CHECK(app.intake.step == IntakeStep::household);

    // Back on the step with the card still on the reader: not offered again.
    app.intake_back();
    REQUIRE(app.intake.step == IntakeStep::identity);
    pump_polls(k, 3);
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.id_card.on_reader_id == number);
}

TEST_CASE("A card left on the reader is never offered to the next resident, only reported", "[kiosk][idcard]") {
    CardKiosk k("left", "normal");
    auto& app = k.app();
    open_identity_step(app);
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    app.id_card_use();
    // She walks away; the session times out with her card still on the reader.
    app.wipe_session();
    CHECK(app.intake.name.value.empty());
    CHECK(app.intake.id_number.value.empty());
    CHECK_FALSE(app.id_card.offer);

    // The next resident: the card is seen, its data is not shown; the screen asks for it to go to staff.
    open_identity_step(app);
    REQUIRE(pump_until(app, [&] { return app.id_card.left_behind_seen; }));
    pump_polls(k, 2);
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.intake.name.value.empty());

    // Staff take it away: the next card laid on (hers again, say) is offered as usual.
    k.sim.take_card();
    REQUIRE(pump_until(app, [&] { return !app.id_card.left_behind_seen; }));
    k.sim.lay_card();
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
}

TEST_CASE("A declined card is offered again once it is taken away and laid on again", "[kiosk][idcard]") {
    CardKiosk k("decline", "long-address");
    auto& app = k.app();
    open_identity_step(app);
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(utf8::length(app.id_card.offer->address) == 35);
    app.id_card_dismiss();
    CHECK(app.intake.name.value.empty());

    // Typing goes on as before, and the card lying there is not offered again.
    app.focus(&app.intake.id_number);
    app.type_char('2');
    CHECK(app.intake.id_number.value == "2");
    pump_polls(k, 3);
    CHECK_FALSE(app.id_card.offer);

    k.sim.take_card();
    pump_polls(k, 2);
    k.sim.lay_card();
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(app.id_card.offer->name == "李德福");
    app.id_card_use();
    CHECK(app.intake.address.value == "黑龙江省示例县柳河镇幸福村第三村民小组东头老供销社后院第二排西数第五号");
}

TEST_CASE("A card lifted while its offer is up and declined is offered when laid on again", "[kiosk][idcard]") {
    CardKiosk k("lifted", "normal");
    auto& app = k.app();
    open_identity_step(app);
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    k.sim.take_card();  // nobody polls while the offer waits for an answer
    app.id_card_dismiss();
    pump_polls(k, 2);   // the new loop's first poll finds the reader empty
    CHECK(app.id_card.on_reader_id.empty());
    k.sim.lay_card();
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
}

TEST_CASE("On the status query a card fills only the ID's last four", "[kiosk][idcard]") {
    CardKiosk k("status", "rare");
    auto& app = k.app();
    app.go(Screen::status);
    app.status.receipt.value = "1104012611300001";
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(app.id_card.offer->name == "𠮷祥");
    const std::string number = app.id_card.offer->id_number;
    app.id_card_use();
    CHECK(app.status.last4.value == number.substr(14));
    CHECK(app.status.receipt.value == "1104012611300001");
}

TEST_CASE("An expired card is offered with a warning, and leaving the step withdraws an offer", "[kiosk][idcard]") {
    CardKiosk k("expired", "expired");
    auto& app = k.app();
    open_identity_step(app);
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(app.id_card.offer_expired);
    app.intake_back();  // to the programme step, the offer unanswered
    app.tick();
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.intake.name.value.empty());
}

TEST_CASE("Reader faults are said in the screen's words and typing stays available", "[kiosk][idcard]") {
    struct Case {
        const char* fault;
        const char* key;
    };
    for (auto [fault, key] : {Case{"removed", "err.idcard.card_removed"}, Case{"checksum", "err.idcard.bad_checksum"},
                              Case{"silent", "err.idcard.no_reader"}}) {
        DYNAMIC_SECTION(fault) {
            CardKiosk k(fault, "normal", fault);
            auto& app = k.app();
            open_identity_step(app);
            REQUIRE(pump_until(app, [&] { return !app.id_card.problem.empty(); }));
            CHECK(app.id_card.problem == app.tr(key));
            // Still said after the reader has been polled again (a lifted card leaves it empty): time to read it.
            pump_polls(k, 3);
            CHECK(app.id_card.problem == app.tr(key));
            CHECK_FALSE(app.id_card.offer);
            app.focus(&app.intake.id_number);
            for (char ch : std::string("230523199001010012")) app.type_char(ch);
            CHECK(app.intake.id_number.value == "230523199001010012");
        }
    }
    SECTION("no device at the configured path") {
        Fixture f("kiosk-idcard-missing", [&](KioskConfig& c) { c.id_card_port = "/nonexistent/ttyUSB7"; });
        auto& app = *f.app;
        open_identity_step(app);
        REQUIRE(pump_until(app, [&] { return !app.id_card.problem.empty(); }));
        CHECK(app.id_card.problem == app.tr("err.idcard.no_reader"));
        // Elsewhere the reader's trouble is not shown.
        app.go_home();
        app.tick();
        CHECK(app.id_card.problem.empty());
    }
}

TEST_CASE("Without a configured reader the screens say nothing about cards", "[kiosk][idcard]") {
    Fixture f("kiosk-idcard-none", [](KioskConfig&) {});
    auto& app = *f.app;
    CHECK_FALSE(app.id_card.configured);
    open_identity_step(app);
    pump_until(app, [] { return false; }, 300);
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.id_card.problem.empty());
}
