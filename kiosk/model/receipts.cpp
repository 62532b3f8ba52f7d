// receipts.cpp — the wording of the kiosk's receipts (see receipts.hpp).
#include "kiosk/model/receipts.hpp"

#include "kiosk/model/text.hpp"
#include "policy/money.hpp"
#include "policy/receipt_number.hpp"
#include "policy/resident_id.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {
namespace {

std::string grouped(const std::string& receipt) {
    auto rn = parse_receipt_number(receipt);
    return rn ? rn.value().grouped() : receipt;
}

}  // namespace

std::string ReceiptContext::programme_name(const std::string& id) const {
    if (auto* p = data.rules.programme(id)) return p->name;
    return id;
}

ReceiptDocument intake_receipt(const ReceiptContext& ctx, const records::ApplicationSubmitted& s) {
    ReceiptDocument d;
    d.template_name = "intake";
    d.receipt_number = s.receipt_number;
    d.title = ctx.config.hall_name + " 申请回执";
    d.lines.push_back({"办件编号 " + grouped(s.receipt_number), true});
    d.lines.push_back({"申请事项：" + ctx.programme_name(s.programme), false});
    d.lines.push_back({"申请人：" + mask_name(s.applicant.name), false});
    d.lines.push_back({"身份证号：" + mask_resident_id(s.applicant.id_number), false});
    d.lines.push_back({"家庭人口：" + std::to_string(s.members.size() + 1) + " 人", false});
    d.lines.push_back({"办理方式：" + std::string(s.channel == "assisted" ? "窗口协助" : "自助终端"), false});
    d.lines.push_back({"当前状态：待受理", false});
    d.lines.push_back({"申请时间：" + format_rfc3339(ctx.clock.now_utc_ms()).substr(0, 10), false});
    if (!s.materials_missing.empty()) {
        d.lines.push_back({"一次性告知：请在受理前补齐以下材料", false});
        for (auto& m : s.materials_missing) d.lines.push_back({"  · " + ctx.data.rules.document_name(m), false});
    } else {
        d.lines.push_back({"材料：法定材料已带齐，请交窗口核对", false});
    }
    if (s.estimate_fen >= 0)
        d.lines.push_back({"估算（仅供参考，以审核确认为准）：每月约 " + format_yuan(s.estimate_fen) + " 元", false});
    d.lines.push_back({"凭办件编号和身份证后四位查询进度。服务热线 " + ctx.config.hotline, false});
    return d;
}

ReceiptDocument referral_receipt(const ReceiptContext& ctx, const records::ReferralIssued& r,
                                 const std::string& masked_name) {
    ReceiptDocument d;
    d.template_name = "referral";
    d.receipt_number = r.receipt_number;
    d.title = ctx.config.hall_name + " 转办单";
    d.lines.push_back({"办件编号 " + grouped(r.receipt_number), true});
    d.lines.push_back({"事项：" + ctx.programme_name(r.programme), false});
    d.lines.push_back({"申请人：" + masked_name, false});
    d.lines.push_back({"承办部门：" + r.department, false});
    d.lines.push_back({"一门受理、分办转办：乡镇工作人员会把您的诉求转给承办部门，不用您来回跑。", false});
    if (auto* p = ctx.data.rules.programme(r.programme))
        for (auto& b : p->bring) d.lines.push_back({"请准备：" + b, false});
    d.lines.push_back({"服务热线 " + ctx.config.hotline, false});
    return d;
}

ReceiptDocument complaint_receipt(const ReceiptContext& ctx, const records::ComplaintFiled& c,
                                  const std::string& query_code, const std::string& category_label) {
    ReceiptDocument d;
    d.template_name = "complaint";
    d.receipt_number = c.receipt_number;
    d.title = ctx.config.hall_name + " 投诉回执";
    d.lines.push_back({"办件编号 " + grouped(c.receipt_number), true});
    d.lines.push_back({"查询码 " + query_code, true});
    d.lines.push_back({"类别：" + category_label, false});
    d.lines.push_back(
        {std::string("方式：") + (c.anonymous ? "匿名" : "实名（联系电话 " + mask_phone(c.contact) + "）"), false});
    d.lines.push_back({"请妥善保管查询码，凭办件编号和查询码查询办理结果。服务热线 " + ctx.config.hotline, false});
    return d;
}

ReceiptDocument acceptance_receipt(const ReceiptContext& ctx, const StoredApplication& a, const Programme& p,
                                   CivilDate accepted, const std::string& staff_id) {
    ReceiptDocument d;
    d.template_name = "acceptance";
    d.receipt_number = a.receipt_number;
    d.title = ctx.config.hall_name + " 受理回执";
    d.lines.push_back({"办件编号 " + grouped(a.receipt_number), true});
    d.lines.push_back({"事项：" + p.name, false});
    d.lines.push_back({"申请人：" + a.masked_name, false});
    d.lines.push_back({"受理日期：" + accepted.iso() + "（办理期限自受理之日起计算）", false});
    if (p.overall) {
        auto due = ctx.data.calendar.add_working_days(accepted, p.overall->working_days);
        // An assumed limit (❌) or a date in a year without a published holiday notice is not printed as law.
        const bool unconfirmed = is_unconfirmed(p.overall->confidence);
        d.lines.push_back({"办结期限：" + due.date.iso() + "（" + std::to_string(p.overall->working_days) + " 个工作日" +
                               (unconfirmed || due.provisional ? std::string("，") + kUnconfirmedNote : "") + "）",
                           false});
    }
    d.lines.push_back({"受理人工号：" + staff_id, false});
    return d;
}

ReceiptDocument test_page(const ReceiptContext& ctx) {
    ReceiptDocument d;
    d.template_name = "test";
    d.title = ctx.config.hall_name + " 打印测试页";
    d.lines.push_back({"中文 ABC 123 — 打印正常", false});
    d.lines.push_back({"终端 " + ctx.config.kiosk_id, false});
    return d;
}

}  // namespace yimen::kiosk
