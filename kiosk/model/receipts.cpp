// receipts.cpp — the values of the kiosk's receipts (see receipts.hpp; the wording is in assets/receipts/).
#include "kiosk/model/receipts.hpp"

#include <algorithm>
#include <cstdio>

#include "kiosk/model/json_util.hpp"
#include "kiosk/model/text.hpp"
#include "policy/money.hpp"
#include "policy/resident_id.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {
namespace {

// The keys every template shares: who issued the receipt and where to turn.
nlohmann::json hall_fields(const KioskConfig& c) {
    return {{"township_name", c.hall_name},
            {"township_address", c.receipt_address()},
            {"township_hotline", c.receipt_phone()},
            {"county_hotline", c.hotline}};
}

std::vector<std::string> document_names(const Rules& rules, const std::vector<std::string>& codes) {
    std::vector<std::string> out;
    for (const auto& c : codes) out.push_back(rules.document_name(c));
    return out;
}

ReceiptDocument make(const std::string& template_name, const std::string& receipt_number, nlohmann::json data) {
    ReceiptDocument d;
    d.template_name = template_name;
    d.receipt_number = receipt_number;
    d.data = std::move(data);
    if (!receipt_number.empty()) d.data["receipt_number"] = receipt_number;
    return d;
}

}  // namespace

std::string receipt_date(CivilDate d) {
    return std::to_string(d.year) + "年" + std::to_string(d.month) + "月" + std::to_string(d.day) + "日";
}

std::string receipt_time(UtcMillis t) {
    const std::int64_t day_seconds = 24 * 3600;
    std::int64_t s = (t / 1000 + kCountyUtcOffsetSeconds) % day_seconds;
    if (s < 0) s += day_seconds;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60));
    return buf;
}

std::string ReceiptContext::programme_name(const std::string& id) const {
    if (auto* p = data.rules.programme(id)) return p->name;
    return id;
}

ReceiptDocument intake_receipt(const ReceiptContext& ctx, const records::ApplicationSubmitted& s) {
    const UtcMillis now = ctx.clock.now_utc_ms();
    nlohmann::json d = hall_fields(ctx.config);
    d["programme_name"] = ctx.programme_name(s.programme);
    d["applicant_name_masked"] = mask_name(s.applicant.name);
    d["applicant_id_masked"] = mask_resident_id(s.applicant.id_number);
    d["household_size"] = static_cast<int>(s.members.size() + 1);
    if (s.channel == "assisted") d["channel_name"] = "窗口协助";
    d["submitted_date"] = receipt_date(county_date_at(now));
    d["submitted_time"] = receipt_time(now);
    if (s.estimate_fen >= 0) d["estimate_text"] = "每月约 " + format_yuan(s.estimate_fen) + " 元（仅供参考，以审核确认为准）";
    d["materials_received"] = document_names(ctx.data.rules, s.materials_received);
    d["materials_missing"] = document_names(ctx.data.rules, s.materials_missing);
    return make("intake", s.receipt_number, std::move(d));
}

ReceiptDocument referral_receipt(const ReceiptContext& ctx, const records::ReferralIssued& r,
                                 const std::string& masked_name) {
    const UtcMillis now = ctx.clock.now_utc_ms();
    nlohmann::json d = hall_fields(ctx.config);
    d["matter"] = ctx.programme_name(r.programme);
    d["applicant_name_masked"] = masked_name;
    d["issued_date"] = receipt_date(county_date_at(now));
    d["issued_time"] = receipt_time(now);
    d["department_name"] = r.department;
    std::vector<std::string> bring;
    if (auto* p = ctx.data.rules.programme(r.programme)) bring = p->bring;
    d["materials_to_bring"] = bring;
    return make("referral", r.receipt_number, std::move(d));
}

ReceiptDocument complaint_receipt(const ReceiptContext& ctx, const records::ComplaintFiled& c,
                                  const std::string& query_code, const std::string& category_label) {
    const UtcMillis now = ctx.clock.now_utc_ms();
    nlohmann::json d = hall_fields(ctx.config);
    d["query_code"] = query_code;
    d["category_name"] = category_label;
    d["filed_date"] = receipt_date(county_date_at(now));
    d["filed_time"] = receipt_time(now);
    d["anonymous"] = c.anonymous;
    if (!c.anonymous && !c.contact.empty()) d["contact_masked"] = mask_phone(c.contact);
    // No published reply limit in the rules: the receipt then promises none (the template's other wording).
    if (const int days = ctx.data.rules.fact_int("complaint_reply_wd", 0); days > 0) d["reply_working_days"] = days;
    return make("complaint", c.receipt_number, std::move(d));
}

ReceiptDocument acceptance_receipt(const ReceiptContext& ctx, const StoredApplication& a, const Programme& p,
                                   CivilDate accepted, const std::string& staff_id) {
    nlohmann::json d = hall_fields(ctx.config);
    d["programme_name"] = p.name;
    d["applicant_name_masked"] = a.masked_name;
    d["applicant_id_masked"] = a.masked_id();
    if (auto t = parse_rfc3339(a.submitted_at)) {
        d["submitted_date"] = receipt_date(county_date_at(*t));
        d["submitted_time"] = receipt_time(*t);
    } else {
        d["submitted_date"] = a.submitted_at;
        d["submitted_time"] = "";
    }
    d["accepted_date"] = receipt_date(accepted);
    d["clock_verified"] = false;
    if (p.overall) {
        auto due = ctx.data.calendar.add_working_days(accepted, p.overall->working_days);
        // An assumed limit (❌) or a date in a year without a published holiday notice is not printed as law: the
        // template then says 以乡镇通知为准.
        if (!is_unconfirmed(p.overall->confidence) && !due.provisional) {
            d["clock_verified"] = true;
            d["decision_date"] = receipt_date(due.date);
            d["decision_working_days"] = p.overall->working_days;
        }
    }
    if (!staff_id.empty()) d["staff_id"] = staff_id;
    // Acceptance needs every material required of all applicants; the conditional ones count when brought.
    std::vector<std::string> received;
    std::vector<std::string> brought;
    if (a.payload.contains("materials_received"))
        for (const auto& m : a.payload["materials_received"]) brought.push_back(json_as_str(m));
    for (const auto& m : p.materials)
        if (m.when.empty() || std::find(brought.begin(), brought.end(), m.code) != brought.end())
            received.push_back(ctx.data.rules.document_name(m.code));
    d["materials_received"] = received;
    d["materials_missing"] = nlohmann::json::array();
    return make("acceptance", a.receipt_number, std::move(d));
}

ReceiptDocument test_page(const ReceiptContext& ctx) {
    return make("testpage", "", {{"test_code", ctx.config.kiosk_id}});
}

}  // namespace yimen::kiosk
