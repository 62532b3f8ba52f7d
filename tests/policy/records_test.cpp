// records_test.cpp — canonical JSON, event hashes and chains, payload validation, retention redaction.
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/records.hpp"

#include "test_support.hpp"

using namespace yimen;
using namespace yimen::records;
using nlohmann::json;

namespace {

const Rules& rules() { return yimen::test::policy_data().rules; }

ApplicationSubmitted sample_application() {
    ApplicationSubmitted a;
    a.receipt_number = make_receipt_number(ReceiptType::application, 230523104, 1, CivilDate{2025, 11, 22}, 7)->text;
    a.programme = "dibao";
    a.township = "230523104";
    a.channel = "self";
    a.applicant = {"王秀英", "230523199001010012", "self", "13800000000", "龙头镇红星村", "healthy", "", "full", false};
    a.applicant_key = hmac_sha256_hex("county-key", a.applicant.id_number);
    a.members.push_back({"李明", "11010519491231002X", "parent", "", "", "serious_illness", "", "none", false});
    a.income = {30000, 0, 0, 12000};
    a.hardship_statement = "丈夫去世，母亲重病。";
    a.commitment_at = "2025-11-22T01:02:03.000Z";
    a.authorisation_at = "2025-11-22T01:02:09.000Z";
    a.materials_received = {"id_card", "hukou"};
    a.materials_missing = {"statement"};
    return a;
}

Envelope envelope(const std::string& t, json payload, std::int64_t seq = 1) {
    Envelope e;
    e.kiosk_id = "230523104-01";
    e.seq = seq;
    e.type = t;
    e.wall_time = "2025-11-22T01:02:10.000Z";
    e.boot_id = "b0";
    e.uptime_ms = 5000;
    e.actor = {"resident", ""};
    e.payload = std::move(payload);
    return e;
}

}  // namespace

TEST_CASE("canonical JSON sorts keys, has no whitespace and refuses floats", "[records]") {
    json j = json::parse(R"({ "b": 1, "a": {"z": [3, 2], "y": "中文"}, "c": null })");
    CHECK(*canonical_json(j) == R"({"a":{"y":"中文","z":[3,2]},"b":1,"c":null})");
    CHECK(canonical_json(json::parse(R"({"amount": 1.5})")).error().code == "not_canonical");
    CHECK(*canonical_json(json("tab\there \"q\" \\")) == R"("tab\there \"q\" \\")");
    json bad_utf8 = std::string("\xff\xfe");
    CHECK(canonical_json(bad_utf8).error().code == "not_canonical");
}

TEST_CASE("sha256 and hmac vectors", "[records]") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231 test case 2.
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("an application round-trips through JSON and validates", "[records]") {
    auto a = sample_application();
    json j = a;
    auto back = j.get<ApplicationSubmitted>();
    CHECK(json(back) == j);
    CHECK(back.applicant.name == "王秀英");
    CHECK(back.income.total() == 42000);
    auto e = envelope(type::application_submitted, j);
    CHECK(validate_payload(e, rules()).ok());
}

TEST_CASE("application validation refuses what the rules forbid", "[records]") {
    auto a = sample_application();
    SECTION("a material outside the programme's legal list") {
        a.materials_missing.push_back("expense_proof");
        CHECK(validate_payload(envelope(type::application_submitted, a), rules()).error().code == "material_not_allowed");
    }
    SECTION("the resident did not tap the authorisation") {
        a.authorisation_at.clear();
        CHECK(validate_payload(envelope(type::application_submitted, a), rules()).error().code == "consent_missing");
    }
    SECTION("an invalid member ID") {
        a.members[0].id_number = "11010519491231002Y";
        auto s = validate_payload(envelope(type::application_submitted, a), rules());
        CHECK(s.error().code == "bad_id_number");
        CHECK(s.error().message.find("110105********002Y") != std::string::npos);  // masked in the message
    }
    SECTION("a referral programme is not an application") {
        a.programme = "ref_yiliao";
        CHECK(validate_payload(envelope(type::application_submitted, a), rules()).error().code == "unknown_programme");
    }
    SECTION("assisted without an operator") {
        a.channel = "assisted";
        CHECK(validate_payload(envelope(type::application_submitted, a), rules()).error().code == "bad_payload");
    }
    SECTION("a wrong field type") {
        json j = a;
        j["income"]["wages_fen"] = "300";
        CHECK(validate_payload(envelope(type::application_submitted, j), rules()).error().code == "bad_payload");
    }
}

TEST_CASE("ratings: levels 1–5 and never by staff", "[records]") {
    RatingGiven r;
    r.level = 5;
    r.channel = "kiosk";
    auto e = envelope(type::rating_given, r);
    CHECK(validate_payload(e, rules()).ok());
    e.actor = {"staff", "s-1"};
    CHECK(validate_payload(e, rules()).error().code == "staff_cannot_rate");
    r.level = 6;
    CHECK(validate_payload(envelope(type::rating_given, r), rules()).error().code == "bad_level");
    r.level = 2;
    r.receipt_number = "123";
    CHECK(validate_payload(envelope(type::rating_given, r), rules()).error().code == "bad_receipt_number");
}

TEST_CASE("every event type has a validating payload", "[records]") {
    const std::string rn = make_receipt_number(ReceiptType::application, 104, 1, CivilDate{2025, 11, 22}, 7)->text;
    const std::string cn = make_receipt_number(ReceiptType::complaint, 104, 1, CivilDate{2025, 11, 22}, 1)->text;
    auto staff = [](Envelope e) {
        e.actor = {"staff", "s-1"};
        return e;
    };
    std::vector<Envelope> events = {
        envelope(type::application_submitted, sample_application()),
        staff(envelope(type::application_accepted, ApplicationAccepted{rn, "dibao", "2025-11-24", {"id_card"}, "s-1"})),
        envelope(type::referral_issued, ReferralIssued{rn, "ref_yiliao", "县医疗保障局", "住院费用", "", "self", ""}),
        envelope(type::stage_changed, StageChanged{rn, "dibao", "accepted", "2025-11-24", "", json::object(), {}}),
        envelope(type::rating_given, RatingGiven{rn, 4, {{"attitude", 5}}, {}, "", "kiosk", "s-1"}),
        envelope(type::quiz_answered, QuizAnswered{"2026.1", {{"q1", 1, true}}}),
        envelope(type::complaint_filed, ComplaintFiled{cn, "attitude", "态度不好", true, "", std::string(64, 'a')}),
        envelope(type::status_queried, StatusQueried{rn, "online", true}),
        envelope(type::receipt_printed, ReceiptPrinted{rn, "intake", "printed"}),
        staff(envelope(type::staff_login, StaffSession{"s-1", ""})),
        staff(envelope(type::staff_logout, StaffSession{"s-1", "timeout"})),
        envelope(type::journal_rebased, JournalRebased{120, 80, "restored from backup"})};
    REQUIRE(events.size() == all_types().size());
    for (auto& e : events) {
        INFO(e.type);
        auto s = validate_payload(e, rules());
        CHECK(s.ok());
    }
    CHECK(validate_payload(envelope("application.deleted", json::object()), rules()).error().code == "unknown_type");
}

TEST_CASE("event hashes chain and reveal tampering", "[records]") {
    auto e1 = seal(envelope(type::status_queried, StatusQueried{"", "online", false}, 1), kZeroHash);
    REQUIRE(e1.ok());
    CHECK(e1->prev_hash == std::string(64, '0'));
    CHECK(e1->hash.size() == 64);
    auto e2 = seal(envelope(type::quiz_answered, QuizAnswered{"v", {{"q", 0, true}}}, 2), e1->hash);
    REQUIRE(e2.ok());
    CHECK(e2->prev_hash == e1->hash);
    json j = to_json_value(*e2);
    CHECK(hash_matches(j));
    j["payload"]["quiz_version"] = "w";
    CHECK_FALSE(hash_matches(j));
    // The hash is over the canonical bytes: key order and whitespace in transit do not matter.
    json reparsed = json::parse(to_json_value(*e1).dump(2));
    CHECK(hash_matches(reparsed));
    auto parsed = envelope_from_json(to_json_value(*e1));
    REQUIRE(parsed.ok());
    CHECK(parsed->hash == e1->hash);
}

TEST_CASE("envelope shape errors", "[records]") {
    json j = to_json_value(*seal(envelope(type::staff_login, StaffSession{"s", ""}), kZeroHash));
    CHECK(envelope_from_json(j).ok());
    auto broken = j;
    broken["seq"] = "1";
    CHECK(envelope_from_json(broken).error().code == "bad_envelope");
    broken = j;
    broken["seq"] = 0;
    CHECK(envelope_from_json(broken).error().code == "bad_envelope");
    broken = j;
    broken["prev_hash"] = "abc";
    CHECK(envelope_from_json(broken).error().code == "bad_envelope");
    broken = j;
    broken["wall_time"] = "yesterday";
    CHECK(envelope_from_json(broken).error().code == "bad_envelope");
}

