// protocol_test.cpp — the wire codec's edges: gzip members and trailing bytes, the JSON depth bound (checked
// without recursion), and the push object's required members.
#include <catch2/catch.hpp>

#include "sync/protocol.hpp"

using namespace yimen;
namespace proto = yimen::sync::protocol;
using nlohmann::json;

TEST_CASE("gzip: several members are one body, bytes after the last member are refused", "[sync][protocol]") {
    const std::string two = proto::gzip_compress("{\"a\":") + proto::gzip_compress("1}");
    auto both = proto::gzip_decompress(two, 1024);
    REQUIRE(both.ok());
    CHECK(*both == "{\"a\":1}");
    auto trailing = proto::gzip_decompress(proto::gzip_compress("{}") + "garbage", 1024);
    REQUIRE_FALSE(trailing.ok());
    CHECK(trailing.error().code == "bad_gzip");
    const std::string whole = proto::gzip_compress(std::string(5000, 'x'));
    CHECK_FALSE(proto::gzip_decompress(whole.substr(0, whole.size() - 3), 1u << 20).ok());  // cut inside the trailer
    CHECK_FALSE(proto::gzip_decompress("", 1024).ok());
    CHECK(proto::gzip_decompress(whole, 100).error().code == "too_large");
}

TEST_CASE("JSON depth: counted without recursion, strings skipped, refused past the bound", "[sync][protocol]") {
    CHECK(proto::json_nesting_depth(R"({"a":[1,{"b":[]}]})", 64) == 4);
    CHECK(proto::json_nesting_depth(R"({"a":"[[[[[[\"[[["})", 64) == 1);  // brackets inside strings do not count
    CHECK(proto::parse_json_bounded(std::string(64, '[') + std::string(64, ']')).ok());
    auto deep = proto::parse_json_bounded(std::string(65, '[') + std::string(65, ']'));
    REQUIRE_FALSE(deep.ok());
    CHECK(deep.error().code == "too_deep");
    auto huge = proto::parse_json_bounded(std::string(1'000'000, '['));  // would exhaust the stack if parsed
    REQUIRE_FALSE(huge.ok());
    CHECK(huge.error().code == "too_deep");
    CHECK(proto::parse_json_bounded("{nope").error().code == "bad_request");
}

TEST_CASE("push object: every member is required and typed, sent_at is an RFC 3339 time", "[sync][protocol]") {
    const json good = {{"kiosk_id", "230523104-01"}, {"boot_id", "b"}, {"uptime_ms", 5}, {"sent_at", "2026-11-30T08:00:00.000Z"},
                       {"events", json::array()}};
    CHECK(proto::push_request_from_json(good).ok());
    for (const char* member : {"kiosk_id", "boot_id", "uptime_ms", "sent_at", "events"}) {
        json j = good;
        j.erase(member);
        INFO(member);
        CHECK_FALSE(proto::push_request_from_json(j).ok());
    }
    json garbage = good;
    garbage["sent_at"] = "garbage";
    CHECK_FALSE(proto::push_request_from_json(garbage).ok());
    json negative = good;
    negative["uptime_ms"] = -1;
    CHECK_FALSE(proto::push_request_from_json(negative).ok());
    json many = good;
    many["events"] = json::array();
    for (int i = 0; i <= proto::kMaxEventsPerPush; ++i) many["events"].push_back(json::object());
    CHECK(proto::push_request_from_json(many).error().code == "too_many_events");
}

TEST_CASE("push with fleet facts: optional members only when known, read back by the county's parser", "[sync][protocol]") {
    proto::PushRequest req{"230523104-01", "boot-1", 1000, "2026-11-30T01:00:00.000Z", {}};
    proto::PushFleetFacts none;
    const nlohmann::json bare = proto::to_json(req, none);
    CHECK_FALSE(bare.contains("queue_depth"));
    CHECK_FALSE(bare.contains("printer"));
    CHECK_FALSE(bare.contains("software_version"));
    proto::PushFleetFacts some;
    some.queue_depth = 7;
    some.printer = "paper_near_end";
    some.software_version = "0.1.0";
    const nlohmann::json full = proto::to_json(req, some);
    const proto::PushFleetFacts back = proto::push_fleet_facts_from_json(full);
    CHECK(back.queue_depth == std::optional<std::int64_t>(7));
    CHECK(back.printer == "paper_near_end");
    CHECK(back.software_version == "0.1.0");
    CHECK(proto::push_request_from_json(full).ok());  // still a valid push for a county that ignores them
}
