// records.cpp — codecs are declarative (one macro line per type); validation states each rule once.
#include "policy/records.hpp"

#include <algorithm>
#include <set>

#include "base/canonical_json.hpp"
#include "base/civil_date.hpp"
#include "policy/receipt_number.hpp"
#include "policy/resident_id.hpp"

namespace yimen::records {

using nlohmann::json;


const std::vector<std::string>& all_types() {
    static const std::vector<std::string> types = {
        type::application_submitted, type::application_accepted, type::referral_issued, type::stage_changed,
        type::rating_given,          type::quiz_answered,        type::complaint_filed, type::status_queried,
        type::receipt_printed,       type::staff_login,          type::staff_logout,    type::journal_rebased};
    return types;
}

json to_json_value(const Envelope& e, bool with_hash) {
    json j = {{"kiosk_id", e.kiosk_id},   {"seq", e.seq},         {"type", e.type},
              {"schema", e.schema},       {"wall_time", e.wall_time}, {"boot_id", e.boot_id},
              {"uptime_ms", e.uptime_ms}, {"actor", {{"kind", e.actor.kind}, {"id", e.actor.id}}},
              {"payload", e.payload},     {"prev_hash", e.prev_hash}};
    if (with_hash) j["hash"] = e.hash;
    return j;
}

namespace {

bool is_hex64(const json& v) {
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

Result<Envelope> envelope_from_json(const json& j) {
    const Error bad{"bad_envelope", "事件格式不正确。"};
    if (!j.is_object()) return bad;
    auto str = [&](const char* k) { return j.contains(k) && j[k].is_string(); };
    auto num = [&](const char* k) { return j.contains(k) && j[k].is_number_integer(); };
    if (!str("kiosk_id") || !num("seq") || !str("type") || !num("schema") || !str("wall_time") || !str("boot_id") ||
        !num("uptime_ms") || !j.contains("actor") || !j["actor"].is_object() || !j.contains("payload") ||
        !j["payload"].is_object() || !is_hex64(j.value("prev_hash", json())))
        return bad;
    Envelope e;
    e.kiosk_id = j["kiosk_id"];
    e.seq = j["seq"];
    e.type = j["type"];
    e.schema = j["schema"];
    e.wall_time = j["wall_time"];
    e.boot_id = j["boot_id"];
    e.uptime_ms = j["uptime_ms"];
    const json& actor = j["actor"];
    if (!actor.contains("kind") || !actor["kind"].is_string() || !actor.contains("id") || !actor["id"].is_string())
        return bad;
    e.actor.kind = actor["kind"];
    e.actor.id = actor["id"];
    e.payload = j["payload"];
    e.prev_hash = j["prev_hash"];
    if (j.contains("hash")) {
        if (!is_hex64(j["hash"])) return bad;
        e.hash = j["hash"];
    }
    if (e.seq < 1) return Error{"bad_envelope", "事件序号必须从1开始。"};
    if (e.schema != kSchemaVersion && e.schema != kSchemaSealedVersion) return Error{"bad_envelope", "不支持的记录格式版本：" + std::to_string(e.schema)};
    if (!parse_rfc3339(e.wall_time)) return Error{"bad_envelope", "事件时间格式不正确。"};
    return e;
}

Result<std::string> compute_hash(const json& envelope_json) {
    json copy = envelope_json;
    copy.erase("hash");
    auto canon = canonical_json(copy);
    if (!canon) return canon.error();
    return sha256_hex(*canon);
}

Result<Envelope> seal(Envelope e, const std::string& prev_hash) {
    e.prev_hash = prev_hash;
    auto h = compute_hash(to_json_value(e, false));
    if (!h) return h.error();
    e.hash = *h;
    return e;
}

bool hash_matches(const json& envelope_json) {
    if (!envelope_json.is_object() || !envelope_json.contains("hash")) return false;
    auto h = compute_hash(envelope_json);
    return h && envelope_json["hash"].is_string() && *h == envelope_json["hash"].get<std::string>();
}

namespace {

Status bad(const std::string& what) { return Error{"bad_payload", what}; }

Status check_receipt(const std::string& number, bool required) {
    if (number.empty()) return required ? bad("缺少回执编号。") : Status(Ok{});
    auto r = parse_receipt_number(number);
    if (!r || r->text != number) return Error{"bad_receipt_number", "回执编号无效：" + number};
    return Ok{};
}

Status check_person(const Person& p, CivilDate today) {
    if (p.name.empty()) return bad("家庭成员姓名不能为空。");
    auto id = parse_resident_id(p.id_number, today);
    if (!id || id->number != p.id_number) return Error{"bad_id_number", "身份证号码无效（" + mask_resident_id(p.id_number) + "）。"};
    return Ok{};
}

CivilDate far_future() { return CivilDate{9999, 12, 31}; }

Status validate_application(const ApplicationSubmitted& a, const Rules& rules) {
    if (auto s = check_receipt(a.receipt_number, true); !s) return s;
    const Programme* p = rules.programme(a.programme);
    if (!p || p->is_referral()) return Error{"unknown_programme", "未知的救助项目：" + a.programme};
    if (a.channel != "self" && a.channel != "assisted") return bad("办理渠道应为 self 或 assisted。");
    if (a.channel == "assisted" && a.operator_id.empty()) return bad("协助办理必须记录工作人员。");
    // Birth dates are checked against the event's own date by the caller's clock; here only the form.
    if (auto s = check_person(a.applicant, far_future()); !s) return s;
    for (auto& m : a.members)
        if (auto s = check_person(m, far_future()); !s) return s;
    // Empty from a kiosk (issue 11): the county computes the key itself after opening the seal, and overwrites any
    // value a schema-1 kiosk sent.
    if (!a.applicant_key.empty() && a.applicant_key.size() != 64) return bad("申请人标识（applicant_key）格式不正确。");
    if (a.income.wages_fen < 0 || a.income.business_fen < 0 || a.income.property_fen < 0 || a.income.transfer_fen < 0)
        return bad("收入不能为负数。");
    if (a.commitment_at.empty() || a.authorisation_at.empty() || !parse_rfc3339(a.commitment_at) ||
        !parse_rfc3339(a.authorisation_at))
        return Error{"consent_missing", "申请人须本人确认承诺书和授权核对书。"};
    for (const auto* list : {&a.materials_received, &a.materials_missing})
        for (auto& code : *list)
            if (!p->has_material(code))
                return Error{"material_not_allowed", "材料“" + rules.document_name(code) + "”不在“" + p->name +
                                                         "”的法定材料清单内，不得要求提供。"};
    if (a.close_relative && a.close_relative_relation.empty()) return bad("近亲属备案须写明亲属关系。");
    return Ok{};
}

}  // namespace

Status validate_payload(const Envelope& e, const Rules& rules) {
    const auto& types = all_types();
    if (std::find(types.begin(), types.end(), e.type) == types.end())
        return Error{"unknown_type", "未知的事件类型：" + e.type};
    try {
        const json& j = e.payload;
        if (e.type == type::application_submitted) return validate_application(j.get<ApplicationSubmitted>(), rules);
        if (e.type == type::application_accepted) {
            auto a = j.get<ApplicationAccepted>();
            if (auto s = check_receipt(a.receipt_number, true); !s) return s;
            const Programme* p = rules.programme(a.programme);
            if (!p || p->is_referral()) return Error{"unknown_programme", "未知的救助项目：" + a.programme};
            if (!CivilDate::parse(a.accepted_date)) return bad("受理日期无效。");
            if (a.operator_id.empty() || e.actor.kind != "staff") return bad("受理必须由工作人员记录。");
            for (auto& code : a.materials_checked)
                if (!p->has_material(code))
                    return Error{"material_not_allowed", "材料“" + rules.document_name(code) + "”不在法定清单内。"};
            return Ok{};
        }
        if (e.type == type::referral_issued) {
            auto r = j.get<ReferralIssued>();
            if (auto s = check_receipt(r.receipt_number, true); !s) return s;
            const Programme* p = rules.programme(r.programme);
            if (!p || !p->is_referral()) return Error{"unknown_programme", "未知的转办事项：" + r.programme};
            return Ok{};
        }
        if (e.type == type::stage_changed) {
            auto s = j.get<StageChanged>();
            if (auto c = check_receipt(s.receipt_number, true); !c) return c;
            const Programme* p = rules.programme(s.programme);
            if (!p) return Error{"unknown_programme", "未知的项目：" + s.programme};
            if (!p->stage(s.stage)) return bad("未知的环节：" + s.stage);
            if (!CivilDate::parse(s.date)) return bad("环节日期无效。");
            return Ok{};
        }
        if (e.type == type::rating_given) {
            auto r = j.get<RatingGiven>();
            if (e.actor.kind == "staff" || e.actor.kind == "county_user")
                return Error{"staff_cannot_rate", "评价只能由群众本人作出，工作人员不能代为评价。"};
            if (r.level < 1 || r.level > 5) return Error{"bad_level", "评价等级应为1到5。"};
            for (auto& [code, lvl] : r.sub_indicators)
                if (lvl < 1 || lvl > 5) return Error{"bad_level", "分项评价等级应为1到5：" + code};
            return check_receipt(r.receipt_number, false);
        }
        if (e.type == type::quiz_answered) {
            auto q = j.get<QuizAnswered>();
            if (q.quiz_version.empty() || q.answers.empty()) return bad("答题记录为空。");
            return Ok{};
        }
        if (e.type == type::complaint_filed) {
            auto c = j.get<ComplaintFiled>();
            if (auto s = check_receipt(c.receipt_number, true); !s) return s;
            if (c.category.empty() || c.text.empty()) return bad("投诉须有类别和内容。");
            if (c.query_code_hash.size() != 64) return bad("缺少查询码。");
            return Ok{};
        }
        if (e.type == type::status_queried) return check_receipt(j.get<StatusQueried>().receipt_number, true);
        if (e.type == type::receipt_printed) {
            auto r = j.get<ReceiptPrinted>();
            static const std::set<std::string> outcomes = {"printed",     "paper_empty", "paper_near_end",
                                                           "cover_open",  "offline",     "timed_out"};
            if (!outcomes.count(r.outcome)) return bad("未知的打印结果：" + r.outcome);
            return check_receipt(r.receipt_number, true);
        }
        if (e.type == type::staff_login || e.type == type::staff_logout) {
            if (j.get<StaffSession>().staff_id.empty()) return bad("缺少工作人员编号。");
            return Ok{};
        }
        if (e.type == type::journal_rebased) {
            auto r = j.get<JournalRebased>();
            if (r.server_checkpoint < 0) return bad("检查点无效。");
            return Ok{};
        }
    } catch (const json::exception& ex) {
        return bad(std::string("字段类型不正确：") + ex.what());
    }
    return Error{"unknown_type", "未知的事件类型：" + e.type};
}

}  // namespace yimen::records
