// ingest.cpp — the rules of DESIGN.md "Events and hashes", applied event by event inside one transaction.
#include "county/ingest.hpp"

#include <algorithm>
#include <cstdlib>

#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/records.hpp"
#include "policy/workflow.hpp"
#include "sync/sealed_payload.hpp"

namespace yimen::county {

using nlohmann::json;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;

namespace {

std::vector<StageEntry> history_of(const std::vector<StageRow>& rows) {
    std::vector<StageEntry> h;
    for (auto& r : rows) {
        auto d = CivilDate::parse(r.date);
        h.push_back({r.stage, d ? *d : CivilDate{}, r.actor, r.reason, r.fields, r.documents});
    }
    return h;
}

}  // namespace

json status_record(Store& store, const Rules& rules, const WorkCalendar& cal, const std::string& receipt, CivilDate today) {
    auto app = store.application(receipt);
    auto rows = store.stages(receipt);
    if (rows.empty()) return json();
    const std::string programme_id = app ? app->programme : rows.front().programme;
    const Programme* p = rules.programme(programme_id);
    if (!p) return json();
    CaseFacts facts;
    facts.close_relative = app && app->close_relative;
    facts.complaints = store.complaints_about(receipt);
    const auto history = history_of(rows);
    const CaseStatus st = evaluate_case(*p, facts, history, today, cal, rules);
    json timeline = json::array();
    for (auto& r : rows) {
        const StageDef* d = p->stage(r.stage);
        json item = {{"stage", r.stage}, {"name", d ? d->name : r.stage}, {"date", r.date}};
        if (d && d->reason_required) item["reason"] = r.reason;
        timeline.push_back(item);
    }
    json out = {{"receipt_number", receipt},
                {"programme", p->id},
                {"programme_name", p->name},
                {"township", app ? app->township : store.referral_township(receipt).value_or("")},
                {"id_last4_tag", app ? app->id_last4_tag : ""},
                {"close_relative", facts.close_relative},
                {"timeline", timeline},
                {"current_stage", st.current_stage},
                {"accepted", st.accepted},
                {"closed", st.closed},
                {"decided", st.decided},
                {"overdue", st.overdue},
                {"extension", st.extension_applies},
                {"provisional", st.provisional},
                {"working_days_used", st.working_days_used},
                {"evaluated_on", today.iso()}};
    out["overall_due"] = st.overall_due ? json(st.overall_due->date.iso()) : json();
    if (!st.next_deadlines.empty()) {
        const StageDef* d = p->stage(st.next_deadlines.front().stage);
        out["next_due"] = {{"stage", st.next_deadlines.front().stage},
                           {"name", d ? d->name : ""},
                           {"date", st.next_deadlines.front().due.date.iso()}};
    } else {
        out["next_due"] = json();
    }
    return out;
}

Status publish_status(Store& store, const Rules& rules, const WorkCalendar& cal, const std::string& receipt,
                      CivilDate today) {
    json body = status_record(store, rules, cal, receipt, today);
    if (body.is_null()) return Ok{};
    const std::string township = body["township"].get<std::string>();
    if (township.empty()) return Error{"unknown_case", "案件没有所属乡镇：" + receipt};
    return store.append_change({0, township, "status", receipt, body});
}

Result<std::string> applicant_key_secret(Store& store) {
    std::string secret;
    auto s = store.query("SELECT value FROM county_secrets WHERE name = 'applicant_key'", {},
                         [&](const SqlRow& r) { secret = r.text(0); });
    if (!s) return s.error();
    if (secret.size() < 32) return Error{"no_secret", "县数据库缺少申请人标识密钥（county_secrets），请先升级数据库。"};
    return secret;
}

std::string applicant_key_of(const std::string& secret, const std::string& id_number) {
    return hmac_sha256_hex(secret, id_number);
}

// The payload the rules and the projection see: a schema-2 payload opened with the county's keys, and the
// applicant_key the county computes itself (a schema-1 kiosk's own value is replaced, so both schemas link alike).
Result<json> Ingestor::readable_payload(const rec::Envelope& e, std::optional<Result<json>> opened) {
    json p = e.payload;
    if (e.schema == sync::kSchemaSealed) {
        if (!opened) opened = sync::open_payload(e.type, std::move(p), cfg_.sealing_keys);
        if (!*opened) return opened->error();
        p = std::move(*opened).value();
    }
    if (e.type == rec::type::application_submitted && p.is_object() && p.contains("applicant") &&
        p["applicant"].is_object() && p["applicant"].contains("id_number") && p["applicant"]["id_number"].is_string()) {
        if (applicant_secret_.empty()) {
            auto secret = applicant_key_secret(store_);
            if (!secret) return secret.error();
            applicant_secret_ = *secret;
        }
        p["applicant_key"] = applicant_key_of(applicant_secret_, p["applicant"]["id_number"].get<std::string>());
    }
    return p;
}

bool Ingestor::is_township_staff(const std::string& user_id, const std::string& township) {
    if (user_id.empty()) return false;
    auto u = store_.user(user_id);
    return u && u->active && u->role == "township-staff" && u->township == township;
}

Status Ingestor::project(const KioskRecord& kiosk, const rec::Envelope& e, UtcMillis corrected_ms, bool time_trusted,
                         std::string& code, std::string& message, std::vector<std::string>& touched) {
    const CivilDate day = county_date_at(corrected_ms);
    auto reject = [&](const char* c, std::string m) {
        code = c;
        message = std::move(m);
        return Status(Ok{});
    };
    const json& p = e.payload;
    // A receipt number issued by this kiosk names its township (TTT) and the kind of record (T).
    if (e.type == rec::type::application_submitted || e.type == rec::type::referral_issued ||
        e.type == rec::type::complaint_filed) {
        auto rn = parse_receipt_number(p.value("receipt_number", ""));
        const int want_type = e.type == rec::type::application_submitted ? 1 : e.type == rec::type::referral_issued ? 2 : 3;
        const bool digits = kiosk.township.size() == 9 && kiosk.township.find_first_not_of("0123456789") == std::string::npos;
        const int township_digits = digits ? std::stoi(kiosk.township.substr(6)) : -1;
        if (!rn || static_cast<int>(rn->type) != want_type || rn->township != township_digits)
            return reject(proto::reason::wrong_township, "回执编号与本终端的乡镇或记录类型不符。");
    }
    if (e.type == rec::type::application_submitted) {
        auto a = p.get<rec::ApplicationSubmitted>();
        if (a.township != kiosk.township)
            return reject(proto::reason::wrong_township, "终端只能提交本乡镇的申请。");
        if (a.channel == "assisted" && !is_township_staff(a.operator_id, kiosk.township))
            return reject(proto::reason::unknown_staff, "代办人不是本乡镇在岗的工作人员：" + a.operator_id);
        if (store_.application(a.receipt_number))
            return reject("duplicate_receipt", "回执编号已被使用：" + a.receipt_number);
        const std::string id = a.applicant.id_number;
        ApplicationRow row{a.receipt_number, a.programme, a.township, kiosk.kiosk_id, a.channel, a.operator_id,
                           a.applicant_key, a.close_relative,
                           sync::protocol::id_last4_tag(a.receipt_number, id.size() >= 4 ? id.substr(id.size() - 4) : id),
                           corrected_ms, p};
        if (auto s = store_.insert_application(row); !s) return s;
        StageRow stage{0, a.receipt_number, a.programme, "applied", day.iso(), a.channel == "assisted" ? a.operator_id : "resident",
                       "", json::object(), a.materials_received, corrected_ms, "kiosk"};
        if (auto s = store_.insert_stage(stage); !s) return s;
        touched.push_back(a.receipt_number);
        return Ok{};
    }
    if (e.type == rec::type::application_accepted) {
        auto a = p.get<rec::ApplicationAccepted>();
        auto app = store_.application(a.receipt_number);
        if (!app) return reject(proto::reason::unknown_case, "县服务器没有这份申请：" + a.receipt_number);
        if (app->township != kiosk.township) return reject(proto::reason::wrong_township, "不是本乡镇的申请。");
        if (!is_township_staff(a.operator_id, kiosk.township) || e.actor.id != a.operator_id)
            return reject(proto::reason::unknown_staff, "受理人不是本乡镇在岗的工作人员：" + a.operator_id);
        const Programme* prog = rules_.programme(app->programme);
        if (!prog || a.programme != app->programme)
            return reject(proto::reason::wrong_programme, "受理的项目与申请的项目不一致。");
        auto history = history_of(store_.stages(a.receipt_number));
        const CivilDate accepted_on = *CivilDate::parse(a.accepted_date);
        // The date a clerk typed is checked like the event's own time: not before the earliest date, not after tomorrow.
        if (accepted_on < county_date_at(cfg_.earliest_event_ms) || accepted_on > day.plus_days(1))
            return reject(proto::reason::implausible_time, "受理日期 " + a.accepted_date + " 不可信，请核对后重新受理。");
        StageEntry entry{"accepted", accepted_on, a.operator_id, "", json::object(), a.materials_checked};
        // The commitment and the authorisation were tapped by the resident at intake (validated there).
        entry.documents.push_back("commitment");
        entry.documents.push_back("authorisation");
        CaseFacts facts{app->close_relative, ""};
        if (auto s = check_transition(*prog, facts, history, entry, rules_); !s)
            return reject(s.error().code.c_str(), s.error().message);
        StageRow stage{0, a.receipt_number, app->programme, "accepted", a.accepted_date, a.operator_id, "", json::object(),
                       entry.documents, corrected_ms, "kiosk"};
        if (auto s = store_.insert_stage(stage); !s) return s;
        touched.push_back(a.receipt_number);
        return Ok{};
    }
    if (e.type == rec::type::referral_issued) {
        auto r = p.get<rec::ReferralIssued>();
        if (store_.referral_township(r.receipt_number) || store_.application(r.receipt_number))
            return reject("duplicate_receipt", "回执编号已被使用：" + r.receipt_number);
        if (auto s = store_.insert_referral(r.receipt_number, r.programme, kiosk.township, kiosk.kiosk_id, corrected_ms, p); !s)
            return s;
        StageRow stage{0, r.receipt_number, r.programme, "referral_issued", day.iso(), "resident", "", json::object(), {},
                       corrected_ms, "kiosk"};
        if (auto s = store_.insert_stage(stage); !s) return s;
        touched.push_back(r.receipt_number);
        return Ok{};
    }
    if (e.type == rec::type::rating_given) {
        auto r = p.get<rec::RatingGiven>();
        RatingRow row{0, kiosk.kiosk_id, e.seq, r.receipt_number, r.level, corrected_ms, "counted", p};
        if (!r.receipt_number.empty()) {
            // Only the kiosks of the case's own township rate it, and only a case the county knows.
            auto app = store_.application(r.receipt_number);
            const std::optional<std::string> case_township =
                app ? std::optional<std::string>(app->township) : store_.referral_township(r.receipt_number);
            // Another township's case gets the same answer as an unknown one (it does not learn the case exists).
            if (!case_township || *case_township != kiosk.township)
                return reject(proto::reason::unknown_case, "县服务器没有这个办件编号，评价未计入：" + r.receipt_number);
            if (auto existing = store_.counted_rating(r.receipt_number)) {
                // One rating per case: the earliest by corrected time counts — but a time from a boot whose clock
                // offset the county has never measured is not evidence, so such a rating never displaces another.
                if (!time_trusted || existing->corrected_ms <= corrected_ms) {
                    row.status = "already_rated";
                    if (auto s = store_.insert_rating(row); !s) return s;
                    return reject(proto::reason::already_rated, "这件事已经评价过了，每件事只能评价一次。");
                }
                if (auto s = store_.set_rating_status(existing->id, "already_rated"); !s) return s;
            }
        }
        if (auto s = store_.insert_rating(row); !s) return s;
        return project_rating(kiosk, e.seq, r, corrected_ms);
    }
    if (e.type == rec::type::journal_rebased) {
        if (auto s = store_.raise_alert("kiosk_rebased", kiosk.kiosk_id, kiosk.township,
                                        "终端从备份恢复后重新衔接记录：" + p.dump(), corrected_ms);
            !s)
            return s;
    }
    if (e.type == rec::type::complaint_filed) {
        if (auto s = store_.raise_alert("complaint", kiosk.kiosk_id, kiosk.township,
                                        "新投诉，回执 " + p.value("receipt_number", ""), corrected_ms, /*dedupe=*/false);
            !s)
            return s;
        if (auto s = link_complaint_to_cases(p, touched); !s) return s;
        if (auto s = project_complaint(kiosk, p, corrected_ms); !s) return s;
    }
    if (e.type == rec::type::quiz_answered)
        if (auto s = project_quiz(kiosk, e.seq, p, corrected_ms); !s) return s;
    return store_.insert_record(e.type, kiosk.kiosk_id, e.seq, kiosk.township, corrected_ms, p);
}

Status Ingestor::project_rating(const KioskRecord& kiosk, std::int64_t seq, const rec::RatingGiven& r, UtcMillis corrected_ms) {
    for (auto& [code, score] : r.sub_indicators) {
        auto done = store_.execute("INSERT INTO rating_scores(kiosk_id, seq, code, score) VALUES(?1, ?2, ?3, ?4)",
                                   {kiosk.kiosk_id, seq, code, std::int64_t{score}});
        if (!done) return done.error();
    }
    if (r.level < 1 || r.level > cfg_.follow_up_max_level) return Ok{};
    const std::string opened = county_date_at(corrected_ms).iso();
    auto done = store_.execute(
        "INSERT INTO follow_ups(kiosk_id, seq, receipt_number, township, level, opened_date, opened_ms, state, updated_ms)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?7)",
        {kiosk.kiosk_id, seq, r.receipt_number.empty() ? SqlParam(nullptr) : SqlParam(r.receipt_number), kiosk.township,
         std::int64_t{r.level}, opened, corrected_ms});
    if (!done) return done.error();
    return Ok{};
}

Status Ingestor::project_quiz(const KioskRecord& kiosk, std::int64_t seq, const json& payload, UtcMillis corrected_ms) {
    auto q = payload.get<rec::QuizAnswered>();
    for (auto& a : q.answers) {
        // A question answered twice in one response counts once (the first answer).
        auto done = store_.execute(
            "INSERT INTO quiz_answers(kiosk_id, seq, township, corrected_ms, question_id, correct)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(kiosk_id, seq, question_id) DO NOTHING",
            {kiosk.kiosk_id, seq, kiosk.township, corrected_ms, a.question_id, std::int64_t{a.correct ? 1 : 0}});
        if (!done) return done.error();
    }
    return Ok{};
}

Status Ingestor::project_complaint(const KioskRecord& kiosk, const json& payload, UtcMillis corrected_ms) {
    auto c = payload.get<rec::ComplaintFiled>();
    auto done = store_.execute(
        "INSERT INTO complaints(receipt_number, township, kiosk_id, category, filed_ms, query_code_hash, state, updated_ms)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'received', ?5)",
        {c.receipt_number, kiosk.township, kiosk.kiosk_id, c.category, corrected_ms, c.query_code_hash});
    if (!done) return done.error();
    return Ok{};
}

Status Ingestor::record_fleet(const KioskRecord& kiosk, const proto::PushRequest& req, const proto::PushFleetFacts& fleet,
                              std::int64_t offset_ms, UtcMillis received_ms) {
    auto done = store_.execute(
        "INSERT INTO kiosk_fleet(kiosk_id, last_push_ms, clock_offset_ms, boot_id, queue_depth, printer, software_version)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(kiosk_id) DO UPDATE SET last_push_ms = ?2, clock_offset_ms = ?3,"
        " boot_id = ?4, queue_depth = coalesce(?5, kiosk_fleet.queue_depth), printer = coalesce(?6, kiosk_fleet.printer),"
        " software_version = coalesce(?7, kiosk_fleet.software_version)",
        {kiosk.kiosk_id, received_ms, offset_ms, req.boot_id,
         fleet.queue_depth ? SqlParam(*fleet.queue_depth) : SqlParam(nullptr),
         fleet.printer.empty() ? SqlParam(nullptr) : SqlParam(fleet.printer),
         fleet.software_version.empty() ? SqlParam(nullptr) : SqlParam(fleet.software_version)});
    if (!done) return done.error();
    return Ok{};
}

// A complaint whose text names a case's receipt number is linked to that case; the case's status is republished, and
// its decision now needs the county's own visit (CaseFacts::complaints).
Status Ingestor::link_complaint_to_cases(const json& payload, std::vector<std::string>& touched) {
    const std::string own = payload.value("receipt_number", "");
    for (auto& named : receipt_numbers_in(payload.value("text", ""))) {
        if (named == own || !store_.application(named)) continue;
        if (auto s = store_.link_complaint(own, named); !s) return s;
        touched.push_back(named);
    }
    return Ok{};
}

Result<proto::PushResponse> Ingestor::push(const KioskRecord& kiosk, const proto::PushRequest& req, UtcMillis received_ms,
                                           const proto::PushFleetFacts& fleet,
                                           const std::optional<VerifiedHeadSignature>& head) {
    if (req.kiosk_id != kiosk.kiosk_id)
        return Error{proto::reason::wrong_kiosk, "上传的终端编号与证书不符。"};
    std::vector<json> parsed;
    for (auto& text : req.events) {
        json j = json::parse(text, nullptr, false);
        if (j.is_object() && j.contains("kiosk_id") && j["kiosk_id"] != kiosk.kiosk_id)
            return Error{proto::reason::wrong_kiosk, "上传的记录属于另一台终端。"};
        parsed.push_back(std::move(j));
    }
    auto sent = parse_rfc3339(req.sent_at);
    const std::int64_t offset = sent ? received_ms - *sent : 0;
    // Seals are opened here, on this request's own thread, before the store's single writer is taken: opening is
    // the costly part of ingest (an X25519 agreement per event), and done here pushes from several kiosks open in
    // parallel. The chain checks below still decide whether an event counts at all.
    std::vector<std::optional<Result<json>>> opened(parsed.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        const json& j = parsed[i];
        if (!j.is_object() || j.value("schema", json()) != sync::kSchemaSealed || !j.contains("type") ||
            !j["type"].is_string() || !j.contains("payload"))
            continue;
        const std::string type = j["type"].get<std::string>();
        if (sync::sealed_members(type).empty()) continue;
        opened[i] = sync::open_payload(type, j["payload"], cfg_.sealing_keys);
    }

    proto::PushResponse resp;
    std::vector<std::string> touched;
    std::int64_t stored_now = 0;
    std::int64_t duplicates = 0;
    auto work = [&]() -> Status {
        // One push per kiosk at a time, across every server on the database (the checkpoint read next must be the
        // one this transaction extends).
        if (auto s = store_.lock_kiosk(kiosk.kiosk_id); !s) return s;
        auto [cp_seq, cp_hash] = store_.checkpoint(kiosk.kiosk_id);
        for (std::size_t i = 0; i < parsed.size(); ++i) {
            const json& j = parsed[i];
            const std::int64_t seq = j.is_object() && j.contains("seq") && j["seq"].is_number_integer() ? j["seq"].get<std::int64_t>() : 0;
            auto stop = [&](const char* c, const std::string& m) {
                resp.rejections.push_back({seq, c, m});
                resp.stopped = true;
            };
            auto env = rec::envelope_from_json(j);
            if (!env) {
                stop(proto::reason::bad_envelope, env.error().message);
                break;
            }
            const std::string& kind = env->actor.kind;
            if (kind != "resident" && kind != "staff" && kind != "county_user" && kind != "system") {
                stop(proto::reason::bad_envelope, "未知的操作人类型：" + kind);
                break;
            }
            // One canonical form (without "hash"): none exists for a float; otherwise its SHA-256 is the event's hash.
            auto computed = rec::compute_hash(j);
            if (!computed) {
                stop(proto::reason::not_canonical, "记录含有小数或无效的 UTF-8，没有规范形式，无法核对哈希。");
                break;
            }
            if (*computed != env->hash) {
                stop(proto::reason::chain_broken, "记录内容与其哈希不符（可能被篡改），本批次已停止处理。");
                break;
            }
            // Only sequences up to the checkpoint can be stored already (nothing is stored past a gap).
            std::optional<StoredEventRow> existing;
            if (env->seq <= cp_seq) existing = store_.event(kiosk.kiosk_id, env->seq);
            if (existing) {
                if (existing->hash == env->hash) {  // a duplicate: already stored, acknowledged again
                    ++duplicates;
                    continue;
                }
                stop(proto::reason::seq_conflict, "序号 " + std::to_string(env->seq) + " 已存有不同内容的记录。");
                if (auto s = store_.raise_alert("seq_conflict", kiosk.kiosk_id, kiosk.township,
                                                "序号 " + std::to_string(env->seq) + " 内容冲突", received_ms);
                    !s)
                    return s;
                break;
            }
            if (env->seq != cp_seq + 1) {
                stop(proto::reason::gap, "缺少序号 " + std::to_string(cp_seq + 1) + " 的记录，请按顺序上传。");
                break;
            }
            const std::string expect_prev = cp_seq == 0 ? rec::kZeroHash : cp_hash;
            if (env->prev_hash != expect_prev) {
                stop(proto::reason::chain_broken, "记录链在序号 " + std::to_string(env->seq) + " 处与服务器不衔接。");
                break;
            }
            const UtcMillis wall = *parse_rfc3339(env->wall_time);
            std::int64_t event_offset = 0;
            bool time_trusted = false;
            if (env->boot_id == req.boot_id && sent) {
                event_offset = offset;
                time_trusted = true;
            } else if (auto o = store_.boot_offset(kiosk.kiosk_id, env->boot_id)) {
                event_offset = *o;
                time_trusted = true;
            }
            const UtcMillis corrected = wall + event_offset;

            std::string code, message;
            std::string status = "accepted";
            rec::Envelope readable = *env;
            auto payload = readable_payload(*env, std::move(opened[i]));
            if (payload) {
                readable.payload = std::move(payload).value();
            } else if (payload.error().code == "no_secret") {
                return payload.error();
            }
            if (corrected < cfg_.earliest_event_ms || corrected > received_ms + cfg_.future_tolerance_ms) {
                // Kept (the chain stays whole) but never projected: no figure counts a 1900 or 9999 date.
                code = proto::reason::implausible_time;
                message = "记录时间 " + env->wall_time + " 不可信（早于最早日期或晚于明天），已隔离，未计入统计。";
                status = "quarantined";
            } else if (!payload) {
                // Stored sealed as it came (the chain stays whole); a key put back later can still open it.
                code = payload.error().code;
                message = payload.error().message;
            } else if (auto v = rec::validate_payload(readable, rules_); !v) {
                code = v.error().code;
                message = v.error().message;
            } else if (auto s = project(kiosk, readable, corrected, time_trusted, code, message, touched); !s) {
                return s;
            }
            if (!code.empty() && status == "accepted") status = "rejected";
            StoredEventRow row{kiosk.kiosk_id, env->seq, env->type, env->hash, env->prev_hash, req.events[i], env->boot_id,
                               wall, corrected, received_ms, status, code};
            if (auto s = store_.insert_event(row); !s) return s;
            if (!code.empty()) resp.rejections.push_back({env->seq, code, message});
            cp_seq = env->seq;
            cp_hash = env->hash;
            ++stored_now;
        }
        if (stored_now == 0 && duplicates == 0) {
            // A refused batch writes nothing (its clock readings included).
            resp.contiguous_through = cp_seq;
            resp.checkpoint_hash = cp_hash;
            return Ok{};
        }
        if (stored_now > 0)
            if (auto s = store_.set_checkpoint(kiosk.kiosk_id, cp_seq, cp_hash); !s) return s;
        if (auto s = record_fleet(kiosk, req, fleet, offset, received_ms); !s) return s;
        if (sent) {
            if (auto s = store_.set_boot_offset(kiosk.kiosk_id, req.boot_id, offset, received_ms); !s) return s;
            const bool skewed = std::llabs(offset) > cfg_.clock_skew_limit_ms;
            if (skewed != kiosk.clock_flagged) {
                if (auto s = store_.set_kiosk_clock_flag(kiosk.kiosk_id, skewed); !s) return s;
                if (skewed)
                    if (auto s = store_.raise_alert("clock_skew", kiosk.kiosk_id, kiosk.township,
                                                    "终端时钟偏差 " + std::to_string(offset / 1000) + " 秒", received_ms);
                        !s)
                        return s;
            }
        }
        const CivilDate today = county_date_at(received_ms);
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
        for (auto& receipt : touched)
            if (auto s = publish_status(store_, rules_, cal_, receipt, today); !s) return s;
        // The signature is kept only beside the very event it signs: a batch stopped before its last event (or at a
        // conflicting one) leaves that head unstored, and the kiosk signs again when it sends it again.
        if (head)
            if (auto at = store_.event(kiosk.kiosk_id, head->signature.seq); at && at->hash == head->signature.hash)
                if (auto s = store_.insert_chain_signature({kiosk.kiosk_id, head->signature.seq, head->signature.hash,
                                                            head->signature.alg, head->signature.value,
                                                            head->signer_certificate_pem, received_ms});
                    !s)
                    return s;
        resp.contiguous_through = cp_seq;
        resp.checkpoint_hash = cp_hash;
        return Ok{};
    };
    if (auto s = store_.transaction(work); !s) return s.error();
    committed_ += stored_now;
    resp.server_time = format_rfc3339(received_ms);
    return resp;
}

}  // namespace yimen::county
