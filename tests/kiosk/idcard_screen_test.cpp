// idcard_screen_test.cpp — the ID card reader on the kiosk's screens, against idcard-sim on a real pseudo-terminal:
// a card laid on the reader is offered on the identity step and the status query, fills the fields only when the
// resident confirms, is not offered again while it stays, goes with the session; faults are said in plain words and
// typing stays available.
#include <catch2/catch.hpp>

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

// Runs the kiosk's frame work (results drained, timers ticked) until `done` or `ms` pass; `done` after all.
bool pump_until(KioskApp& app, const std::function<bool()>& done, int ms = 6000) {
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

// The reader is polled every 400 ms: this long with nothing new means nothing new comes.
void pump_for(KioskApp& app, int ms) { pump_until(app, [] { return false; }, ms); }

void open_identity_step(KioskApp& app) {
    app.intake_start(false);
    app.intake.choose_need("dibao");
    app.intake_next();
    REQUIRE(app.intake.step == IntakeStep::identity);
}

}  // namespace

TEST_CASE("A card laid on the reader fills the identity step once the resident confirms it", "[kiosk][idcard]") {
    Sim sim("screen-fill", "normal", "", /*absent=*/true);
    Fixture f("kiosk-idcard-fill", [&](KioskConfig& c) { c.id_card_port = sim.link; });
    auto& app = *f.app;
    REQUIRE(app.id_card.configured);
    open_identity_step(app);

    pump_for(app, 1000);  // an empty reader: nothing offered, nothing said but the hint
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.id_card.problem.empty());

    sim.lay_card();
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
    CHECK(app.id_card.used);
    CHECK(app.intake.id_number.value == number);
    CHECK(app.intake.name.value == "王秀兰");
    CHECK(app.intake.address.value == "黑龙江省示例县柳河镇幸福村三组");
    CHECK(parse_resident_id(app.intake.id_number.value, f.clock.today()).ok());
    app.intake_next();  // the phone is optional: what the card gave is enough for this step
    CHECK(app.intake.step == IntakeStep::household);

    // Back on the step with the card still on the reader: not offered again.
    app.intake_back();
    REQUIRE(app.intake.step == IntakeStep::identity);
    pump_for(app, 1200);
    CHECK_FALSE(app.id_card.offer);

    // The session ends: what the card gave goes with it.
    app.wipe_session();
    CHECK(app.intake.name.value.empty());
    CHECK(app.intake.id_number.value.empty());
    CHECK_FALSE(app.id_card.used);
    CHECK_FALSE(app.id_card.offer);
}

TEST_CASE("A declined card is not offered again until it is taken away and laid on again", "[kiosk][idcard]") {
    Sim sim("screen-decline", "long-address");
    Fixture f("kiosk-idcard-decline", [&](KioskConfig& c) { c.id_card_port = sim.link; });
    auto& app = *f.app;
    open_identity_step(app);
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(utf8::length(app.id_card.offer->address) == 35);
    app.id_card_dismiss();
    CHECK(app.intake.name.value.empty());

    // Typing goes on as before.
    app.focus(&app.intake.id_number);
    app.type_char('2');
    CHECK(app.intake.id_number.value == "2");
    pump_for(app, 1200);
    CHECK_FALSE(app.id_card.offer);

    sim.take_card();
    pump_for(app, 1200);
    sim.lay_card();
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(app.id_card.offer->name == "李德福");
    app.id_card_use();
    CHECK(app.intake.address.value == "黑龙江省示例县柳河镇幸福村第三村民小组东头老供销社后院第二排西数第五号");
}

TEST_CASE("On the status query a card fills only the ID's last four", "[kiosk][idcard]") {
    Sim sim("screen-status", "rare");
    Fixture f("kiosk-idcard-status", [&](KioskConfig& c) { c.id_card_port = sim.link; });
    auto& app = *f.app;
    app.go(Screen::status);
    app.status.receipt.value = "1104012611300001";
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(app.id_card.offer->name == "𠮷祥");
    const std::string number = app.id_card.offer->id_number;
    app.id_card_use();
    CHECK(app.status.last4.value == number.substr(14));
    CHECK(app.status.receipt.value == "1104012611300001");
}

TEST_CASE("An expired card is offered with a warning, and leaving the screen withdraws an offer", "[kiosk][idcard]") {
    Sim sim("screen-expired", "expired");
    Fixture f("kiosk-idcard-expired", [&](KioskConfig& c) { c.id_card_port = sim.link; });
    auto& app = *f.app;
    open_identity_step(app);
    REQUIRE(pump_until(app, [&] { return app.id_card.offer.has_value(); }));
    CHECK(app.id_card.offer_expired);
    app.go_home();
    app.tick();
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.screen() == Screen::home);
}

TEST_CASE("Reader faults are said in the screen's words and typing stays available", "[kiosk][idcard]") {
    struct Case {
        const char* fault;
        const char* key;
    };
    for (auto [fault, key] : {Case{"removed", "err.idcard.card_removed"}, Case{"checksum", "err.idcard.bad_checksum"},
                              Case{"silent", "err.idcard.no_reader"}}) {
        DYNAMIC_SECTION(fault) {
            Sim sim(std::string("screen-") + fault, "normal", fault);
            Fixture f(std::string("kiosk-idcard-") + fault, [&](KioskConfig& c) { c.id_card_port = sim.link; });
            auto& app = *f.app;
            open_identity_step(app);
            REQUIRE(pump_until(app, [&] { return !app.id_card.problem.empty(); }));
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
    pump_for(app, 300);
    CHECK_FALSE(app.id_card.offer);
    CHECK(app.id_card.problem.empty());
}
