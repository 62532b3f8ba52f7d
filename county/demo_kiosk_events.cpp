// demo_kiosk_events.cpp — the kiosk side of the demo year: events sealed into each kiosk's chain (at its skewed
// clock), receipt numbers, prints, staff logins, ratings, quiz answers, complaints, and when a visit happens.
// See demo_generator.hpp.
#include <algorithm>
#include <cstdio>
#include <string>

#include "base/canonical_json.hpp"
#include "county/demo_generator.hpp"

namespace yimen::county::demo_detail {

// ---- Kiosk events ----------------------------------------------------------------------------------------------------

void Generator::emit(DemoKiosk& k, UtcMillis& t, const std::string& type, const json& payload, rec::Actor actor) {
    rec::Envelope e;
    e.kiosk_id = k.id;
    e.seq = ++k.seq;
    e.type = type;
    e.wall_time = format_rfc3339(t + k.skew_ms);
    e.boot_id = k.boot_id;
    e.uptime_ms = t - k.boot_ms;
    e.actor = std::move(actor);
    e.payload = payload;
    // Sealing our own well-formed envelopes cannot fail; a failure would show as a refused push below.
    if (auto sealed = rec::seal(e, k.prev)) {
        if (auto text = canonical_json(rec::to_json_value(*sealed))) {
            k.prev = sealed->hash;
            k.pending.push_back(*text);
        }
    }
    k.last_event_ms = t;
    ++summary_.counts["event." + type];
    t += dice_.between(15, 90) * 1000;
}

std::string Generator::next_receipt(DemoKiosk& k, ReceiptType type, UtcMillis t) {
    const CivilDate day = county_date_at(t + k.skew_ms);  // the kiosk numbers by its own clock
    if (day.to_days() != k.receipt_day) {
        k.receipt_day = day.to_days();
        k.receipt_seq = 0;
    }
    auto rn = make_receipt_number(type, std::stoi(k.record.township), k.number, day, ++k.receipt_seq);
    return rn ? rn->text : std::string();
}

void Generator::printed(DemoKiosk& k, UtcMillis& t, const std::string& receipt, const char* template_name) {
    const double r = dice_.uniform();
    const char* outcome = r < 0.01 ? "paper_empty" : r < 0.03 ? "paper_near_end" : "printed";
    emit(k, t, rec::type::receipt_printed, rec::ReceiptPrinted{receipt, template_name, outcome}, {"system", ""});
}

void Generator::login_if_needed(DemoKiosk& k, UtcMillis& t, const DemoTownship& tw) {
    if (k.staff_logged_in == tw.staff.user_id) return;
    emit(k, t, rec::type::staff_login, rec::StaffSession{tw.staff.user_id, ""}, {"staff", tw.staff.user_id});
    k.staff_logged_in = tw.staff.user_id;
}

int Generator::rating_level(double quality) {
    const double bad = 1 - quality;
    const double p1 = 0.02 + 0.10 * bad, p2 = p1 + 0.03 + 0.12 * bad, p3 = p2 + 0.10 + 0.10 * bad, p4 = p3 + 0.30;
    const double r = dice_.uniform();
    return r < p1 ? 1 : r < p2 ? 2 : r < p3 ? 3 : r < p4 ? 4 : 5;
}

json Generator::rating_payload(const std::string& receipt, int level, const std::string& channel,
                               const std::string& served_by) {
    rec::RatingGiven r;
    r.receipt_number = receipt;
    r.level = level;
    for (auto& sub : policy_.rating.sub_indicators())
        r.sub_indicators[sub.code] = std::clamp(level + dice_.between(-1, 1), 1, 5);
    if (policy_.rating.is_low(level)) {
        const auto& reasons = policy_.rating.low_grade_reasons();
        r.reason_codes.push_back(reasons[static_cast<std::size_t>(dice_.between(0, static_cast<int>(reasons.size()) - 1))].code);
        if (dice_.chance(0.5)) {
            char phone[32];
            std::snprintf(phone, sizeof phone, "15%09d", dice_.between(0, 999'999'999));
            r.callback_phone = phone;
        }
    }
    r.channel = channel;
    r.served_by = served_by;
    return r;
}

json Generator::quiz_payload(double quality) {
    rec::QuizAnswered q;
    q.quiz_version = policy_.quiz.version();
    for (const QuizQuestion* question : policy_.quiz.pick(6, dice_.raw())) {
        const bool right = dice_.chance(0.55 + 0.4 * quality);
        const int n = static_cast<int>(question->choices.size());
        int choice = question->answer;
        if (!right && n > 1) choice = (question->answer + dice_.between(1, n - 1)) % n;
        q.answers.push_back({question->id, choice, choice == question->answer});
    }
    return q;
}

std::size_t Generator::kiosk_for(std::size_t township, std::int64_t day) {
    std::vector<std::size_t> open;
    for (std::size_t i : townships_[township].kiosks)
        if (day < kiosks_[i].silent_from_day) open.push_back(i);
    return open.empty() ? townships_[township].kiosks.front() : dice_.pick(open);
}

void Generator::schedule_visit(CivilDate day, std::size_t township, std::function<Status(DemoKiosk&)> act) {
    day = next_working_day(cal_, day);
    if (day > last_) return;
    const UtcMillis at = at_local(day, dice_.between(8, 16), dice_.between(0, 59));
    visits_[day.to_days()].push_back({township, at, std::move(act)});
}


// ---- Complaints ------------------------------------------------------------------------------------------------------

Status Generator::complaint_visit(DemoKiosk& k, UtcMillis t, const std::string& about) {
    static const std::vector<std::string> kCategories = {"attitude", "slow", "extra_materials", "unfair", "integrity",
                                                         "suggestion"};
    static const std::vector<std::string> kTexts = {
        "窗口工作人员态度生硬，解释政策不耐心。", "申请提交很久了一直没有结果，希望尽快办理。",
        "要求提供村里开的证明，听说现在不需要了。", "邻居条件比我好却享受了低保，觉得不公平。",
        "建议大厅增加一台一体机，排队时间太长。",   "希望一体机的字再大一些，老年人看不清。"};
    rec::ComplaintFiled c;
    c.receipt_number = next_receipt(k, ReceiptType::complaint, t);
    const std::size_t pick = static_cast<std::size_t>(dice_.between(0, static_cast<int>(kTexts.size()) - 1));
    c.category = about.empty() ? kCategories[pick] : "slow";
    c.text = about.empty() ? kTexts[pick] : "关于办件 " + about + "：" + kTexts[1];
    c.anonymous = dice_.chance(0.6);
    if (!c.anonymous) {
        char phone[32];
        std::snprintf(phone, sizeof phone, "18%09d", dice_.between(0, 999'999'999));
        c.contact = phone;
    }
    char code[16];
    std::snprintf(code, sizeof code, "%04d", dice_.between(0, 9999));
    c.query_code_hash = sha256_hex(code + c.receipt_number);
    emit(k, t, rec::type::complaint_filed, c, {"resident", ""});
    printed(k, t, c.receipt_number, "complaint");
    ++summary_.counts[about.empty() ? "complaint.general" : "complaint.about_a_case"];
    k.busy_until = t;
    return Ok{};
}

}  // namespace yimen::county::demo_detail
