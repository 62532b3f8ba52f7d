// fuzz_resident_id.cpp — parse_resident_id on any text (the kiosk's ID field, a payload's id_number) and
// mask_resident_id on the same bytes. A number that parses is 18 characters and re-parses to itself.
#include "fuzz_support.hpp"
#include "policy/resident_id.hpp"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const CivilDate today{2025, 6, 1};
    fuzz::reached();
    const std::string masked = mask_resident_id(input);
    fuzz::check(masked.size() == input.size(), "masking keeps the length");
    auto id = parse_resident_id(input, today);
    if (!id) {
        fuzz::check(!id.error().code.empty(), "a refusal carries a code");
        return 0;
    }
    fuzz::check(id->number.size() == 18, "a valid number is 18 characters");
    fuzz::check(!(id->birth_date > today), "birth date is not after today");
    auto again = parse_resident_id(id->number, today);
    fuzz::check(again.ok() && again->number == id->number && again->birth_date == id->birth_date &&
                    again->sex == id->sex && !again->converted_from_15,
                "a normalised number re-parses to itself");
    fuzz::check(mask_resident_id(id->number).size() == 18, "a valid number masks to 18 characters");
    return 0;
}
