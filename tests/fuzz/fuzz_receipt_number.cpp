// fuzz_receipt_number.cpp — parse_receipt_number on any text (what a resident types or a scanner reads). A number
// that parses must re-parse from its own text and grouped form to the same fields, and be rebuilt by
// make_receipt_number.
#include "fuzz_support.hpp"
#include "policy/receipt_number.hpp"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    fuzz::reached();
    auto r = parse_receipt_number(input);
    if (!r) {
        fuzz::check(!r.error().code.empty(), "a refusal carries a code");
        return 0;
    }
    fuzz::check(r->text.size() == 17, "text is 17 characters");
    for (const auto& again : {r->text, r->grouped()}) {
        auto r2 = parse_receipt_number(again);
        fuzz::check(r2.ok() && r2->text == r->text && r2->type == r->type && r2->township == r->township &&
                        r2->kiosk == r->kiosk && r2->date == r->date && r2->sequence == r->sequence,
                    "a parsed number re-parses from its own text to the same fields");
    }
    auto made = make_receipt_number(r->type, r->township, r->kiosk, r->date, r->sequence);
    fuzz::check(made.ok() && made->text == r->text, "make_receipt_number rebuilds a parsed number");
    return 0;
}
