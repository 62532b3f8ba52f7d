// fuzz_push.cpp — the push decoder as the county server runs it on a kiosk's upload: gzip inflation, the bounded
// JSON parse, push_request_from_json, then per event the envelope shape, the hash over canonical JSON and the
// payload rules (records::validate_payload). Inputs that start with the gzip magic go through inflation; anything
// else is taken as the inflated body, so that the fuzzer also reaches the JSON layers directly.
// Storage and projection (county/ingest.cpp) are not driven here.
#include "fuzz_support.hpp"
#include "policy/records.hpp"
#include "sync/protocol.hpp"
#include "sync/sealed_payload.hpp"

using namespace yimen;
namespace proto = yimen::sync::protocol;
namespace rec = yimen::records;

namespace {

// The fuzzer's inputs are small (-max_len); inflation stays bounded far below the server's 16 MiB.
constexpr std::size_t kMaxInflated = 1u << 20;

void decode(std::string_view body) {
    auto j = fuzz::parse_bounded(body);
    if (!j) return;
    auto push = proto::push_request_from_json(*j);
    if (!push) return;
    fuzz::check(push->events.size() <= static_cast<std::size_t>(proto::kMaxEventsPerPush), "event count limit");
    for (const auto& text : push->events) {
        auto ej = fuzz::parse_bounded(text);
        fuzz::check(ej.has_value(), "an event re-parses from its own dump");
        auto env = rec::envelope_from_json(*ej);
        if (!env) continue;
        // The hash is a plain SHA-256, not a MAC: anyone can seal any payload, so the payload rules are fuzzed
        // whether or not the (mutated) hash still matches.
        (void)rec::hash_matches(*ej);
        (void)rec::validate_payload(*env, fuzz::policy().rules);
        (void)sync::drop_personal(env->type, env->payload);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    fuzz::reached();
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        auto body = proto::gzip_decompress(input, kMaxInflated);
        if (body) decode(*body);
        return 0;
    }
    decode(input);
    return 0;
}
