// demo_county.cpp — the demo county's setup: kiosks (certificates from the county's CA) and staff per township,
// county staff, and the residents who come to the kiosks (names, ID numbers, applicant keys). See demo_generator.hpp.
#include <string>

#include "county/demo_generator.hpp"
#include "county/pki.hpp"
#include "base/canonical_json.hpp"
#include "policy/check_digit.hpp"

namespace yimen::county::demo_detail {

// ---- Setup: kiosks (certificates from the county's CA) and staff -----------------------------------------------------

Status Generator::setup() {
    const Actor by{"cli:demo-data", at_local(first_, 8, 0)};
    std::size_t kiosk_index = 0;
    for (const auto& spec : kTownships) {
        DemoTownship tw;
        tw.spec = &spec;
        const std::string last3 = std::string(spec.code).substr(6);
        for (int n = 0; n < spec.kiosks; ++n) {
            DemoKiosk k;
            k.number = 11 + n;
            k.id = std::string(spec.code) + "-" + std::to_string(k.number);
            k.township = townships_.size();
            auto issued = pki::issue_kiosk(dir_, k.id, spec.code);
            if (!issued) return issued.error();
            k.record = {k.id, spec.code, issued->fingerprint, issued->serial_hex, false, false};
            if (auto s = store_.put_kiosk(k.record); !s) return s;
            if (auto s = store_.append_audit({0, by.now, by.id, "kiosk.issued", k.id, spec.code}); !s) return s;
            // Most clocks are close; a few drift by seconds; two run minutes off (the county corrects and flags them).
            const double r = dice_.uniform();
            const std::int64_t sign = dice_.chance(0.5) ? 1 : -1;
            if (kiosk_index == 3 || kiosk_index == 14) k.skew_ms = sign * dice_.between(3 * 60, 9 * 60) * 1000;
            else if (r < 0.25) k.skew_ms = sign * dice_.between(10, 90) * 1000;
            else k.skew_ms = sign * dice_.between(0, 5000);
            if (spec.code == std::string("230523501") && n == 1) k.silent_from_day = last_.to_days() - 18;
            k.boot_id = "boot-" + dice_.hex(8);
            k.boot_ms = at_local(first_, 7, dice_.between(0, 50));
            tw.kiosks.push_back(kiosks_.size());
            kiosks_.push_back(std::move(k));
            ++kiosk_index;
        }
        NewUser nu{"D" + last3 + "010", std::string(spec.name) + "民政助理", "township-staff", spec.code, std::nullopt};
        auto created = add_user(store_, nu, by);
        if (!created) return created.error();
        tw.staff = created->user;
        townships_.push_back(std::move(tw));
    }
    for (const char* id : {"D523001", "D523002"}) {
        auto created = add_user(store_, {id, "县民政局审核员", "county-staff", "", std::nullopt}, by);
        if (!created) return created.error();
        county_staff_.push_back(created->user);
    }
    summary_.counts["kiosks"] = static_cast<std::int64_t>(kiosks_.size());
    summary_.counts["users"] = static_cast<std::int64_t>(townships_.size() + county_staff_.size());
    summary_.townships = static_cast<int>(townships_.size());
    return Ok{};
}

rec::Person Generator::member(const std::string& relation, int birth_from, int birth_to, const TownshipSpec& spec) {
    rec::Person p;
    p.name = dice_.pick(kSurnames) + dice_.pick(kGiven);
    char body[48];
    std::snprintf(body, sizeof body, "230523%04d%02d%02d%03d", dice_.between(birth_from, birth_to), dice_.between(1, 12),
                  dice_.between(1, 28), dice_.between(1, 999));
    p.id_number = std::string(body) + mod11_2_check(body);
    p.relation = relation;
    char phone[32];
    std::snprintf(phone, sizeof phone, "13%09d", dice_.between(0, 999'999'999));
    p.phone = phone;
    p.address = std::string(spec.name) + "第" + std::to_string(dice_.between(1, 12)) + "村";
    const double h = dice_.uniform();
    p.health = h < 0.6 ? "healthy" : h < 0.8 ? "chronic_illness" : h < 0.92 ? "serious_illness" : "disabled";
    if (p.health == "disabled") p.disability = dice_.chance(0.5) ? "肢体二级" : "视力三级";
    p.work_ability = p.health == "healthy" ? "full" : p.health == "chronic_illness" ? "partial" : "none";
    return p;
}

Identity Generator::new_identity(std::size_t township, int birth_from, int birth_to) {
    Identity id;
    id.person = member("self", birth_from, birth_to, *townships_[township].spec);
    id.key = hmac_sha256_hex("yimen-demo-county-key", id.person.id_number);
    return id;
}


}  // namespace yimen::county::demo_detail
