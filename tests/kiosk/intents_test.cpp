// intents_test.cpp — the taps a screen turns into intents (kiosk/model/intents.hpp), driven through the interface the
// views hold, and the two reads that left the frame thread (a scanned receipt's case, a reprint's journal entry).
#include <catch2/catch.hpp>

#include <memory>

#include "app_fixture.hpp"
#include "policy/receipt_number.hpp"

using namespace yimen;
using namespace yimen::kiosk;

namespace {

// The model tests' kiosk with the demo's staff and cases, held through the interface the views use.
struct App : kiosk_test::Fixture {
    explicit App(const std::string& name, bool scan_shows_status = true)
        : Fixture(name, [scan_shows_status](KioskConfig& c) { c.scan_shows_status = scan_shows_status; }) {
        REQUIRE(seed_demo(app->store(), cfg, data, clock).ok());
    }
    KioskIntents& act() { return *app; }
};

// A case seed_demo records, ten days old (the same one the status tests use).
std::string seeded_case(const App& a) {
    auto rn = make_receipt_number(ReceiptType::application, 230523100, 0, a.clock.today().plus_days(-10), 7);
    REQUIRE(rn.ok());
    return rn.value().text;
}

void scan(KioskApp& app, const std::string& number, std::int64_t t) {
    for (char c : number) app.physical_text(std::string(1, c), t += 5);
    app.physical_enter(t + 5);
}

}  // namespace

TEST_CASE("Intake edits go through intents: counts stay 0 to 9, a consent keeps its first tap", "[kiosk][intents]") {
    App a("intents-intake");
    auto& m = a.app->intake;
    a.act().intake_start(false);
    a.act().intake_choose_need("dibao");
    CHECK(m.programme == "dibao");

    a.act().intake_adjust(IntakeCount::vehicles, -1);
    CHECK(m.vehicles == 0);
    for (int i = 0; i < 12; ++i) a.act().intake_adjust(IntakeCount::houses, +1);
    CHECK(m.houses == 9);
    a.act().intake_adjust(IntakeCount::houses, -1);
    CHECK(m.houses == 8);

    a.act().intake_set_close_relative(true);
    a.act().intake_choose(IntakeChoice::close_relative_relation, "township_staff");
    CHECK(m.close_relative_relation == "township_staff");
    a.act().intake_set_close_relative(false);
    CHECK(m.close_relative == false);
    CHECK(m.close_relative_relation.empty());  // "no" leaves no relation behind on the record

    a.act().intake_toggle_material("id_card");
    CHECK(m.materials_have.count("id_card") == 1);
    a.act().intake_toggle_material("id_card");
    CHECK(m.materials_have.count("id_card") == 0);

    a.act().intake_consent(Consent::commitment);
    CHECK(m.commitment_at == "2026-11-27T02:00:00.000Z");
    a.clock.set(kiosk_test::test_now() + 60'000);
    a.act().intake_consent(Consent::commitment);
    CHECK(m.commitment_at == "2026-11-27T02:00:00.000Z");
    CHECK(m.authorisation_at.empty());

    a.act().intake_add_hardship_phrase("A");
    a.act().intake_add_hardship_phrase("B");
    CHECK(m.hardship.value == "A" + a.app->tr("list.comma") + "B");
}

TEST_CASE("A household member being added: cancel forgets what was typed, remove takes the right one", "[kiosk][intents]") {
    App a("intents-members");
    auto& m = a.app->intake;
    a.act().intake_start(false);
    a.act().intake_choose_need("dibao");
    a.act().intake_add_member();
    REQUIRE(m.adding_member);
    a.act().focus(&m.draft.name);
    m.draft.name.value = "x";
    a.act().intake_choose(IntakeChoice::member_relation, "child");
    a.act().intake_toggle_student();
    CHECK(m.draft.student);
    a.act().intake_cancel_member();
    CHECK_FALSE(m.adding_member);
    CHECK(a.app->focused() == nullptr);
    CHECK(m.draft.name.value.empty());
    CHECK(m.draft.relation == MemberDraft{}.relation);

    m.members.resize(3);
    m.members[0].relation = "spouse";
    m.members[1].relation = "child";
    m.members[2].relation = "parent";
    a.act().intake_remove_member(1);
    REQUIRE(m.members.size() == 2);
    CHECK(m.members[1].relation == "parent");
    a.act().intake_remove_member(7);  // a stale tap after the list shrank does nothing
    CHECK(m.members.size() == 2);
}

TEST_CASE("Rating, complaint and staff edits go through intents", "[kiosk][intents]") {
    App a("intents-other");
    a.act().go(Screen::rating);
    a.app->rating.error = "x";
    a.act().rating_grade(2);
    CHECK(a.app->rating.level == 2);
    CHECK(a.app->rating.error.empty());  // choosing a face answers the "choose a face" message
    a.act().rating_sub("attitude", 9);
    CHECK(a.app->rating.subs.at("attitude") == 5);
    a.act().rating_toggle_reason("slow");
    a.act().rating_toggle_reason("rude");
    a.act().rating_toggle_reason("slow");
    CHECK(a.app->rating.reasons == std::set<std::string>{"rude"});

    a.act().go(Screen::complaint);
    const bool anonymous = a.app->complaint.anonymous;
    a.act().complaint_toggle_anonymous();
    CHECK(a.app->complaint.anonymous != anonymous);
    a.act().complaint_category("service");
    CHECK(a.app->complaint.category == "service");

    a.act().staff_toggle_checked("id_card");
    CHECK(a.app->staff.checked.count("id_card") == 1);
    a.app->staff.error = "x";
    a.act().staff_pick_reprint("11000126111700074");
    CHECK(a.app->staff.reprint_receipt.value == "11000126111700074");
    CHECK(a.app->staff.error.empty());
}

TEST_CASE("A scanned receipt of a case known here shows its status once the records lane answers", "[kiosk][scanner]") {
    App a("intents-scan");
    const auto receipt = seeded_case(a);
    scan(*a.app, receipt, 5000);
    // At once: the query screen with the number, waiting for the last four (nothing read on the frame thread).
    CHECK(a.app->screen() == Screen::status);
    CHECK(a.app->status.receipt.value == receipt);
    a.app->settle();
    CHECK(a.app->status.phase == StatusPhase::result);
    CHECK(a.app->status.scanned);
    CHECK(a.app->focused() == nullptr);
}

TEST_CASE("A scanned receipt: an unknown case, or the option off, waits for the last four", "[kiosk][scanner]") {
    {
        App a("intents-scan-unknown");
        auto rn = make_receipt_number(ReceiptType::application, 230523100, 1, a.clock.today(), 9);
        REQUIRE(rn.ok());
        scan(*a.app, rn.value().text, 5000);
        a.app->settle();
        CHECK(a.app->status.phase == StatusPhase::entry);
        CHECK(a.app->focused() == &a.app->status.last4);
    }
    {
        App a("intents-scan-off", false);
        scan(*a.app, seeded_case(a), 5000);
        a.app->settle();
        CHECK(a.app->status.phase == StatusPhase::entry);
        CHECK(a.app->focused() == &a.app->status.last4);
    }
}

TEST_CASE("A scanned receipt: a session wiped before the lookup answers shows nothing of it", "[kiosk][scanner]") {
    App a("intents-scan-wipe");
    scan(*a.app, seeded_case(a), 5000);
    a.app->wipe_session();  // the resident walked away; the next one must not see the first one's case
    a.app->settle();
    CHECK(a.app->screen() == Screen::home);
    CHECK(a.app->status.phase == StatusPhase::entry);
    CHECK(a.app->status.receipt.value.empty());
}
