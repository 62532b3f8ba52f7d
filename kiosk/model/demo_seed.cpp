// demo_seed.cpp — the demo's starting data (hall-kiosk --demo, kiosk-ctl --demo): two staff accounts and a case in
// progress, written once into an empty store.
#include "kiosk/model/kiosk_app.hpp"

#include "kiosk/model/pin.hpp"
#include "kiosk/model/status_model.hpp"

namespace yimen::kiosk {

Status seed_demo(KioskStore& store, const KioskConfig& config, const PolicyData& data, const Clock& clock) {
    if (store.staff_count() == 0) {
        // Cheaper scrypt parameters would be a different format; demo accounts use the real ones.
        if (auto s = store.upsert_staff({"1001", "李芳", hash_pin("123456")}); !s) return s;
        if (auto s = store.upsert_staff({"1002", "王强", hash_pin("654321")}); !s) return s;
    }
    auto today = clock.today();
    auto rn = make_receipt_number(ReceiptType::application, std::stoi(config.township_code), 0, today.plus_days(-10), 7);
    if (!rn || store.case_record(rn.value().text)) return Ok{};
    CaseRecord c;
    c.receipt_number = rn.value().text;
    c.programme = "dibao";
    c.masked_name = "张*华";
    c.last4_hash = last4_hash(c.receipt_number, "0012");
    auto d0 = today.plus_days(-10);
    c.history = {{"applied", d0, "resident", "", nlohmann::json::object(), {}},
                 {"accepted", d0, "township", "", nlohmann::json::object(), {}},
                 {"investigation_started", d0.plus_days(2), "township", "", nlohmann::json::object(), {}}};
    c.updated_ms = clock.now_utc_ms() - 3 * 3600 * 1000;
    (void)data;
    auto tx = store.begin();
    if (!tx) return tx.error();
    if (auto s = store.upsert_case(*tx.value(), c); !s) return s;
    return tx.value()->commit();
}

}  // namespace yimen::kiosk
