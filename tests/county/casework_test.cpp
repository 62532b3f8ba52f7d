// casework_test.cpp — township staff record stage changes over the HTTP API: illegal steps get 422 with a reason
// code each, legal paths (先行救助 included) get 200, other townships get 403, and the change reaches the kiosk.
#include <curl/curl.h>

#include "county/users.hpp"
#include "policy/workflow.hpp"
#include "support/county_http.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
using nlohmann::json;

namespace {

// Days relative to the county's today, so that every date is in the past and in order.
std::string day(int offset) { return FixedClock(kFixtureNowMs).today().plus_days(offset).iso(); }

json step(const std::string& stage, int offset, json extra = json::object()) {
    const Programme* p = shared_policy().rules.programme("dibao");
    json b = {{"stage", stage}, {"date", day(offset)}};
    if (const StageDef* s = p->stage(stage)) b["documents"] = s->documents;
    for (auto& [k, v] : extra.items()) b[k] = v;
    return b;
}

}  // namespace

TEST_CASE("casework: illegal steps are refused with 422 and a reason code, legal ones accepted", "[casework]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    // The applications were made 45 days ago (the kiosk's clock was right; it syncs now).
    k->clock.set(c.clock.now_utc_ms() - 45LL * 86'400'000);
    auto app = k->application("dibao");
    k->append(rec::type::application_submitted, app);
    auto relative = k->application("dibao", "11010519491231002X");
    relative.close_relative = true;
    relative.close_relative_relation = "村委会主任之子";
    k->append(rec::type::application_submitted, relative);
    k->clock.set(c.clock.now_utc_ms());
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto staff = add_user(c, "township-staff", "230523104");
    const Api api{c, staff.token};
    // 信息核对 and the county's own household visit are the county's stages (actor "county" in the rules).
    const Api county_api{c, add_user(c, "county-staff").token};
    const std::string r = app.receipt_number;

    struct Row { const char* what; json body; long status; const char* code; };
    const json visit = {{"fields", {{"investigators", {"张三", "李四"}}}}};
    // (700 − 300) × 3 = 1,200 元, paid from the month after the decision.
    auto confirm_on = [](int offset) {
        const CivilDate d = FixedClock(kFixtureNowMs).today().plus_days(offset);
        const CivilDate next = d.month == 12 ? CivilDate{d.year + 1, 1, 1} : CivilDate{d.year, d.month + 1, 1};
        return json{{"fields", {{"amount_fen", 120000}, {"first_month", next.iso().substr(0, 7)}, {"standard_fen", 70000},
                                {"income_per_capita_fen", 30000}, {"members", 3}}}};
    };
    const std::vector<Row> rows = {
        {"any stage before 受理", step("investigation_started", -40), 422, "not_accepted"},
        {"受理", step("accepted", -40), 200, ""},
        {"investigation", step("investigation_started", -39), 200, ""},
        {"confirming before the household visit", step("confirmed", -38, confirm_on(-38)), 422, "missing_prerequisite"},
        {"a visit with one investigator", step("household_visit_done", -37, {{"fields", {{"investigators", {"张三"}}}}}), 422,
         "field_required"},
        {"household visit", step("household_visit_done", -37, visit), 200, ""},
        {"verification by township staff", step("verification_done", -36), 403, "wrong_actor"},
        {"refusing without a reason", step("refused", -35), 422, "reason_required"},
        {"preliminary opinion", step("preliminary_opinion", -35), 200, ""},
        {"公示 start", step("publicity_started", -30), 200, ""},
        {"ending 公示 before 7 days", step("publicity_ended", -24), 422, "publicity_too_short"},
        {"公示 end", step("publicity_ended", -23), 200, ""},
        {"confirming without an amount", step("confirmed", -22), 422, "field_required"},
        {"confirmation", step("confirmed", -22, confirm_on(-22)), 200, ""},
        {"anything after the case is closed", step("terminated", -21, {{"reason", "x"}}), 422, "case_closed"}};
    for (auto& row : rows) {
        INFO(row.what);
        auto [status, body] = api.post(r, row.body);
        INFO(body.dump());
        CHECK(status == row.status);
        if (row.status != 200) CHECK(body["error"] == row.code);
        if (std::string(row.what) == "verification by township staff")
            REQUIRE(county_api.post(r, step("verification_done", -36)).first == 200);
    }

    // The close-relative case needs the county's own household visit before confirmation.
    const std::string rr = relative.receipt_number;
    for (auto& b : {step("accepted", -40), step("investigation_started", -39), step("household_visit_done", -38, visit),
                    step("verification_done", -37), step("preliminary_opinion", -36), step("publicity_started", -35),
                    step("publicity_ended", -28)})
        REQUIRE((b["stage"] == "verification_done" ? county_api : api).post(rr, b).first == 200);
    auto [status, body] = api.post(rr, step("confirmed", -27, confirm_on(-27)));
    CHECK(status == 422);
    CHECK(body["error"] == "county_visit_required");
    CHECK(api.post(rr, step("county_household_visit", -27)).first == 403);  // not the township's to record
    CHECK(county_api.post(rr, step("county_household_visit", -27)).first == 200);
    CHECK(api.post(rr, step("confirmed", -26, confirm_on(-26))).first == 200);

    // Another township's staff (told the same as for a case that does not exist), a bad token, an unknown case.
    auto other = add_user(c, "township-staff", "230523101");
    auto theirs = Api{c, other.token}.post(r, step("terminated", 0, {{"reason", "x"}}));
    auto nobodys = Api{c, other.token}.post("11040126010100015", step("terminated", 0, {{"reason", "x"}}));
    CHECK(theirs.first == 404);
    CHECK(theirs.second == nobodys.second);
    CHECK(Api{c, std::string(64, 'f')}.post(r, step("terminated", 0)).first == 401);
    CHECK(api.post("11040126010100015", step("accepted", 0)).first == 404);
    // A date in the future is refused.
    CHECK(api.post(rr, step("refused", 1, {{"reason", "x"}})).first == 400);

    // The kiosk pulls the new stage of its township's case (no names or ID numbers in it).
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    auto pulled = sync::PulledStore::open(*k->db);
    REQUIRE(pulled.ok());
    auto st = (*pulled)->status(r);
    REQUIRE(st.has_value());
    CHECK(st->body["current_stage"] == "confirmed");
    CHECK(st->body["timeline"].size() == 9);
    CHECK(st->body.dump().find("王秀英") == std::string::npos);
    auto view = api.get("/api/v1/cases/" + r);
    CHECK(view.first == 200);
    CHECK(view.second["closed"] == true);
}

TEST_CASE("casework: the 先行救助 path of 急难型临时救助", "[casework]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    k->clock.set(c.clock.now_utc_ms() - 5LL * 86'400'000);
    auto app = k->application("linshi_jinan");
    app.materials_received = {"id_card"};
    app.materials_missing = {};
    k->append(rec::type::application_submitted, app);
    k->clock.set(c.clock.now_utc_ms());
    REQUIRE(k->uploader->sync_once().category == sync::ErrorCategory::none);
    const Api api{c, add_user(c, "township-staff", "230523104").token};
    const std::string r = app.receipt_number;
    CHECK(api.post(r, {{"stage", "paid_first"}, {"date", day(-3)}, {"documents", {"payment_record"}},
                       {"fields", {{"amount_fen", 50000}}}})
              .first == 422);  // not accepted yet
    CHECK(api.post(r, {{"stage", "accepted"}, {"date", day(-3)}, {"documents", {"id_card"}}}).first == 200);
    CHECK(api.post(r, {{"stage", "paid_first"}, {"date", day(-3)}, {"documents", {"payment_record"}},
                       {"fields", {{"amount_fen", 50000}}}})
              .first == 200);
    CHECK(api.post(r, {{"stage", "paperwork_completed"}, {"date", day(-1)}}).first == 200);
    auto [status, body] = api.post(r, {{"stage", "closed"}, {"date", day(0)}});
    CHECK(status == 200);
    CHECK(body["closed"] == true);
}
