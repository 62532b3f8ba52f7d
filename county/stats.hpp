// stats.hpp — the supervision figures of the notice (SUMMARY.md 二(三), 三(一)–三(五)) computed from the county's
// store: timeliness, convenience, satisfaction, 差评 follow-ups, awareness, complaints, alerts, spot checks, the
// township scorecard and the kiosk fleet; and the state changes of follow-ups, complaints, alerts and spot checks,
// each written with its audit row in one transaction. Only projected rows count (a rejected or quarantined event
// never reaches a projection), and kiosk times are the skew-corrected ones.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "county/store.hpp"
#include "policy/policy_data.hpp"

namespace yimen::county {

// county.toml [stats]; every key is documented in county/README.md.
struct StatsConfig {
    int follow_up_working_days = 15;        // a 差评 follow-up is due this many working days after the rating
    int complaint_reply_working_days = 15;  // a complaint must be replied to within this many working days
    int acceptance_limit_working_days = 3;  // 申请 → 受理 (the rules set none: configuration)
    int approaching_working_days = 3;       // an open case this close to a deadline is "approaching"
    int small_sample = 30;                  // fewer ratings than this: the rate is flagged small_sample
    int spot_check_ratio_pct = 50;          // monthly spot check of newly confirmed cases
    std::map<std::string, int> spot_check_min_pct = {{"tekun", 30}};  // per programme, at least
    int home_visit_ratio_pct = 10;          // yearly home visits: this share of each township's current recipients
    // Alert rules.
    int alert_overdue_share_pct = 20;       // overdue share of a township's open accepted cases
    int alert_satisfaction_drop_pct = 5;    // quarter against previous quarter, percentage points
    int alert_kiosk_silent_hours = 48;
    int alert_notice_working_days = 10;     // default due date of a notified alert
    int alert_interval_minutes = 60;        // serve runs the alert rules this often (0 = only on demand)
    // Township scorecard weights (parts without a value are left out and the weights rescaled).
    std::map<std::string, int> weights = {{"timeliness", 30}, {"satisfaction", 25}, {"awareness", 15},
                                          {"complaints", 10}, {"follow_ups", 10},   {"spot_checks", 10}};
};

// Reads the [stats] section of a county.toml (a missing file or section keeps the defaults).
Result<StatsConfig> load_stats_config(const std::string& toml_path);

struct StatsQuery {
    CivilDate from;
    CivilDate to;
    // "" = the whole store; a 9-digit township code; or a 6-digit county code: the townships whose code begins with
    // it (a city's store holding several counties).
    std::string township;
};

// Nearest-rank quantile (q in (0, 1]) of a sorted list; 0 for an empty one.
std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, double q);

class Figures {
public:
    // Where the case, rating and quiz figures come from: the figure tables (county/figure_tables.hpp), brought up to
    // date first, or a scan of the raw rows (slow; the reference the tests compare the tables with).
    enum class Method { tables, scan };

    // today: "now" in the county; open cases and overdue items are judged at min(to, today).
    Figures(Store& store, const PolicyData& policy, const StatsConfig& cfg, CivilDate today, Method method = Method::tables)
        : store_(store), policy_(policy), cfg_(cfg), today_(today), method_(method) {}

    // The whole figure set: from, to, timeliness, convenience, satisfaction, awareness, complaints, follow_ups,
    // townships[…] and events_by_type (the CLI's and the API's contract, county/API.md).
    Result<nlohmann::json> summary(const StatsQuery& q);
    // One part for the county (or one township) with its townships: timeliness | convenience | satisfaction |
    // awareness | complaints | follow_ups. Errors: not_found for another name.
    Result<nlohmann::json> part(const std::string& name, const StatsQuery& q);
    Result<nlohmann::json> scorecard(const StatsQuery& q);
    nlohmann::json fleet(const std::string& township, UtcMillis now_ms);

    // Raises the alerts whose conditions hold now (deduplicated by the store); answers how many were raised or
    // repeated.
    Result<int> evaluate_alerts(UtcMillis now_ms);

private:
    // The cases of one scope with their status on one day, shared by the parts of one figure set.
    struct LoadedCases;
    Result<const LoadedCases*> cases_at(const std::string& township, CivilDate until);
    Result<std::map<std::string, nlohmann::json>> compute(const std::string& name, const StatsQuery& q);
    std::vector<std::string> townships(const std::string& only);
    CivilDate as_of(const StatsQuery& q) const { return q.to < today_ ? q.to : today_; }

    // Brings the figure tables up to date once per Figures (a no-op for Method::scan).
    Status fresh();
    Result<std::map<std::string, nlohmann::json>> timeliness(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> convenience(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> satisfaction(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> awareness(const StatsQuery& q);
    Result<std::map<std::string, int>> awaiting_county_visit();
    // The reference path (stats_scan.cpp).
    Result<std::map<std::string, nlohmann::json>> scan_timeliness(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> scan_convenience(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> scan_satisfaction(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> scan_awareness(const StatsQuery& q);
    Result<std::map<std::string, int>> scan_awaiting_county_visit();
    Result<std::map<std::string, nlohmann::json>> complaints(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> follow_ups(const StatsQuery& q);
    Result<std::map<std::string, nlohmann::json>> spot_checks(const StatsQuery& q);

    Store& store_;
    const PolicyData& policy_;
    const StatsConfig& cfg_;
    CivilDate today_;
    Method method_;
    bool fresh_ = false;
    std::shared_ptr<LoadedCases> loaded_;
    std::optional<std::vector<std::string>> all_townships_;  // every township with a kiosk or a case
};

// ---- Spot checks (抽查) ----

struct SpotCandidate {
    std::string receipt_number;
    std::string programme;
    std::string township;
    bool operator==(const SpotCandidate&) const = default;
};

// The reproducible draw: the candidates sorted by receipt number, then per programme a Fisher–Yates shuffle driven
// by SplitMix64 from (seed, month, programme), keeping ceil(n × pct / 100) with pct = max(ratio, the programme's
// minimum). Same seed and month → the same list on any machine.
std::vector<SpotCandidate> draw_spot_sample(std::vector<SpotCandidate> candidates, std::uint64_t seed,
                                            const std::string& month, const StatsConfig& cfg);
// The cases confirmed in a month (YYYY-MM), every township.
Result<std::vector<SpotCandidate>> spot_candidates(Store& store, const std::string& month);
// A 64-bit seed from the operating system's random generator (getrandom).
std::uint64_t os_random_seed();

// Draws the month's sample with a fresh seed and stores it (one draw per month: already_drawn otherwise).
Result<nlohmann::json> draw_spot_checks(Store& store, const StatsConfig& cfg, const std::string& month,
                                        const std::string& actor, UtcMillis now_ms);
// The stored draw (seed, ratio, samples with findings) for one township or all ("" ); not_found when none.
// "reproducible" tells whether redrawing from the stored seed gives the stored list.
Result<nlohmann::json> spot_checks(Store& store, const StatsConfig& cfg, const std::string& month,
                                   const std::string& township);

// The yearly home-visit list (三(一)): per township, ceil(n × home_visit_ratio_pct / 100) of the current 低保 and 特困
// recipients (confirmed, not exited or terminated), drawn like the spot checks from (seed, year, township). One list
// per year: the first call draws and stores it, later calls answer the stored list (township "" = every one).
Result<nlohmann::json> home_visits(Store& store, const StatsConfig& cfg, const std::string& year, const std::string& actor,
                                   UtcMillis now_ms, const std::string& township, bool draw);

// ---- State changes (every one audited in the same transaction) ----

// Who acts: county roles see every township, township staff their own; another township's item answers not_found.
struct StatsActor {
    std::string user_id;
    std::string role;
    std::string township;
};

// body {"state": "called_back"|"rectified"|"closed", "note": text, "date": "YYYY-MM-DD" (default today)}
Result<nlohmann::json> change_follow_up(Store& store, const StatsConfig& cfg, const WorkCalendar& cal,
                                        const StatsActor& who, std::int64_t id, const nlohmann::json& body,
                                        UtcMillis now_ms);
// body {"state": "assigned"|"replied"|"closed", "note": text, "assignee": text (assigned), "date": …}
Result<nlohmann::json> change_complaint(Store& store, const StatsConfig& cfg, const WorkCalendar& cal,
                                        const StatsActor& who, const std::string& receipt, const nlohmann::json& body,
                                        UtcMillis now_ms);
// body {"state": "notified"|"resolved", "note": text, "due_date": "YYYY-MM-DD" (notified; default by config)}
Result<nlohmann::json> change_alert(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                                    std::int64_t id, const nlohmann::json& body, UtcMillis now_ms);
// body {"finding": "ok"|"problem", "note": text (required for problem)}; county roles only.
Result<nlohmann::json> record_spot_finding(Store& store, const StatsActor& who, const std::string& month,
                                           const std::string& receipt, const nlohmann::json& body, UtcMillis now_ms);

// Lists with their history, for the API (after/limit paging by id).
Result<nlohmann::json> list_follow_ups(Store& store, const StatsConfig& cfg, const WorkCalendar& cal,
                                       const std::string& township, std::int64_t after, int limit, CivilDate today);
Result<nlohmann::json> follow_up(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                                 std::int64_t id, CivilDate today);
Result<nlohmann::json> complaint(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                                 const std::string& receipt, CivilDate today);
Result<nlohmann::json> list_complaints(Store& store, const StatsConfig& cfg, const WorkCalendar& cal,
                                       const std::string& township, const std::string& after, int limit, CivilDate today);
// An alert with its steps; "overdue" when notified and past its due date on `today`.
Result<nlohmann::json> alert_with_history(Store& store, const StatsActor& who, std::int64_t id, CivilDate today);

// The kiosk's status answer for a complaint receipt and its 4-digit query code; null when unknown or the code is
// wrong (the caller answers that like every failed status query).
nlohmann::json complaint_status(Store& store, const std::string& receipt, const std::string& query_code);

// ---- Output ----

// Rows for --format table|csv of each command: a header row, then data rows.
std::vector<std::vector<std::string>> summary_rows(const nlohmann::json& summary);
std::vector<std::vector<std::string>> scorecard_rows(const nlohmann::json& scorecard);
std::vector<std::vector<std::string>> fleet_rows(const nlohmann::json& fleet);
std::vector<std::vector<std::string>> alert_rows(const std::vector<nlohmann::json>& alerts);
std::vector<std::vector<std::string>> sample_rows(const nlohmann::json& draw);
// CSV (RFC 4180 quoting) with a UTF-8 byte-order mark so Excel opens it as UTF-8.
std::string to_csv(const std::vector<std::vector<std::string>>& rows);
// Columns padded by display width (a CJK character counts as two).
std::string to_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace yimen::county
