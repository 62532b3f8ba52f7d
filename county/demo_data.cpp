// demo_data.cpp — see demo_data.hpp. The year is simulated day by day: residents' visits become kiosk events (sealed
// into each kiosk's chain, wall times off by that kiosk's clock skew) pushed through the Ingestor at the end of the
// day; then the day's staff stages go through Casework with a clock set to that day. Each case's stage dates are
// planned when it is submitted, from the township's working pace; policy/workflow.cpp checks every one of them.
// Commits are grouped per simulated day (BatchedStore): the same code paths, without one disk flush per stage.
// This file holds the entry points and the simulated day; the rest of the generator is in the files that
// demo_generator.hpp lists.
#include "county/demo_data.hpp"

#include <algorithm>
#include <functional>

#include "county/demo_generator.hpp"
#include "county/demo_supervision.hpp"
#include "sync/protocol.hpp"

namespace yimen::county {

Result<DemoScale> parse_demo_scale(const std::string& text) {
    if (text == "full") return DemoScale::full;
    if (text == "small") return DemoScale::small;
    if (text == "tiny") return DemoScale::tiny;
    return Error{"bad_scale", "规模只能是 full、small 或 tiny。"};
}

namespace demo_detail {
namespace {

namespace proto = yimen::sync::protocol;

// Applications and referrals per month over the whole county at full scale.
constexpr double kApplicationsPerMonth = 340;
constexpr double kReferralsPerMonth = 95;

double scale_factor(DemoScale s) {
    switch (s) {
        case DemoScale::full: return 1.0;
        case DemoScale::small: return 0.25;
        case DemoScale::tiny: return 0.08;
    }
    return 1.0;
}

}  // namespace

// ---- The day ---------------------------------------------------------------------------------------------------------

void Generator::arrivals(CivilDate day) {
    if (!cal_.is_working_day(day)) return;
    const double factor = scale_factor(opt_.scale);
    int weights = 0;
    for (auto& tw : townships_) weights += tw.spec->weight;
    // Winter (heating, illness) brings more applications in Heilongjiang.
    const double season = day.month >= 11 || day.month <= 2 ? 1.3 : day.month >= 6 && day.month <= 8 ? 0.85 : 1.0;
    for (std::size_t ti = 0; ti < townships_.size(); ++ti) {
        const TownshipSpec& spec = *townships_[ti].spec;
        const double share = static_cast<double>(spec.weight) / weights * factor / 21.0;
        auto add = [&](int n, std::function<Status(DemoKiosk&, UtcMillis)> act) {
            for (int i = 0; i < n; ++i) {
                const UtcMillis at = at_local(day, dice_.between(8, 16), dice_.between(0, 59));
                visits_[day.to_days()].push_back({ti, at, [act, at](DemoKiosk& k) { return act(k, std::max(at, k.busy_until)); }});
            }
        };
        add(dice_.poisson(kApplicationsPerMonth * share * season),
            [this](DemoKiosk& k, UtcMillis t) { return application_visit(k, t); });
        add(dice_.poisson(kReferralsPerMonth * share),
            [this](DemoKiosk& k, UtcMillis t) { return referral_visit(k, t); });
        // Residents who look up policies, answer the quiz, rate the hall, or complain without a case of their own.
        const double q = quality(ti, day);
        add(dice_.poisson(60 * share), [this, q](DemoKiosk& k, UtcMillis t) {
            emit(k, t, rec::type::quiz_answered, quiz_payload(q), {"resident", ""});
            if (dice_.chance(0.5))
                emit(k, t, rec::type::rating_given, rating_payload("", rating_level(q), "kiosk", ""), {"resident", ""});
            k.busy_until = t;
            return Status(Ok{});
        });
        add(dice_.poisson(4 * share * (1.6 - q)), [this](DemoKiosk& k, UtcMillis t) { return complaint_visit(k, t, ""); });
    }
}

Status Generator::flush(DemoKiosk& k, CivilDate day) {
    if (k.pending.empty()) return Ok{};
    UtcMillis t = std::max(k.last_event_ms + kMinuteMs, std::min(at_local(day, 17, 0), now_));
    if (!k.staff_logged_in.empty()) {
        emit(k, t, rec::type::staff_logout, rec::StaffSession{k.staff_logged_in, "manual"}, {"staff", k.staff_logged_in});
        k.staff_logged_in.clear();
    }
    UtcMillis received = std::min(std::max(t, k.last_event_ms + dice_.between(1, 10) * kMinuteMs), now_);
    received = std::max(received, k.last_event_ms);
    for (std::size_t from = 0; from < k.pending.size(); from += kMaxBatch) {
        const std::size_t to = std::min(k.pending.size(), from + kMaxBatch);
        proto::PushRequest req{k.id, k.boot_id, received - k.boot_ms, format_rfc3339(received + k.skew_ms),
                               std::vector<std::string>(k.pending.begin() + static_cast<std::ptrdiff_t>(from),
                                                        k.pending.begin() + static_cast<std::ptrdiff_t>(to))};
        auto resp = ingestor_.push(k.record, req, received);
        if (!resp) return resp.error();
        if (!resp->rejections.empty())
            return Error{"demo_rejected", "终端 " + k.id + " 的记录 " + std::to_string(resp->rejections.front().seq) +
                                              " 被拒收（" + resp->rejections.front().code + "）：" +
                                              resp->rejections.front().message};
        ++summary_.counts["pushes"];
        // The county flags a skewed clock once; the kiosk record carries the flag to the next push.
        if (auto rec_now = store_.kiosk(k.id)) k.record.clock_flagged = rec_now->clock_flagged;
    }
    k.pending.clear();
    // Now and then a kiosk reboots overnight: a new boot, its own clock reading at the next push.
    if (dice_.chance(0.04)) {
        k.boot_id = "boot-" + dice_.hex(8);
        k.boot_ms = at_local(day.plus_days(1), 7, dice_.between(0, 50));
    }
    return Ok{};
}

Status Generator::simulate_day(CivilDate day) {
    arrivals(day);
    const std::int64_t n = day.to_days();
    if (auto it = visits_.find(n); it != visits_.end()) {
        std::vector<Visit> today = std::move(it->second);
        visits_.erase(it);
        std::stable_sort(today.begin(), today.end(), [](const Visit& a, const Visit& b) { return a.at < b.at; });
        for (auto& v : today) {
            if (v.at > now_) continue;  // later today than now: it has not happened yet
            DemoKiosk& k = kiosks_[kiosk_for(v.township, n)];
            if (k.busy_until < v.at) k.busy_until = v.at;
            if (k.last_event_ms > k.busy_until) k.busy_until = k.last_event_ms;
            if (auto s = v.act(k); !s) return s;
            k.busy_until += dice_.between(1, 4) * kMinuteMs;
            if (k.busy_until > now_) k.busy_until = now_;
        }
    }
    for (auto& k : kiosks_)
        if (auto s = flush(k, day); !s) return s;
    if (auto it = tasks_.find(n); it != tasks_.end()) {
        std::vector<StageTask> today = std::move(it->second);
        tasks_.erase(it);
        work_clock_.set(std::min(at_local(day, 17, 30), now_));
        for (auto& task : today) {
            const User& who = task.by_county ? county_staff_[static_cast<std::size_t>(dice_.between(0, 1))]
                                             : townships_[task.township].staff;
            auto r = casework_.record_stage(who, task.receipt, task.body);
            if (!r)
                return Error{"demo_rejected", "案件 " + task.receipt + " 的环节 " + task.body["stage"].get<std::string>() +
                                                  " 被拒绝（" + r.error().code + "）：" + r.error().message};
            ++summary_.counts["stage." + task.body["stage"].get<std::string>()];
            ++summary_.counts["stages"];
        }
    }
    return Ok{};
}

Result<DemoSummary> Generator::run() {
    last_ = county_date_at(now_);
    // The months ending today: from the day after the same date `months` months ago.
    int y = last_.year, m = last_.month - opt_.months;
    while (m <= 0) {
        m += 12;
        --y;
    }
    first_ = CivilDate{y, m, std::min(last_.day, CivilDate::days_in_month(y, m))}.plus_days(1);
    summary_.first_day = first_.iso();
    summary_.last_day = last_.iso();
    if (auto s = store_.batch([&] { return setup(); }); !s) return s.error();
    for (CivilDate day = first_; day <= last_; day = day.plus_days(1))
        if (auto s = store_.batch([&] { return simulate_day(day); }); !s) return s.error();
    // Then the staff's supervision work on what the year raised.
    std::map<std::string, User> staff_of;
    for (auto& tw : townships_) staff_of[tw.spec->code] = tw.staff;
    Result<DemoSupervisionCounts> work = DemoSupervisionCounts{};
    if (auto s = store_.batch([&]() -> Status {
            work = demo_supervision_work(store_, policy_, opt_.seed, now_, staff_of, county_staff_.front());
            if (!work) return work.error();
            return Ok{};
        });
        !s)
        return s.error();
    for (auto& [state, n] : work->follow_ups) summary_.counts["follow_up." + state] = n;
    for (auto& [state, n] : work->complaints) summary_.counts["complaint_state." + state] = n;
    for (auto& [state, n] : work->alerts) summary_.counts["alert." + state] = n;
    std::int64_t events = 0;
    for (auto& [kind, n] : summary_.counts)
        if (kind.rfind("event.", 0) == 0) events += n;
    summary_.counts["events"] = events;
    return summary_;
}

}  // namespace demo_detail

bool has_demo_data(Store& store) {
    for (const auto& spec : demo_detail::kTownships)
        if (store.kiosk(std::string(spec.code) + "-11") || store.user("D" + std::string(spec.code).substr(6) + "010"))
            return true;
    return store.user("D523001").has_value();
}

Result<DemoSummary> generate_demo_data(const std::string& dir, Store& store, const PolicyData& policy,
                                       const Clock& clock, const DemoOptions& options) {
    if (options.months < 1 || options.months > 24)
        return Error{"bad_months", "月数须为1到24。"};
    if (has_demo_data(store)) return Error{"demo_exists", "该目录的县服务器中已有演示数据，不能重复生成。"};
    demo_detail::Generator g(dir, store, policy, clock, options);
    return g.run();
}

}  // namespace yimen::county
