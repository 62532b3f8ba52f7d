// demo_generator.hpp — the demo year's generator (demo_data.hpp), internal to its files: the deterministic dice, the
// townships of 宝清县, the simulated kiosks and the Generator class whose parts live in
//   demo_data.cpp          the entry points and the simulated day (arrivals, pushes, staff work, supervision)
//   demo_county.cpp        setup: kiosks with certificates, staff; residents and their identities
//   demo_kiosk_events.cpp  the kiosk side: sealed events, receipt numbers, prints, ratings, the quiz, complaints
//   demo_cases.cpp         applications and referrals with their planned stages and follow-up visits
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "county/casework.hpp"
#include "county/demo_data.hpp"
#include "county/ingest.hpp"
#include "county/users.hpp"
#include "policy/money.hpp"
#include "policy/receipt_number.hpp"
#include "policy/records.hpp"

namespace yimen::county::demo_detail {

using nlohmann::json;
namespace rec = yimen::records;

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::size_t kMaxBatch = 500;

// ---- A store whose nested transactions join the caller's: one commit per simulated day -------------------------------

class BatchedStore final : public Store {
public:
    explicit BatchedStore(Store& inner) : s_(inner) {}

    // Runs fn in one transaction of the inner store; every transaction opened inside it joins that one.
    Status batch(const std::function<Status()>& fn) {
        return s_.transaction([&]() -> Status {
            ++depth_;
            Status result = fn();
            --depth_;
            return result;
        });
    }

    Status transaction(const std::function<Status()>& fn) override { return depth_ > 0 ? fn() : s_.transaction(fn); }
    Status put_kiosk(const KioskRecord& k) override { return s_.put_kiosk(k); }
    std::optional<KioskRecord> kiosk_by_fingerprint(const std::string& fp) override { return s_.kiosk_by_fingerprint(fp); }
    std::optional<KioskRecord> kiosk(const std::string& id) override { return s_.kiosk(id); }
    Status set_kiosk_revoked(const std::string& id) override { return s_.set_kiosk_revoked(id); }
    Status set_kiosk_clock_flag(const std::string& id, bool flagged) override { return s_.set_kiosk_clock_flag(id, flagged); }
    std::vector<KioskRecord> kiosks() override { return s_.kiosks(); }
    Status put_user(const User& u) override { return s_.put_user(u); }
    std::optional<User> user_by_token(const std::string& t) override { return s_.user_by_token(t); }
    std::optional<User> user(const std::string& id) override { return s_.user(id); }
    std::vector<User> users() override { return s_.users(); }
    Status append_audit(const AuditEntry& a) override { return s_.append_audit(a); }
    std::vector<AuditEntry> audit_entries(std::int64_t after_id, int limit) override {
        return s_.audit_entries(after_id, limit);
    }
    std::optional<StoredEventRow> event(const std::string& kiosk_id, std::int64_t seq) override {
        return s_.event(kiosk_id, seq);
    }
    Status insert_event(const StoredEventRow& e) override { return s_.insert_event(e); }
    std::pair<std::int64_t, std::string> checkpoint(const std::string& kiosk_id) override { return s_.checkpoint(kiosk_id); }
    Status set_checkpoint(const std::string& kiosk_id, std::int64_t seq, const std::string& hash) override {
        return s_.set_checkpoint(kiosk_id, seq, hash);
    }
    std::optional<std::int64_t> boot_offset(const std::string& kiosk_id, const std::string& boot) override {
        return s_.boot_offset(kiosk_id, boot);
    }
    Status set_boot_offset(const std::string& kiosk_id, const std::string& boot, std::int64_t offset_ms,
                           UtcMillis at) override {
        return s_.set_boot_offset(kiosk_id, boot, offset_ms, at);
    }
    std::vector<std::pair<std::string, std::int64_t>> event_counts_by_type(const std::string& township) override {
        return s_.event_counts_by_type(township);
    }
    Status insert_application(const ApplicationRow& a) override { return s_.insert_application(a); }
    std::optional<ApplicationRow> application(const std::string& receipt) override { return s_.application(receipt); }
    Status insert_stage(StageRow& st) override { return s_.insert_stage(st); }
    std::vector<StageRow> stages(const std::string& receipt) override { return s_.stages(receipt); }
    Status insert_referral(const std::string& receipt, const std::string& programme, const std::string& township,
                           const std::string& kiosk_id, UtcMillis at, const json& payload) override {
        return s_.insert_referral(receipt, programme, township, kiosk_id, at, payload);
    }
    std::optional<std::string> referral_township(const std::string& receipt) override {
        return s_.referral_township(receipt);
    }
    std::optional<RatingRow> counted_rating(const std::string& receipt) override { return s_.counted_rating(receipt); }
    Status insert_rating(const RatingRow& r) override { return s_.insert_rating(r); }
    Status set_rating_status(std::int64_t id, const std::string& status) override { return s_.set_rating_status(id, status); }
    Status insert_record(const std::string& type, const std::string& kiosk_id, std::int64_t seq, const std::string& township,
                         UtcMillis corrected_ms, const json& payload) override {
        return s_.insert_record(type, kiosk_id, seq, township, corrected_ms, payload);
    }
    Status link_complaint(const std::string& complaint, const std::string& case_receipt) override {
        return s_.link_complaint(complaint, case_receipt);
    }
    int complaints_about(const std::string& case_receipt) override { return s_.complaints_about(case_receipt); }
    Status append_change(const ChangeRow& c) override { return s_.append_change(c); }
    std::vector<ChangeRow> changes_after(const std::string& township, std::int64_t cursor, int limit) override {
        return s_.changes_after(township, cursor, limit);
    }
    std::pair<std::string, int> receipt_high_water(const std::string& kiosk_id) override {
        return s_.receipt_high_water(kiosk_id);
    }
    Status raise_alert(const std::string& kind, const std::string& kiosk_id, const std::string& township,
                       const std::string& detail, UtcMillis at, bool dedupe) override {
        return s_.raise_alert(kind, kiosk_id, township, detail, at, dedupe);
    }
    std::vector<json> alerts(std::int64_t after_id, int limit, const std::string& township) override {
        return s_.alerts(after_id, limit, township);
    }
    int failures_since(const std::string& key, UtcMillis since) override { return s_.failures_since(key, since); }
    Status add_failure(const std::string& key, UtcMillis at) override { return s_.add_failure(key, at); }
    Status prune_failures(UtcMillis before) override { return s_.prune_failures(before); }
    Status backup_to(const std::string& path) override { return s_.backup_to(path); }
    Status query(const std::string& sql, const std::vector<SqlParam>& params,
                 const std::function<void(const SqlRow&)>& on_row) override {
        return s_.query(sql, params, on_row);
    }
    Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlParam>& params) override {
        return s_.execute(sql, params);
    }

private:
    Store& s_;
    int depth_ = 0;
};

// ---- Deterministic dice (the same draws on every platform for one seed) ----------------------------------------------

class Dice {
public:
    explicit Dice(std::uint64_t seed) : gen_(seed) {}
    double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
    // lo..hi inclusive
    int between(int lo, int hi) { return lo + static_cast<int>(uniform() * static_cast<double>(hi - lo + 1)); }
    bool chance(double p) { return uniform() < p; }
    int poisson(double mean) {
        if (mean <= 0) return 0;
        const double limit = std::exp(-mean);
        int k = 0;
        for (double prod = uniform(); prod > limit; prod *= uniform()) ++k;
        return k;
    }
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))]; }
    std::string hex(int bytes) {
        static const char* digits = "0123456789abcdef";
        std::string out;
        for (int i = 0; i < bytes; ++i) {
            const auto b = gen_() & 0xff;
            out += digits[b >> 4];
            out += digits[b & 15];
        }
        return out;
    }
    std::uint64_t raw() { return gen_(); }

private:
    std::mt19937_64 gen_;
};

// ---- The county ------------------------------------------------------------------------------------------------------

struct TownshipSpec {
    const char* code;
    const char* name;
    int weight;       // share of the county's cases
    double quality;   // 0–1: pace of the township's casework and its residents' satisfaction
    int kiosks;
    bool urban;
    double last_quarter_quality = -1;  // ≥ 0: the township's quality over the last three months (a drop to find)
};

// The 2023 statistical codes of 宝清县 (domain file §7.2) and three of its farms. Quality is invented for the demo:
// 小城子镇 and 尖山子乡 are the slow, badly rated ones the figures should find; 青原镇 slips in the last quarter.
inline const TownshipSpec kTownships[] = {
    {"230523100", "宝清镇", 30, 0.85, 3, true, -1},   {"230523101", "七星泡镇", 12, 0.80, 2, false, -1},
    {"230523102", "青原镇", 10, 0.80, 2, false, 0.45},  {"230523103", "夹信子镇", 9, 0.75, 2, false, -1},
    {"230523104", "龙头镇", 10, 0.80, 2, false, -1},  {"230523105", "小城子镇", 8, 0.50, 2, false, -1},
    {"230523106", "朝阳镇", 8, 0.80, 1, false, -1},   {"230523203", "万金山乡", 5, 0.65, 1, false, -1},
    {"230523204", "尖山子乡", 5, 0.40, 1, false, -1}, {"230523209", "七星河乡", 5, 0.80, 1, false, -1},
    {"230523500", "五九七农场", 6, 0.75, 1, false, -1}, {"230523501", "八五二农场", 7, 0.85, 2, false, -1},
    {"230523502", "八五三农场", 6, 0.60, 1, false, -1},
};

inline const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
                                                   "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋"};
inline const std::vector<std::string> kGiven = {"秀英", "桂兰", "玉兰", "淑珍", "凤霞", "志强", "建国", "海涛", "丽娟", "国华",
                                                "春梅", "德福", "长青", "晓东", "红梅", "振华", "文杰", "桂芝", "立新", "雪梅"};

struct Identity {
    rec::Person person;
    std::string key;  // applicant_key
};

// ---- Kiosks, townships, cases ----------------------------------------------------------------------------------------

struct DemoKiosk {
    std::string id;
    std::size_t township = 0;
    int number = 0;
    KioskRecord record;
    std::int64_t skew_ms = 0;              // the kiosk's clock minus the true time
    std::string boot_id;
    UtcMillis boot_ms = 0;                 // true time of the boot
    std::int64_t seq = 0;
    std::string prev = rec::kZeroHash;
    std::vector<std::string> pending;      // sealed, not yet pushed
    UtcMillis busy_until = 0;
    UtcMillis last_event_ms = 0;
    std::int64_t receipt_day = -1;
    int receipt_seq = 0;
    std::string staff_logged_in;
    std::int64_t silent_from_day = std::numeric_limits<std::int64_t>::max();
};

struct DemoTownship {
    const TownshipSpec* spec = nullptr;
    std::vector<std::size_t> kiosks;
    User staff;
    std::vector<Identity> recent;          // recent applicants (some come back with another request)
};

struct StageTask {
    std::string receipt;
    json body;
    bool by_county = false;
    std::size_t township = 0;
};

struct Visit {
    std::size_t township = 0;
    UtcMillis at = 0;                      // planned true time
    std::function<Status(DemoKiosk&)> act;
};

inline CivilDate next_working_day(const WorkCalendar& cal, CivilDate d) {
    while (!cal.is_working_day(d)) d = d.plus_days(1);
    return d;
}

class Generator {
public:
    Generator(const std::string& dir, Store& store, const PolicyData& policy, const Clock& clock, const DemoOptions& opt)
        : dir_(dir), store_(store), policy_(policy), rules_(policy.rules), cal_(policy.calendar), opt_(opt),
          dice_(opt.seed * 0x9E3779B97F4A7C15ULL + 0x5DEECE66DULL), now_(clock.now_utc_ms()), work_clock_(now_),
          ingestor_(store_, rules_, cal_), casework_(store_, rules_, cal_, work_clock_) {}

    Result<DemoSummary> run();

private:
    // Time helpers: a civil day and a local (+08:00) time of day → the true UTC instant.
    static UtcMillis at_local(CivilDate d, int hour, int minute) {
        return d.to_days() * kDayMs - 8 * kHourMs + hour * kHourMs + minute * kMinuteMs;
    }
    CivilDate wd(CivilDate d, int n) const { return n <= 0 ? d : cal_.add_working_days(d, n).date; }

    Status setup();
    Status simulate_day(CivilDate day);
    Status flush(DemoKiosk& k, CivilDate day);
    void arrivals(CivilDate day);

    // Kiosk side.
    void emit(DemoKiosk& k, UtcMillis& t, const std::string& type, const json& payload, rec::Actor actor);
    std::string next_receipt(DemoKiosk& k, ReceiptType type, UtcMillis t);
    void printed(DemoKiosk& k, UtcMillis& t, const std::string& receipt, const char* template_name);
    void login_if_needed(DemoKiosk& k, UtcMillis& t, const DemoTownship& tw);
    Identity new_identity(std::size_t township, int birth_from, int birth_to);
    rec::Person member(const std::string& relation, int birth_from, int birth_to, const TownshipSpec& spec);
    int rating_level(double quality);
    // The township's quality on a day (青原镇 slips in the last quarter: the satisfaction-drop alert should see it).
    double quality(std::size_t township, CivilDate day) const {
        const TownshipSpec& spec = *townships_[township].spec;
        return spec.last_quarter_quality >= 0 && day.to_days() > last_.to_days() - 91 ? spec.last_quarter_quality
                                                                                      : spec.quality;
    }
    json rating_payload(const std::string& receipt, int level, const std::string& channel, const std::string& served_by);
    json quiz_payload(double quality);
    std::size_t kiosk_for(std::size_t township, std::int64_t day);
    void schedule_visit(CivilDate day, std::size_t township, std::function<Status(DemoKiosk&)> act);

    // Cases.
    Status application_visit(DemoKiosk& k, UtcMillis t);
    Status referral_visit(DemoKiosk& k, UtcMillis t);
    Status complaint_visit(DemoKiosk& k, UtcMillis t, const std::string& about);
    void plan_case(std::size_t township, const std::string& receipt, const std::string& programme, CivilDate submitted,
                   UtcMillis submitted_ms, bool accepted_at_kiosk, bool close_relative, int members, Fen income_per_capita,
                   bool urban, bool rated);
    void plan_referral(std::size_t township, const std::string& receipt, CivilDate issued);
    void stage(CivilDate d, std::size_t township, const std::string& receipt, const std::string& programme,
               const std::string& stage_id, json fields = json::object(), std::string reason = "");
    void follow_up_visits(std::size_t township, const std::string& receipt, CivilDate from, CivilDate decided, bool late,
                          bool refused, bool rated);

    const std::string dir_;
    BatchedStore store_;
    const PolicyData& policy_;
    const Rules& rules_;
    const WorkCalendar& cal_;
    DemoOptions opt_;
    Dice dice_;
    UtcMillis now_;
    FixedClock work_clock_;
    Ingestor ingestor_;
    Casework casework_;

    std::vector<DemoTownship> townships_;
    std::vector<DemoKiosk> kiosks_;
    std::vector<User> county_staff_;
    std::map<std::int64_t, std::vector<Visit>> visits_;       // by civil day number
    std::map<std::int64_t, std::vector<StageTask>> tasks_;    // by civil day number
    CivilDate first_, last_;
    DemoSummary summary_;
};

}  // namespace yimen::county::demo_detail
