// casework.cpp — the HTTP layer maps these errors to 403/404/400/422.
#include "county/casework.hpp"

#include "county/ingest.hpp"
#include "policy/workflow.hpp"

namespace yimen::county {

using nlohmann::json;

namespace {
// One answer for "does not exist" and "not yours": another township learns nothing from it.
const Error kNoSuchCase{"unknown_case", "没有这个案件。请核对办件编号。"};
}  // namespace

Result<std::string> Casework::township_of(const std::string& receipt) {
    if (auto app = store_.application(receipt)) return app->township;
    if (auto t = store_.referral_township(receipt)) return *t;
    return kNoSuchCase;
}

Status Casework::authorise(const User& user, const std::string& township) {
    if (user.role == "county-admin" || user.role == "county-staff") return Ok{};
    if (user.role == "township-staff" && user.township == township) return Ok{};
    // Another township's case is answered exactly like a case that does not exist.
    return kNoSuchCase;
}

namespace {

bool is_county_role(const std::string& role) { return role == "county-admin" || role == "county-staff"; }

// The rules name who records each stage (programmes.json "actor"); the role must match it.
Status check_actor(const User& user, const StageDef& stage) {
    if (stage.actor == "county" && !is_county_role(user.role))
        return Error{"wrong_actor", "“" + stage.name + "”须由县级民政部门记录，乡镇工作人员不能代为登记。"};
    if (stage.actor == "township" && user.role != "township-staff")
        return Error{"wrong_actor", "“" + stage.name + "”由乡镇经办人员记录，请使用乡镇工作人员账号。"};
    if (stage.actor != "county" && stage.actor != "township")
        return Error{"wrong_actor", "“" + stage.name + "”不由工作人员登记（由申请人在一体机上完成）。"};
    return Ok{};
}

}  // namespace

Result<json> Casework::record_stage(const User& user, const std::string& receipt, const json& body) {
    auto township = township_of(receipt);
    if (!township) return township.error();
    if (auto s = authorise(user, *township); !s) return s.error();
    if (!body.is_object() || !body.contains("stage") || !body["stage"].is_string())
        return Error{"bad_request", "请求须包含环节（stage）。"};
    auto rows = store_.stages(receipt);
    if (rows.empty()) return kNoSuchCase;
    const std::string programme = rows.front().programme;
    const Programme* p = rules_.programme(programme);
    if (!p) return Error{"unknown_case", "案件的项目未知：" + programme};
    const CivilDate today = clock_.today();
    StageEntry entry;
    entry.stage = body["stage"].get<std::string>();
    const StageDef* def = p->stage(entry.stage);
    if (!def) return Error{"unknown_stage", "“" + p->name + "”没有这个环节：" + entry.stage};
    if (auto s = check_actor(user, *def); !s) return s.error();
    if (body.contains("reason") && !body["reason"].is_string()) return Error{"bad_request", "reason 须为文字。"};
    entry.actor = user.user_id;
    if (body.contains("date")) {
        if (!body["date"].is_string()) return Error{"bad_request", "日期格式应为 YYYY-MM-DD。"};
        auto d = CivilDate::parse(body["date"].get<std::string>());
        if (!d) return Error{"bad_request", d.error().message};
        if (*d > today) return Error{"bad_request", "环节日期不能晚于今天。"};
        if (*d < earliest_) return Error{"bad_request", "环节日期不能早于 " + earliest_.iso() + "，请核对年份。"};
        entry.date = *d;
    } else {
        entry.date = today;
    }
    entry.reason = body.value("reason", "");
    entry.fields = body.value("fields", json::object());
    if (!entry.fields.is_object()) return Error{"bad_request", "fields 须为对象。"};
    if (body.contains("documents")) {
        if (!body["documents"].is_array()) return Error{"bad_request", "documents 须为数组。"};
        for (auto& d : body["documents"])
            if (d.is_string()) entry.documents.push_back(d.get<std::string>());
    }
    std::vector<StageEntry> history;
    for (auto& r : rows) {
        auto d = CivilDate::parse(r.date);
        history.push_back({r.stage, d ? *d : CivilDate{}, r.actor, r.reason, r.fields, r.documents});
    }
    auto app = store_.application(receipt);
    CaseFacts facts{app && app->close_relative, "", store_.complaints_about(receipt)};
    complete_stage_fields(*p, entry);  // e.g. the 特困 self-care grade, stored with the assessment
    if (auto s = check_transition(*p, facts, history, entry, rules_); !s) return s.error();
    StageRow row{0, receipt, programme, entry.stage, entry.date.iso(), user.user_id, entry.reason, entry.fields,
                 entry.documents, clock_.now_utc_ms(), "county"};
    auto work = [&]() -> Status {
        if (auto s = store_.insert_stage(row); !s) return s;
        if (auto s = store_.append_audit({0, row.recorded_ms, user.user_id, "stage.recorded", receipt, entry.stage}); !s)
            return s;
        return publish_status(store_, rules_, cal_, receipt, today);
    };
    if (auto s = store_.transaction(work); !s) return s.error();
    json out = status_record(store_, rules_, cal_, receipt, today);
    out["recorded_stage_id"] = row.id;
    out.erase("id_last4_tag");
    return out;
}

Result<json> Casework::view(const User& user, const std::string& receipt) {
    auto township = township_of(receipt);
    if (!township) return township.error();
    if (auto s = authorise(user, *township); !s) return s.error();
    json out = status_record(store_, rules_, cal_, receipt, clock_.today());
    out.erase("id_last4_tag");
    return out;
}

}  // namespace yimen::county
