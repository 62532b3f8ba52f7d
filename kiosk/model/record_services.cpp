// record_services.cpp — see record_services.hpp.
#include "kiosk/model/record_services.hpp"

#include <openssl/rand.h>

#include <cstdio>

#include "kiosk/model/status_model.hpp"
#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"

namespace yimen::kiosk {

using nlohmann::json;

Result<ReceiptNumber> RecordServices::next_receipt(sqlite::Transaction& tx, ReceiptType type, CivilDate day) {
    auto seq = store_.events().next_receipt_sequence(tx, day);
    if (!seq) return seq.error();
    return make_receipt_number(type, std::stoi(config_.township_code), config_.kiosk_number, day, seq.value());
}

namespace {
Error save_failed(const Status& s) {
    return Error{s.error().code == "disk_full" ? "disk_full" : "save_failed", s.error().message, s.error().category};
}
}  // namespace

Result<records::ApplicationSubmitted> RecordServices::submit_application(records::ApplicationSubmitted sub,
                                                                         records::Actor actor) {
    const auto today = clock_.today();
    const auto now = clock_.now_utc_ms();
    auto done = journaled_write(store_, [&](sqlite::Transaction& tx) -> Result<JournalEvent> {
        auto rn = next_receipt(tx, ReceiptType::application, today);
        if (!rn) return rn.error();
        sub.receipt_number = rn.value().text;
        JournalEvent ev{records::type::application_submitted, actor, json(sub)};
        records::Envelope probe;
        probe.type = ev.type;
        probe.actor = actor;
        probe.payload = ev.payload;
        if (auto v = records::validate_payload(probe, data_.rules); !v) return v.error();
        StoredApplication a{sub.receipt_number, sub.programme, "submitted", sub.channel, format_rfc3339(now),
                            mask_name(sub.applicant.name), kept_application_view(ev.type, ev.payload)};
        if (auto s = store_.insert_application(tx, a, today); !s) return save_failed(s);
        CaseRecord c;
        c.receipt_number = sub.receipt_number;
        c.programme = sub.programme;
        c.masked_name = a.masked_name;
        c.last4_hash = last4_hash(sub.receipt_number, sub.applicant.id_number.substr(14));
        auto* prog = data_.rules.programme(sub.programme);
        c.history.push_back({prog && prog->initial_stage() ? prog->initial_stage()->id : "applied", today, "resident",
                             "", json::object(), {}});
        c.facts.close_relative = sub.close_relative;
        c.updated_ms = now;
        if (auto s = store_.upsert_case(tx, c); !s) return save_failed(s);
        return ev;
    });
    if (!done) return done.error();
    return sub;
}

Result<ReferralRecorded> RecordServices::issue_referral(records::ReferralIssued r, const std::string& name,
                                                        records::Actor actor) {
    const auto today = clock_.today();
    const auto now = clock_.now_utc_ms();
    std::string masked = mask_name(trim(name));
    auto done = journaled_write(store_, [&](sqlite::Transaction& tx) -> Result<JournalEvent> {
        auto rn = next_receipt(tx, ReceiptType::referral, today);
        if (!rn) return rn.error();
        r.receipt_number = rn.value().text;
        StoredApplication a{r.receipt_number, r.programme, "referral", r.channel, format_rfc3339(now), masked,
                            kept_application_view(records::type::referral_issued, json(r))};
        if (auto s = store_.insert_application(tx, a, today); !s) return save_failed(s);
        CaseRecord c;
        c.receipt_number = r.receipt_number;
        c.programme = r.programme;
        c.masked_name = masked;
        auto* prog = data_.rules.programme(r.programme);
        c.history.push_back({prog && prog->initial_stage() ? prog->initial_stage()->id : "referral_issued", today,
                             "resident", "", json::object(), {}});
        c.updated_ms = now;
        if (auto s = store_.upsert_case(tx, c); !s) return save_failed(s);
        return JournalEvent{records::type::referral_issued, actor, json(r)};
    });
    if (!done) return done.error();
    return ReferralRecorded{r, masked};
}

Result<ComplaintRecorded> RecordServices::file_complaint(records::ComplaintFiled c) {
    const auto today = clock_.today();
    unsigned char rnd[2] = {0, 0};
    RAND_bytes(rnd, 2);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d", ((rnd[0] << 8) | rnd[1]) % 10000);
    std::string query_code = buf;
    auto done = journaled_write(store_, [&](sqlite::Transaction& tx) -> Result<JournalEvent> {
        auto rn = next_receipt(tx, ReceiptType::complaint, today);
        if (!rn) return rn.error();
        c.receipt_number = rn.value().text;
        c.query_code_hash = sha256_hex(query_code + c.receipt_number);
        if (auto s = store_.insert_complaint(tx, c.receipt_number, c.category, c.anonymous, c.query_code_hash, today);
            !s)
            return save_failed(s);
        return JournalEvent{records::type::complaint_filed, {"resident", ""}, json(c)};
    });
    if (!done) return done.error();
    return ComplaintRecorded{c, query_code};
}

Status RecordServices::give_rating(const records::RatingGiven& r) {
    if (!r.receipt_number.empty() && store_.rating_exists(r.receipt_number))
        return Error{"already_rated", "rating already given for this receipt"};
    const auto today = clock_.today();
    auto done = journaled_write(store_, [&](sqlite::Transaction& tx) -> Result<JournalEvent> {
        if (auto s = store_.insert_rating(tx, r.receipt_number, r.level, today); !s) return s.error();
        return JournalEvent{records::type::rating_given, {"resident", ""}, json(r)};
    });
    if (!done) return done.error();
    return Ok{};
}

Status RecordServices::answer_quiz(const records::QuizAnswered& q) {
    auto done = journal_only(store_, {records::type::quiz_answered, {"resident", ""}, json(q)});
    if (!done) return done.error();
    return Ok{};
}

std::optional<CaseRecord> RecordServices::record_status_query(const std::string& receipt, const std::string& last4,
                                                              const RemoteStatus& remote, bool scanned,
                                                              records::Actor actor) {
    const auto now = clock_.now_utc_ms();
    const auto today = clock_.today();
    std::optional<CaseRecord> rec;
    if (remote.reachable) {
        rec = remote.record;
    } else {
        rec = store_.case_record(receipt);
        // The same answer for unknown numbers and wrong digits (DESIGN.md, "Personal data").
        if (rec && !scanned && rec->last4_hash != last4_hash(receipt, last4)) rec.reset();
    }
    const bool found = rec.has_value();
    // The query is journaled even when it cannot be saved with the case copy; showing the answer does not wait on it.
    (void)journaled_write(store_, [&](sqlite::Transaction& tx) -> Result<JournalEvent> {
        if (rec && remote.reachable) {
            CaseRecord copy = *rec;
            copy.updated_ms = now;
            copy.last4_hash = last4_hash(receipt, last4);
            (void)store_.upsert_case(tx, copy);
        }
        (void)store_.note_status_query(tx, today);
        records::StatusQueried q{receipt, scanned ? "scan" : remote.reachable ? "online" : "offline", found};
        return JournalEvent{records::type::status_queried, actor, json(q)};
    });
    if (rec && remote.reachable) rec->updated_ms = now;
    return rec;
}

Result<AcceptanceRecorded> RecordServices::accept(const std::string& receipt, const std::set<std::string>& checked,
                                                  const std::string& staff_id) {
    auto a = store_.application(receipt);
    if (!a || a->status != "submitted") return Error{"not_waiting", "already accepted or not on this kiosk"};
    auto* p = data_.rules.programme(a->programme);
    if (!p) return Error{"not_waiting", "unknown programme " + a->programme};
    std::string missing;
    for (auto& m : p->materials)
        if (m.when.empty() && !checked.count(m.code))
            missing += (missing.empty() ? "" : ",") + m.code;  // the app names them in the screen's language
    if (!missing.empty()) return Error{"materials_missing", missing};
    const auto today = clock_.today();
    const auto now = clock_.now_utc_ms();
    records::ApplicationAccepted acc;
    acc.receipt_number = a->receipt_number;
    acc.programme = a->programme;
    acc.accepted_date = today.iso();
    acc.materials_checked.assign(checked.begin(), checked.end());
    acc.operator_id = staff_id;
    auto done = journaled_write(store_, [&](sqlite::Transaction& tx) -> Result<JournalEvent> {
        if (auto s = store_.mark_accepted(tx, a->receipt_number, acc.materials_checked, today); !s) return s.error();
        if (auto c = store_.case_record(a->receipt_number)) {
            c->history.push_back({"accepted", today, "township", "", json::object(), acc.materials_checked});
            c->updated_ms = now;
            if (auto s = store_.upsert_case(tx, *c); !s) return save_failed(s);
        }
        return JournalEvent{records::type::application_accepted, {"staff", staff_id}, json(acc)};
    });
    if (!done) return done.error();
    return AcceptanceRecorded{*a, today};
}

Status RecordServices::record_missing(const std::string& receipt, const std::set<std::string>& checked) {
    auto a = store_.application(receipt);
    if (!a) return Error{"not_waiting", "not on this kiosk"};
    auto* p = data_.rules.programme(a->programme);
    if (!p) return Error{"not_waiting", "unknown programme " + a->programme};
    std::vector<std::string> missing;
    for (auto& m : p->materials)
        if (m.when.empty() && !checked.count(m.code)) missing.push_back(m.code);
    // Local state only: the missing list travels with the acceptance later, not as an event of its own.
    auto tx = store_.begin();
    if (!tx) return Error{"save_failed", tx.error().message};
    if (auto s = store_.record_missing(*tx.value(), a->receipt_number, missing); !s) return save_failed(s);
    if (auto s = tx.value()->commit(); !s) return save_failed(s);
    return Ok{};
}

Status RecordServices::staff_logout(const std::string& staff_id, const std::string& reason) {
    records::StaffSession s{staff_id, reason};
    auto done = journal_only(store_, {records::type::staff_logout, {"staff", staff_id}, json(s)});
    if (!done) return done.error();
    return Ok{};
}

StaffView RecordServices::read_staff_view(const std::string& selected) {
    StaffView v;
    v.waiting = store_.applications("submitted");
    if (!selected.empty()) v.selected = store_.application(selected);
    v.recent_prints = store_.print_jobs(6);
    v.counts = store_.events().counts();
    v.quarantined = store_.events().quarantined();
    v.day = clock_.today();
    v.summary = store_.day_summary(v.day);
    return v;
}

}  // namespace yimen::kiosk
