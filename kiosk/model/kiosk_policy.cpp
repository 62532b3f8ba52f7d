// kiosk_policy.cpp — the 政策查询 screen's controller (view: ui/view_policy.cpp; model: policy_model.hpp).
#include "kiosk/model/kiosk_app.hpp"

#include <algorithm>

#include "kiosk/model/json_util.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"
#include "base/civil_date.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {

void KioskApp::policy_search() {
    if (focused_ && pinyin_ && pinyin_->ready() && pinyin_->composing()) focused_->value += pinyin_->select(0);
    focused_ = nullptr;
    policy.open_article.clear();
    policy.refresh(articles_, data_->articles);
}

void KioskApp::policy_category(const std::string& c) {
    policy.category = policy.category == c ? "" : c;
    policy.open_article.clear();
    policy.refresh(articles_, data_->articles);
}

void KioskApp::policy_open(const std::string& id) {
    focused_ = nullptr;
    policy.open_article = id;
}

void KioskApp::policy_close() { policy.open_article.clear(); }

}  // namespace yimen::kiosk
