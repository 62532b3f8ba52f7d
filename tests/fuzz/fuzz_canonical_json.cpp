// fuzz_canonical_json.cpp — canonical_json (what event hashes are computed over) on any JSON the server would parse.
// Canonical text must be a fixed point: parsed again it canonicalises to the same bytes, hence the same hash.
#include "fuzz_support.hpp"
#include "base/canonical_json.hpp"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    auto j = fuzz::parse_bounded(input);
    if (!j) return 0;
    fuzz::reached();
    auto canon = canonical_json(*j);
    if (!canon) {
        fuzz::check(canon.error().code == "not_canonical", "the only refusal is not_canonical");
        return 0;
    }
    auto back = fuzz::parse_bounded(*canon);
    fuzz::check(back.has_value(), "canonical text parses");
    auto again = canonical_json(*back);
    fuzz::check(again.ok() && *again == *canon, "canonical text is a fixed point");
    fuzz::check(sha256_hex(*again).size() == 64, "sha256 hex is 64 characters");
    return 0;
}
