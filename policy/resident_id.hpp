// resident_id.hpp — resident ID numbers (公民身份号码, GB 11643-1999): validation, normalisation, masking.
#pragma once
#include <string>
#include <string_view>

#include "base/civil_date.hpp"
#include "base/result.hpp"

namespace yimen {

enum class Sex { male, female };

struct ResidentId {
    std::string number;  // 18 characters, upper-case X
    CivilDate birth_date;
    Sex sex = Sex::male;
    bool converted_from_15 = false;
};

// Full-width digits and Ｘ become ASCII; spaces (also the ideographic one) and dashes are dropped; x becomes X.
std::string normalise_digits(std::string_view input);

// Error codes: "empty", "bad_length", "bad_character", "bad_date", "date_out_of_range", "bad_region", "bad_check".
// Spaces and dashes are ignored, full-width digits are read as digits, lower-case x is accepted, 15-digit numbers are
// converted (century 19). Birth dates before 1850-01-01 are refused; the region's province must exist.
Result<ResidentId> parse_resident_id(std::string_view input, CivilDate today);

// First 6 and last 4 characters visible: 230523********0012. Shorter input is fully masked.
std::string mask_resident_id(std::string_view number);

const char* sex_name_zh(Sex s);

}  // namespace yimen
