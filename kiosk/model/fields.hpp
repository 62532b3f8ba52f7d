// fields.hpp — text fields as plain data. The kiosk never uses ImGui::InputText: what a resident types lives only
// here (and in the rime session), so wiping a session is wiping these values (RECIPES.md §10 1e).
#pragma once
#include <string>

namespace yimen::kiosk {

enum class InputKind {
    chinese,    // pinyin keyboard (letters as fallback)
    digits,     // numeric pad
    id_number,  // numeric pad with X
    phone,      // numeric pad, 11 digits
    money,      // numeric pad with a decimal point
    receipt,    // receipt-number pad (digits and X)
};

struct TextField {
    std::string label_key;   // i18n key of the label
    InputKind kind = InputKind::chinese;
    int max_chars = 40;
    std::string value;
    bool secret = false;     // PINs: drawn as dots

    void clear() { value.clear(); }
};

}  // namespace yimen::kiosk
