// demo_supervision.cpp — staff work on the demo year's follow-ups, complaints and alerts (see demo_supervision.hpp).
// How far an item got depends on its age: an item a few days old is usually still open, an old one usually closed;
// a small share of old items is left undone, so the overdue figures and alerts have something to show.
#include "county/demo_supervision.hpp"

#include <algorithm>
#include <random>
#include <tuple>

namespace yimen::county {

using nlohmann::json;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

class Steps {
public:
    Steps(std::uint64_t seed, const WorkCalendar& cal, CivilDate today) : gen_(seed), cal_(cal), today_(today) {}
    double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(gen_); }
    int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen_); }
    // How many steps of `n` an item opened on `opened` has taken by today.
    int reached(CivilDate opened, int n) {
        const std::int64_t age = cal_.working_days_between(opened, today_).days;
        const double r = uniform();
        if (age < 3) return r < 0.6 ? 0 : 1;
        if (age < 12) return r < 0.2 ? 0 : r < 0.5 ? std::min(1, n) : r < 0.7 ? std::min(2, n) : n;
        return r < 0.06 ? 0 : r < 0.12 ? std::min(1, n) : r < 0.2 ? std::min(2, n) : n;
    }
    // The date of the next step: a few working days after the previous one, never after today.
    std::optional<CivilDate> next(CivilDate previous) {
        const CivilDate d = cal_.add_working_days(previous, between(1, 6)).date;
        if (d > today_) return std::nullopt;
        return d;
    }

private:
    std::mt19937_64 gen_;
    const WorkCalendar& cal_;
    CivilDate today_;
};

// The instant a step dated `d` is recorded: late afternoon of that day, never after now.
UtcMillis at_day(CivilDate d, UtcMillis now_ms) {
    return std::min(now_ms, d.to_days() * kDayMs - 8 * 3'600'000 + 16 * 3'600'000);
}

StatsActor actor_of(const User& u) { return {u.user_id, u.role, u.township}; }

}  // namespace

Result<DemoSupervisionCounts> demo_supervision_work(Store& store, const PolicyData& policy, std::uint64_t seed,
                                                    UtcMillis now_ms, const std::map<std::string, User>& township_staff,
                                                    const User& county_staff) {
    const StatsConfig cfg;
    const WorkCalendar& cal = policy.calendar;
    const CivilDate today = county_date_at(now_ms);
    Steps dice(seed ^ 0x5EC0'11D5'0F00'11ULL, cal, today);
    DemoSupervisionCounts counts;

    std::vector<std::tuple<std::int64_t, std::string, std::string>> follow_ups;
    auto s = store.query("SELECT id, township, opened_date FROM follow_ups WHERE state = 'open' ORDER BY id", {},
                         [&](const SqlRow& r) { follow_ups.emplace_back(r.integer(0), r.text(1), r.text(2)); });
    if (!s) return s.error();
    static const char* kFollowUpNotes[] = {"已电话回访群众，了解不满意的原因", "已约谈窗口人员并整改办事流程",
                                           "群众对整改结果表示认可，办结"};
    for (auto& [id, township, opened] : follow_ups) {
        auto staff = township_staff.find(township);
        const StatsActor who = staff != township_staff.end() ? actor_of(staff->second) : actor_of(county_staff);
        auto parsed = CivilDate::parse(opened);
        CivilDate at = parsed ? *parsed : today;
        const int steps = dice.reached(at, 3);
        int done = 0;
        for (const char* state : {"called_back", "rectified", "closed"}) {
            if (done >= steps) break;
            auto d = dice.next(at);
            if (!d) break;
            at = *d;
            json body = {{"state", state}, {"date", at.iso()}, {"note", kFollowUpNotes[done]}};
            auto r = change_follow_up(store, cfg, cal, who, id, body, at_day(at, now_ms));
            if (!r) return Error{"demo_rejected", "回访 " + std::to_string(id) + "：" + r.error().message};
            ++done;
        }
        ++counts.follow_ups[done == 0 ? "open" : done == 1 ? "called_back" : done == 2 ? "rectified" : "closed"];
    }

    std::vector<std::tuple<std::string, std::string, UtcMillis>> complaints;
    s = store.query("SELECT receipt_number, township, filed_ms FROM complaints WHERE state = 'received' ORDER BY receipt_number",
                    {}, [&](const SqlRow& r) { complaints.emplace_back(r.text(0), r.text(1), r.integer(2)); });
    if (!s) return s.error();
    static const char* kComplaintNotes[] = {"已交乡镇民政办核实", "已书面答复投诉人，说明政策依据和处理结果",
                                            "投诉人无异议，办结"};
    for (auto& [receipt, township, filed_ms] : complaints) {
        auto staff = township_staff.find(township);
        const StatsActor county = actor_of(county_staff);
        CivilDate at = county_date_at(filed_ms);
        const int steps = dice.reached(at, 3);
        int done = 0;
        for (const char* state : {"assigned", "replied", "closed"}) {
            if (done >= steps) break;
            auto d = dice.next(at);
            if (!d) break;
            at = *d;
            json body = {{"state", state}, {"date", at.iso()}, {"note", kComplaintNotes[done]}};
            if (done == 0 && staff != township_staff.end()) body["assignee"] = staff->second.user_id;
            // The county assigns; the township it was assigned to replies; the county closes.
            const StatsActor who = done == 1 && staff != township_staff.end() ? actor_of(staff->second) : county;
            auto r = change_complaint(store, cfg, cal, who, receipt, body, at_day(at, now_ms));
            if (!r) return Error{"demo_rejected", "投诉 " + receipt + "：" + r.error().message};
            ++done;
        }
        ++counts.complaints[done == 0 ? "received" : done == 1 ? "assigned" : done == 2 ? "replied" : "closed"];
    }

    // The alert rules once, as the server's timer would; the county answers some of what they raise.
    Figures figures(store, policy, cfg, today);
    if (auto r = figures.evaluate_alerts(now_ms); !r) return r.error();
    std::vector<std::int64_t> alerts;
    s = store.query("SELECT id FROM alerts WHERE state = 'raised' ORDER BY id", {},
                    [&](const SqlRow& r) { alerts.push_back(r.integer(0)); });
    if (!s) return s.error();
    for (auto id : alerts) {
        const double r = dice.uniform();
        std::string state = "raised";
        if (r < 0.65) {
            json body = {{"state", "notified"}, {"date", today.iso()}, {"note", "已通知乡镇限期整改"},
                         {"due_date", cal.add_working_days(today, dice.between(5, 10)).date.iso()}};
            if (auto c = change_alert(store, cfg, cal, actor_of(county_staff), id, body, now_ms); !c)
                return Error{"demo_rejected", "预警 " + std::to_string(id) + "：" + c.error().message};
            state = "notified";
            if (r < 0.3) {
                json done = {{"state", "resolved"}, {"date", today.iso()}, {"note", "乡镇已整改，县局复核通过"}};
                if (auto c = change_alert(store, cfg, cal, actor_of(county_staff), id, done, now_ms); !c)
                    return Error{"demo_rejected", "预警 " + std::to_string(id) + "：" + c.error().message};
                state = "resolved";
            }
        }
        ++counts.alerts[state];
    }
    return counts;
}

}  // namespace yimen::county
