// receipt_number.hpp — Yimen receipt numbers: 17 characters `T TTT KK YYMMDD NNNN C` (DESIGN.md, Contracts).
// T type (1 application, 2 referral, 3 complaint), TTT last three digits of the township code, KK kiosk number
// (00 = county server), YYMMDD civil date, NNNN per-kiosk per-day sequence, C = ISO 7064 MOD 11-2 check.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_date.hpp"
#include "base/result.hpp"

namespace yimen {

enum class ReceiptType { application = 1, referral = 2, complaint = 3 };

struct ReceiptNumber {
    ReceiptType type = ReceiptType::application;
    int township = 0;   // 0–999: last three digits of the 9-digit township code
    int kiosk = 0;      // 0–99
    CivilDate date;
    int sequence = 0;   // 1–9999
    std::string text;   // the 17 characters, upper-case

    // "1104 0125 1122 0007 8" style: groups of four.
    std::string grouped() const;
};

// township_code may be the 9-digit code (230523100) or its last three digits.
Result<ReceiptNumber> make_receipt_number(ReceiptType type, int township_code, int kiosk, CivilDate date, int sequence);
// Accepts spaces, dashes, full-width digits and lower-case x. Codes: "bad_length", "bad_character", "bad_type",
// "bad_date", "date_out_of_range", "bad_check". The date is 20YY and not before 2020-01-01; with `today`, not after
// tomorrow either (a day of slack for a kiosk whose clock runs ahead).
Result<ReceiptNumber> parse_receipt_number(std::string_view input, std::optional<CivilDate> today = std::nullopt);
// Every valid receipt number written in free text (a complaint that names the case it is about), in order, once each.
std::vector<std::string> receipt_numbers_in(std::string_view text);
const char* receipt_type_name_zh(ReceiptType t);

}  // namespace yimen
