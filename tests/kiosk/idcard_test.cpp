// idcard_test.cpp — the ID card reader: frames checked against bytes written out by hand, the text block built by
// hand (a name with 𠮷 as a surrogate pair, a 35-character address), and the reader and kiosk-ctl against idcard-sim
// on a real pseudo-terminal, fault modes included.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/utf8.hpp"
#include "kiosk/devices/id_card_reader.hpp"
#include "policy/resident_id.hpp"
#include "idcard_sim.hpp"
#include "support.hpp"

using namespace yimen;
using namespace yimen::kiosk;
using idcard::Bytes;
using kiosk_test::Sim;

namespace {

const CivilDate kToday{2026, 12, 1};


Result<IdCardData> read_from(const Sim& sim) {
    auto port = open_serial_port(sim.link);
    REQUIRE(port.ok());
    // Small timeouts: a silent reader must fail in well under a second here.
    return read_id_card(*port.value(), kToday, IdCardTimeouts{150, 1000, 2, 20});
}

// Writes UTF-16 code units little-endian into a space-padded field, as a card holds them.
void put(Bytes& block, std::size_t offset, std::size_t size, std::u16string_view s) {
    for (std::size_t i = 0; i < size / 2; ++i) {
        char16_t u = i < s.size() ? s[i] : u' ';
        block[offset + 2 * i] = static_cast<std::uint8_t>(u & 0xFF);
        block[offset + 2 * i + 1] = static_cast<std::uint8_t>(u >> 8);
    }
}

std::pair<int, std::string> run(const std::string& args) { return kiosk_test::run_kiosk_ctl(args); }

}  // namespace

TEST_CASE("ID card frames match the bytes the protocol spells out", "[kiosk][idcard]") {
    // XOR of 00 03 20 01 = 22; 00 03 20 02 = 21; 00 03 30 01 = 32 (worked out by hand).
    CHECK(idcard::find_card_request() == Bytes{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22});
    CHECK(idcard::select_card_request() == Bytes{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x02, 0x21});
    CHECK(idcard::read_card_request() == Bytes{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x30, 0x01, 0x32});

    // A find-card answer as a module sends it: 00 00 9F and four bytes of IIN; 08^9F = 97. Garbage in front is skipped.
    const Bytes found{0x13, 0xAA, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00, 0x9F,
                      0x00, 0x00, 0x00, 0x00, 0x97, 0x55};
    auto d = idcard::decode_frame(found);
    REQUIRE(d.ok());
    CHECK(d.value().body == Bytes{0x00, 0x00, 0x9F, 0x00, 0x00, 0x00, 0x00});
    CHECK(d.value().consumed == found.size() - 1);
    CHECK(idcard::encode_frame(idcard::answer_body(idcard::kFound, Bytes(4, 0))) ==
          Bytes(found.begin() + 2, found.end() - 1));
    // No card: 00 04 00 00 80, checksum 84.
    CHECK(idcard::encode_frame(idcard::answer_body(idcard::kNoCard)) ==
          Bytes{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x80, 0x84});

    Bytes bad = idcard::find_card_request();
    bad.back() ^= 0x01;
    CHECK(idcard::decode_frame(bad).error().code == "bad_checksum");
    Bytes cut = idcard::read_card_request();
    cut.pop_back();
    CHECK(idcard::decode_frame(cut).error().code == "short_frame");
    CHECK(idcard::decode_frame(Bytes{0xAA, 0xAA, 0xAA, 0x96}).error().code == "short_frame");
    CHECK(idcard::decode_frame(Bytes{}).error().code == "short_frame");
}

TEST_CASE("The card's text block decodes: 𠮷 from a surrogate pair, a 35-character address, codes and dates",
          "[kiosk][idcard]") {
    Bytes block(256, 0);
    put(block, 0, 256, u"");
    put(block, 0, 30, u"𠮷祥");
    put(block, 30, 2, u"2");
    put(block, 32, 4, u"01");
    put(block, 36, 16, u"19520701");
    const std::u16string address = u"黑龙江省示例县柳河镇幸福村第三村民小组东头老供销社后院第二排西数第五号";
    REQUIRE(address.size() == 35);
    put(block, 52, 70, address);
    put(block, 122, 36, u"230523195207010028");
    put(block, 158, 30, u"示例县公安局");
    put(block, 188, 16, u"20160315");
    put(block, 204, 16, u"长期");
    // U+20BB7 is D842 DFB7 in UTF-16: little-endian 42 D8 B7 DF.
    CHECK(Bytes(block.begin(), block.begin() + 4) == Bytes{0x42, 0xD8, 0xB7, 0xDF});

    auto c = parse_text_block(block, kToday);
    REQUIRE(c.ok());
    CHECK(c->name == "𠮷祥");
    CHECK(c->sex == "female");
    CHECK(c->ethnicity == "汉");
    CHECK(c->birth_date == "1952-07-01");
    CHECK(c->address == "黑龙江省示例县柳河镇幸福村第三村民小组东头老供销社后院第二排西数第五号");
    CHECK(c->id_number == "230523195207010028");
    CHECK(c->authority == "示例县公安局");
    CHECK(c->valid_from == "2016-03-15");
    CHECK(c->valid_to == "长期");
    CHECK_FALSE(id_card_expired(c.value(), kToday));
    // The simulator's encoder writes the same bytes.
    CHECK(encode_text_block(c.value()) == block);

    put(block, 32, 4, u"99");  // a code we do not name stays a code
    CHECK(parse_text_block(block, kToday)->ethnicity == "99");
    put(block, 122, 36, u"230523195207010021");  // wrong check digit
    CHECK(parse_text_block(block, kToday).error().code == "bad_id_number");
    CHECK(parse_text_block(Bytes(255, 0x20), kToday).error().code == "short_frame");
    // A lone surrogate is not swallowed silently.
    CHECK(utf16le_to_utf8(Bytes{0x42, 0xD8, 0x41, 0x00}) == "\xEF\xBF\xBD" "A");
}

TEST_CASE("The reader reads idcard-sim's cards over a pseudo-terminal", "[kiosk][idcard]") {
    {
        Sim sim("normal", "normal");
        auto c = read_from(sim);
        REQUIRE(c.ok());
        CHECK(c->name == "王秀兰");
        CHECK(c->sex == "female");
        CHECK(c->valid_to == "长期");
        CHECK(parse_resident_id(c->id_number, kToday).ok());
    }
    {
        Sim sim("rare", "rare");
        auto c = read_from(sim);
        REQUIRE(c.ok());
        CHECK(c->name == "𠮷祥");
        CHECK(c->sex == "male");
    }
    {
        Sim sim("long", "long-address");
        auto c = read_from(sim);
        REQUIRE(c.ok());
        CHECK(utf8::length(c->address) == 35);
        CHECK(c->ethnicity == "满");
    }
    {
        Sim sim("expired", "expired");
        auto c = read_from(sim);
        REQUIRE(c.ok());
        CHECK(c->valid_to == "2025-06-01");
        CHECK(id_card_expired(c.value(), kToday));
    }
}

TEST_CASE("The reader reports idcard-sim's faults plainly and never hangs", "[kiosk][idcard]") {
    const auto started = std::chrono::steady_clock::now();
    {
        Sim sim("checksum", "normal", "checksum");
        CHECK(read_from(sim).error().code == "bad_checksum");
    }
    {
        Sim sim("removed", "normal", "removed");
        auto r = read_from(sim);
        CHECK(r.error().code == "card_removed");
        CHECK_FALSE(r.error().message.empty());
    }
    {
        Sim sim("silent", "normal", "silent");
        CHECK(read_from(sim).error().code == "no_reader");
    }
    CHECK(open_serial_port("/nonexistent/ttyUSB9").error().code == "no_reader");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("kiosk-ctl idcard read prints the card as JSON without any configuration", "[kiosk][idcard]") {
    {
        Sim sim("ctl", "rare");
        auto [code, out] = run("idcard read --port " + sim.link + " --json");
        REQUIRE(code == 0);
        auto j = nlohmann::json::parse(out);
        std::set<std::string> keys;
        for (auto& [k, v] : j.items()) keys.insert(k);
        CHECK(keys == std::set<std::string>{"name", "sex", "ethnicity", "birth_date", "address", "id_number",
                                            "authority", "valid_from", "valid_to"});
        CHECK(j["name"] == "𠮷祥");
        CHECK(j["sex"] == "male");
        CHECK(j["birth_date"] == "1952-07-01");
    }
    {
        Sim sim("ctl-silent", "normal", "silent");
        auto [code, out] = run("idcard read --port " + sim.link + " --json");
        CHECK(code == 1);
        CHECK(out.find("读卡器") != std::string::npos);
    }
    auto [code, out] = run("idcard read --port /nonexistent/ttyUSB9");
    CHECK(code == 1);
}

TEST_CASE("The kiosk's serial reader polls once per call and reopens a line that went away", "[kiosk][idcard]") {
    Sim sim("serial-port", "normal", "", /*absent=*/true);
    SerialIdCardReader reader(sim.link);
    CHECK(reader.read_once(kToday).error().code == "no_card");
    sim.lay_card();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto c = reader.read_once(kToday);
    INFO((c ? std::string("ok") : c.error().code + ": " + c.error().message));
    REQUIRE(c.ok());
    CHECK(c->name == "王秀兰");
    SerialIdCardReader nowhere("/nonexistent/ttyUSB8");
    CHECK(nowhere.read_once(kToday).error().code == "no_reader");
}
