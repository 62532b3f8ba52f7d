// receipts.hpp — what each kiosk receipt says: the records of a transaction turned into the data of one of
// printer/'s templates (assets/receipts/: intake 申请回执, acceptance 受理回执, referral 转办单, complaint 投诉回执,
// testpage 打印机测试页). The templates hold the wording; this file supplies the values. Only masked personal data
// goes into a document: it is kept in the print journal for a reprint.
#pragma once
#include <string>

#include "kiosk/model/receipt_document.hpp"
#include "kiosk/model/config.hpp"
#include "kiosk/model/store.hpp"
#include "base/civil_date.hpp"
#include "policy/policy_data.hpp"
#include "policy/records.hpp"

namespace yimen::kiosk {

// What every receipt needs besides its record: the hall, the rules and today's clock.
struct ReceiptContext {
    const KioskConfig& config;
    const PolicyData& data;
    const Clock& clock;
    std::string programme_name(const std::string& id) const;
};

ReceiptDocument intake_receipt(const ReceiptContext& ctx, const records::ApplicationSubmitted& s);
ReceiptDocument referral_receipt(const ReceiptContext& ctx, const records::ReferralIssued& r,
                                 const std::string& masked_name);
// `category_label`: the complaint category in the kiosk's language; `query_code`: the 4 digits the resident keeps.
ReceiptDocument complaint_receipt(const ReceiptContext& ctx, const records::ComplaintFiled& c,
                                  const std::string& query_code, const std::string& category_label);
ReceiptDocument acceptance_receipt(const ReceiptContext& ctx, const StoredApplication& a, const Programme& p,
                                   CivilDate accepted, const std::string& staff_id);
// The printer fills in its own profile (model, paper, font, QR, status); the QR carries the kiosk id.
ReceiptDocument test_page(const ReceiptContext& ctx);

// Display strings in the county's civil time (+08:00): 2026年11月27日 and 09:41.
std::string receipt_date(CivilDate d);
std::string receipt_time(UtcMillis t);

}  // namespace yimen::kiosk
