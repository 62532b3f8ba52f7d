// demo_data.cpp — see demo_data.hpp. The year is simulated day by day: residents' visits become kiosk events (sealed
// into each kiosk's chain, wall times off by that kiosk's clock skew) pushed through the Ingestor at the end of the
// day; then the day's staff stages go through Casework with a clock set to that day. Each case's stage dates are
// planned when it is submitted, from the township's working pace; policy/workflow.cpp checks every one of them.
// Commits are grouped per simulated day (BatchedStore): the same code paths, without one disk flush per stage.
#include "county/demo_data.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "county/casework.hpp"
#include "county/demo_supervision.hpp"
#include "county/ingest.hpp"
#include "county/pki.hpp"
#include "county/users.hpp"
#include "base/canonical_json.hpp"
#include "policy/check_digit.hpp"
#include "policy/money.hpp"
#include "policy/receipt_number.hpp"
#include "policy/records.hpp"
#include "sync/protocol.hpp"

namespace yimen::county {

using nlohmann::json;
namespace rec = yimen::records;
namespace proto = yimen::sync::protocol;

Result<DemoScale> parse_demo_scale(const std::string& text) {
    if (text == "full") return DemoScale::full;
    if (text == "small") return DemoScale::small;
    if (text == "tiny") return DemoScale::tiny;
    return Error{"bad_scale", "规模只能是 full、small 或 tiny。"};
}

namespace {

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
const TownshipSpec kTownships[] = {
    {"230523100", "宝清镇", 30, 0.85, 3, true, -1},   {"230523101", "七星泡镇", 12, 0.80, 2, false, -1},
    {"230523102", "青原镇", 10, 0.80, 2, false, 0.45},  {"230523103", "夹信子镇", 9, 0.75, 2, false, -1},
    {"230523104", "龙头镇", 10, 0.80, 2, false, -1},  {"230523105", "小城子镇", 8, 0.50, 2, false, -1},
    {"230523106", "朝阳镇", 8, 0.80, 1, false, -1},   {"230523203", "万金山乡", 5, 0.65, 1, false, -1},
    {"230523204", "尖山子乡", 5, 0.40, 1, false, -1}, {"230523209", "七星河乡", 5, 0.80, 1, false, -1},
    {"230523500", "五九七农场", 6, 0.75, 1, false, -1}, {"230523501", "八五二农场", 7, 0.85, 2, false, -1},
    {"230523502", "八五三农场", 6, 0.60, 1, false, -1},
};

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

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
                                            "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋"};
const std::vector<std::string> kGiven = {"秀英", "桂兰", "玉兰", "淑珍", "凤霞", "志强", "建国", "海涛", "丽娟", "国华",
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

CivilDate next_working_day(const WorkCalendar& cal, CivilDate d) {
    while (!cal.is_working_day(d)) d = d.plus_days(1);
    return d;
}

std::string month_after(CivilDate d) {
    const int y = d.month == 12 ? d.year + 1 : d.year, m = d.month == 12 ? 1 : d.month + 1;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
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

// ---- Setup: kiosks (certificates from the county's CA) and staff -----------------------------------------------------

Status Generator::setup() {
    const Actor by{"cli:demo-data", at_local(first_, 8, 0)};
    std::size_t kiosk_index = 0;
    for (const auto& spec : kTownships) {
        DemoTownship tw;
        tw.spec = &spec;
        const std::string last3 = std::string(spec.code).substr(6);
        for (int n = 0; n < spec.kiosks; ++n) {
            DemoKiosk k;
            k.number = 11 + n;
            k.id = std::string(spec.code) + "-" + std::to_string(k.number);
            k.township = townships_.size();
            auto issued = pki::issue_kiosk(dir_, k.id, spec.code);
            if (!issued) return issued.error();
            k.record = {k.id, spec.code, issued->fingerprint, issued->serial_hex, false, false};
            if (auto s = store_.put_kiosk(k.record); !s) return s;
            if (auto s = store_.append_audit({0, by.now, by.id, "kiosk.issued", k.id, spec.code}); !s) return s;
            // Most clocks are close; a few drift by seconds; two run minutes off (the county corrects and flags them).
            const double r = dice_.uniform();
            const std::int64_t sign = dice_.chance(0.5) ? 1 : -1;
            if (kiosk_index == 3 || kiosk_index == 14) k.skew_ms = sign * dice_.between(3 * 60, 9 * 60) * 1000;
            else if (r < 0.25) k.skew_ms = sign * dice_.between(10, 90) * 1000;
            else k.skew_ms = sign * dice_.between(0, 5000);
            if (spec.code == std::string("230523501") && n == 1) k.silent_from_day = last_.to_days() - 18;
            k.boot_id = "boot-" + dice_.hex(8);
            k.boot_ms = at_local(first_, 7, dice_.between(0, 50));
            tw.kiosks.push_back(kiosks_.size());
            kiosks_.push_back(std::move(k));
            ++kiosk_index;
        }
        NewUser nu{"D" + last3 + "010", std::string(spec.name) + "民政助理", "township-staff", spec.code, std::nullopt};
        auto created = add_user(store_, nu, by);
        if (!created) return created.error();
        tw.staff = created->user;
        townships_.push_back(std::move(tw));
    }
    for (const char* id : {"D523001", "D523002"}) {
        auto created = add_user(store_, {id, "县民政局审核员", "county-staff", "", std::nullopt}, by);
        if (!created) return created.error();
        county_staff_.push_back(created->user);
    }
    summary_.counts["kiosks"] = static_cast<std::int64_t>(kiosks_.size());
    summary_.counts["users"] = static_cast<std::int64_t>(townships_.size() + county_staff_.size());
    summary_.townships = static_cast<int>(townships_.size());
    return Ok{};
}

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

rec::Person Generator::member(const std::string& relation, int birth_from, int birth_to, const TownshipSpec& spec) {
    rec::Person p;
    p.name = dice_.pick(kSurnames) + dice_.pick(kGiven);
    char body[48];
    std::snprintf(body, sizeof body, "230523%04d%02d%02d%03d", dice_.between(birth_from, birth_to), dice_.between(1, 12),
                  dice_.between(1, 28), dice_.between(1, 999));
    p.id_number = std::string(body) + mod11_2_check(body);
    p.relation = relation;
    char phone[32];
    std::snprintf(phone, sizeof phone, "13%09d", dice_.between(0, 999'999'999));
    p.phone = phone;
    p.address = std::string(spec.name) + "第" + std::to_string(dice_.between(1, 12)) + "村";
    const double h = dice_.uniform();
    p.health = h < 0.6 ? "healthy" : h < 0.8 ? "chronic_illness" : h < 0.92 ? "serious_illness" : "disabled";
    if (p.health == "disabled") p.disability = dice_.chance(0.5) ? "肢体二级" : "视力三级";
    p.work_ability = p.health == "healthy" ? "full" : p.health == "chronic_illness" ? "partial" : "none";
    return p;
}

Identity Generator::new_identity(std::size_t township, int birth_from, int birth_to) {
    Identity id;
    id.person = member("self", birth_from, birth_to, *townships_[township].spec);
    id.key = hmac_sha256_hex("yimen-demo-county-key", id.person.id_number);
    return id;
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

// ---- Applications and their cases ------------------------------------------------------------------------------------

Status Generator::application_visit(DemoKiosk& k, UtcMillis t) {
    const std::size_t ti = k.township;
    DemoTownship& tw = townships_[ti];
    const TownshipSpec& spec = *tw.spec;
    const double r = dice_.uniform();
    const std::string programme = r < 0.50 ? "dibao" : r < 0.62 ? "tekun" : r < 0.77 ? "linshi_jinan" : "linshi_zhichu";
    const Programme* p = rules_.programme(programme);
    if (!p) return Error{"demo_rejected", "规则中没有项目 " + programme};
    const bool assisted = dice_.chance(programme == "tekun" ? 0.7 : 0.45);
    const CivilDate day = county_date_at(t);

    // A returning applicant now and then (visits per case, 跑动次数); otherwise a new household.
    Identity who;
    if (!tw.recent.empty() && dice_.chance(0.05)) who = dice_.pick(tw.recent);
    else who = programme == "tekun" ? new_identity(ti, 1935, 1962) : new_identity(ti, 1952, 2000);
    tw.recent.push_back(who);
    if (tw.recent.size() > 60) tw.recent.erase(tw.recent.begin());

    rec::ApplicationSubmitted a;
    a.receipt_number = next_receipt(k, ReceiptType::application, t);
    a.programme = programme;
    a.township = spec.code;
    a.channel = assisted ? "assisted" : "self";
    a.operator_id = assisted ? tw.staff.user_id : "";
    a.applicant = who.person;
    a.applicant_key = who.key;
    const int others = programme == "tekun" ? 0 : dice_.between(0, 3);
    static const std::vector<std::string> kRelations = {"spouse", "child", "parent", "grandchild"};
    for (int i = 0; i < others; ++i) {
        const std::string& rel = kRelations[static_cast<std::size_t>(i % 4)];
        rec::Person m = rel == "child" || rel == "grandchild" ? member(rel, 2006, 2020, spec) : member(rel, 1945, 1998, spec);
        m.student = rel == "child" || rel == "grandchild";
        a.members.push_back(m);
    }
    const int household = 1 + others;
    const bool urban = spec.urban;
    auto standard = policy_.standards.for_month(spec.code, urban ? AreaKind::urban : AreaKind::rural, day.year, day.month);
    const Fen standard_fen = standard ? standard->dibao_monthly : 44100;
    // Most applicants fall under the standard; the household's monthly income by the four legal categories.
    const Fen per_capita = std::max<Fen>(0, standard_fen * dice_.between(5, 85) / 100 / 100 * 100);
    const Fen total = per_capita * household;
    a.income.wages_fen = total * 6 / 10;
    a.income.transfer_fen = total - a.income.wages_fen;
    a.assets.deposits_fen = dice_.between(0, 300) * 10000;
    a.assets.houses = dice_.chance(0.8) ? 1 : 0;
    a.hardship_statement = programme == "linshi_jinan" ? "家中突发火灾，基本生活暂时出现严重困难。"
                           : programme == "linshi_zhichu" ? "家人患病住院，医疗支出大，生活困难。"
                                                          : "家庭收入低，生活困难，申请救助。";
    const bool close_relative = programme == "dibao" && dice_.chance(0.03);
    a.close_relative = close_relative;
    if (close_relative) a.close_relative_relation = "申请人之子为村委会成员";
    const std::string wall = format_rfc3339(t + k.skew_ms);
    a.commitment_at = wall;
    a.authorisation_at = wall;
    // What the clerk checks at 受理 (without the two taps, which the intake records itself).
    std::vector<std::string> needed;
    if (const StageDef* acc = p->stage("accepted"))
        for (auto& d : acc->documents)
            if (d != "commitment" && d != "authorisation") needed.push_back(d);
    a.materials_received = needed;
    if (needed.size() > 1 && dice_.chance(0.3)) {  // a one-time notice (一次性告知) of what is still missing
        const std::size_t gone = static_cast<std::size_t>(dice_.between(1, static_cast<int>(needed.size()) - 1));
        a.materials_missing.push_back(needed[gone]);
        a.materials_received.erase(a.materials_received.begin() + static_cast<std::ptrdiff_t>(gone));
    }
    if (programme == "dibao" && !assisted) a.estimate_fen = difference_benefit({standard_fen, per_capita, household});

    rec::Actor actor = assisted ? rec::Actor{"staff", tw.staff.user_id} : rec::Actor{"resident", ""};
    if (assisted) login_if_needed(k, t, tw);
    emit(k, t, rec::type::application_submitted, a, actor);
    printed(k, t, a.receipt_number, "intake");
    summary_.receipts.push_back(a.receipt_number);
    ++summary_.counts["case." + programme];

    // Complete materials at an assisted desk: the clerk accepts at once on the kiosk (受理回执).
    const bool accept_here = assisted && a.materials_missing.empty() && programme != "linshi_jinan" && dice_.chance(0.6);
    if (accept_here) {
        rec::ApplicationAccepted acc{a.receipt_number, programme, day.iso(), needed, tw.staff.user_id};
        emit(k, t, rec::type::application_accepted, acc, {"staff", tw.staff.user_id});
        printed(k, t, a.receipt_number, "acceptance");
    }
    // Rating the service just received, sometimes the quiz too (the resident's own taps, never the clerk's).
    bool rated = false;
    if (dice_.chance(0.45)) {
        const int level = rating_level(quality(ti, day));
        emit(k, t, rec::type::rating_given,
             rating_payload(a.receipt_number, level, assisted ? "assisted" : "kiosk", assisted ? tw.staff.user_id : ""),
             {"resident", ""});
        rated = true;
    }
    if (dice_.chance(0.3)) emit(k, t, rec::type::quiz_answered, quiz_payload(quality(ti, day)), {"resident", ""});
    k.busy_until = t;
    plan_case(ti, a.receipt_number, programme, day, t, accept_here, close_relative, household, per_capita, urban, rated);
    return Ok{};
}

void Generator::stage(CivilDate d, std::size_t township, const std::string& receipt, const std::string& programme,
                      const std::string& stage_id, json fields, std::string reason) {
    const Programme* p = rules_.programme(programme);
    const StageDef* def = p ? p->stage(stage_id) : nullptr;
    json body = {{"stage", stage_id}, {"date", d.iso()}};
    if (!fields.empty()) body["fields"] = std::move(fields);
    if (!reason.empty()) body["reason"] = std::move(reason);
    if (def && !def->documents.empty()) body["documents"] = def->documents;
    tasks_[d.to_days()].push_back({receipt, std::move(body), def && def->actor == "county", township});
}

// Planned visits after the application: status queries while the case runs, and for some a rating or a complaint.
void Generator::follow_up_visits(std::size_t township, const std::string& receipt, CivilDate from, CivilDate decided,
                                 bool late, bool refused, bool rated) {
    const int queries = dice_.between(0, late ? 3 : 2);
    const std::int64_t span = std::max<std::int64_t>(1, decided.to_days() - from.to_days() + 10);
    for (int i = 0; i < queries; ++i) {
        const CivilDate d = from.plus_days(dice_.between(3, static_cast<int>(span)));
        schedule_visit(d, township, [this, receipt](DemoKiosk& k) {
            UtcMillis t = std::max(k.busy_until, k.last_event_ms);
            emit(k, t, rec::type::status_queried, rec::StatusQueried{receipt, "online", true}, {"resident", ""});
            k.busy_until = t;
            return Status(Ok{});
        });
    }
    if (rated || decided == from) return;
    if (dice_.chance(0.25)) {
        const CivilDate when = decided.plus_days(dice_.between(1, 20));
        const double felt = quality(township, when) - (late ? 0.3 : 0) - (refused ? 0.2 : 0);
        const int level = rating_level(std::clamp(felt, 0.0, 1.0));
        schedule_visit(when, township, [this, receipt, level](DemoKiosk& k) {
            UtcMillis t = std::max(k.busy_until, k.last_event_ms);
            emit(k, t, rec::type::status_queried, rec::StatusQueried{receipt, "online", true}, {"resident", ""});
            emit(k, t, rec::type::rating_given, rating_payload(receipt, level, "kiosk", ""), {"resident", ""});
            k.busy_until = t;
            return Status(Ok{});
        });
    }
    if ((late || refused) && dice_.chance(0.12)) {
        schedule_visit(decided.plus_days(dice_.between(1, 25)), township, [this, receipt](DemoKiosk& k) {
            return complaint_visit(k, std::max(k.busy_until, k.last_event_ms), receipt);
        });
    }
}

void Generator::plan_case(std::size_t ti, const std::string& receipt, const std::string& programme, CivilDate submitted,
                          UtcMillis submitted_ms, bool accepted_at_kiosk, bool close_relative, int members,
                          Fen income_per_capita, bool urban, bool rated) {
    const TownshipSpec& spec = *townships_[ti].spec;
    const bool slow = dice_.chance(0.04 + 0.36 * (1 - quality(ti, submitted)));
    const double pace = slow ? 2.0 : 1.0;
    auto steps = [&](int lo, int hi) { return static_cast<int>(std::lround(dice_.between(lo, hi) * pace)); };
    auto add = [&](CivilDate& d, const std::string& id, int days, json fields = json::object(), std::string reason = "") {
        d = wd(d, days);
        stage(d, ti, receipt, programme, id, std::move(fields), std::move(reason));
    };
    auto investigators = [&] {
        return json::array({dice_.pick(kSurnames) + dice_.pick(kGiven), dice_.pick(kSurnames) + dice_.pick(kGiven)});
    };
    auto refusal = [&](CivilDate& d, int after, const char* why) {
        add(d, "refused", after, json::object(), why);
        const CivilDate decided = d;
        add(d, "refusal_notified", slow && dice_.chance(0.5) ? dice_.between(4, 7) : dice_.between(0, 3));
        return decided;
    };

    // 申请 → 受理: usually within days; a slow township sometimes lets it wait past the configured limit.
    CivilDate d = submitted;
    if (!accepted_at_kiosk) {
        if (dice_.chance(0.02)) {  // never accepted (materials never completed): the 申请 → 受理 delay keeps growing
            follow_up_visits(ti, receipt, submitted, submitted, true, false, rated);
            return;
        }
        const double r = dice_.uniform();
        const int delay = slow && dice_.chance(0.4) ? dice_.between(6, 10) : r < 0.4 ? 0 : r < 0.7 ? 1 : r < 0.9 ? 2 : dice_.between(3, 4);
        json fields = json::object();
        if (programme == "linshi_jinan") {
            // The 48 h of 先行救助 count from the time of 受理.
            const UtcMillis local = submitted_ms + 8 * kHourMs + (delay == 0 ? kHourMs : 0);
            const int minute_of_day = static_cast<int>((local % kDayMs) / kMinuteMs);
            char hhmm[32];
            const int hh = delay == 0 ? std::min(minute_of_day / 60, 17) : dice_.between(8, 16);
            std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", hh, delay == 0 ? minute_of_day % 60 : dice_.between(0, 59));
            fields["time"] = hhmm;
        }
        add(d, "accepted", delay, fields);
    }
    const CivilDate accepted = d;
    const bool stuck = dice_.chance(0.02);  // a case nobody moves: the overdue figures must find it
    const bool extension = programme == "dibao" && dice_.chance(0.07);
    json ext = json::object();
    if (extension) {
        static const std::vector<std::string> kReasons = {"ren_hu_fenli", "off_site", "hard_investigation"};
        ext["extension_reason"] = dice_.pick(kReasons);
    }
    const double outcome = dice_.uniform();
    CivilDate decided = accepted;
    bool refused = false;

    if (programme == "dibao") {
        add(d, "investigation_started", slow ? dice_.between(3, 6) : dice_.between(1, 3), ext);
        if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(30), true, false, rated);
        const int ext_pace = extension ? dice_.between(4, 8) : 0;
        add(d, "household_visit_done", steps(2, 4) + ext_pace, {{"investigators", investigators()}});
        if (outcome < 0.02) {
            add(d, "terminated", dice_.between(1, 3), json::object(), "申请人经多次告知仍拒绝配合入户调查，终止审核。");
            return follow_up_visits(ti, receipt, submitted, d, slow, true, rated);
        }
        add(d, "verification_done", steps(1, 2) + ext_pace);
        // The county's own visit to a close-relative case: usually soon, sometimes weeks later (an alert to raise).
        if (close_relative) add(d, "county_household_visit", dice_.chance(0.3) ? dice_.between(8, 15) : dice_.between(1, 3));
        if (outcome < 0.08) {
            decided = refusal(d, dice_.between(1, 2), "经信息核对，家庭人均收入高于当地低保标准，不符合条件。");
            refused = true;
        } else {
            add(d, "preliminary_opinion", steps(1, 2));
            add(d, "publicity_started", dice_.between(0, 1));
            const CivilDate started = d;
            d = wd(next_working_day(cal_, started.plus_days(7)), dice_.between(0, 1));
            stage(d, ti, receipt, programme, "publicity_ended");
            const bool objection = outcome < 0.12;
            if (objection) {  // an objection: new investigation and a new opinion, no second 公示
                add(d, "objection", 0, json::object(), "公示期间有村民反映申请人家庭有经营收入。");
                add(d, "reinvestigation", dice_.between(1, 3));
                add(d, "reopinion", dice_.between(2, 4));
            }
            if ((outcome >= 0.12 && outcome < 0.20) || (objection && dice_.chance(0.5))) {
                decided = refusal(d, dice_.between(1, 2), "经调查核实，申请人家庭财产状况不符合低保条件。");
                refused = true;
            } else {
                d = wd(d, steps(1, 3));
                const auto standard =
                    policy_.standards.for_month(spec.code, urban ? AreaKind::urban : AreaKind::rural, d.year, d.month);
                const Fen standard_fen = standard ? standard->dibao_monthly : 44100;
                const Fen income = std::min(income_per_capita, standard_fen - 100);
                const Fen amount = difference_benefit({standard_fen, income, members});
                stage(d, ti, receipt, programme, "confirmed",
                      {{"amount_fen", amount}, {"first_month", month_after(d)}, {"standard_fen", standard_fen},
                       {"income_per_capita_fen", income}, {"members", members}});
                decided = d;
                // Some recipients leave within the year: 渐退 first, or a stop with written reasons.
                const double later = dice_.uniform();
                if (later < 0.04) {
                    CivilDate e = wd(d, dice_.between(40, 120));
                    stage(e, ti, receipt, programme, "phase_out_started", {{"months", dice_.between(3, 6)}},
                          "家庭成员实现稳定就业，收入超过低保标准，按规定给予渐退期。");
                    e = wd(e, dice_.between(60, 120));
                    stage(e, ti, receipt, programme, "exit_decided", json::object(), "渐退期满，家庭收入稳定超过低保标准。");
                    stage(wd(e, dice_.between(1, 3)), ti, receipt, programme, "exit_notified");
                } else if (later < 0.09) {
                    const CivilDate e = wd(d, dice_.between(30, 160));
                    stage(e, ti, receipt, programme, "exit_decided", json::object(), "年度复核发现家庭经济状况好转，不再符合条件。");
                    stage(wd(e, dice_.between(1, 3)), ti, receipt, programme, "exit_notified");
                }
            }
        }
    } else if (programme == "tekun") {
        add(d, "investigation_started", dice_.between(1, 3));
        if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(40), true, false, rated);
        add(d, "household_visit_done", steps(2, 5), {{"investigators", investigators()}});
        add(d, "verification_done", steps(1, 3));
        json indicators = json::array();
        const int lost = dice_.chance(0.5) ? 0 : dice_.between(1, 6);
        for (int i = 0; i < 6; ++i) indicators.push_back(i < lost);
        add(d, "self_care_assessment", dice_.between(1, 3), {{"indicators", indicators}});
        add(d, "preliminary_opinion", steps(1, 2));
        add(d, "publicity_started", dice_.between(0, 1));
        d = wd(next_working_day(cal_, d.plus_days(7)), dice_.between(0, 1));
        stage(d, ti, receipt, programme, "publicity_ended");
        if (outcome < 0.10) {
            decided = refusal(d, dice_.between(1, 3), "经调查，申请人有法定赡养义务人且具备赡养能力，不符合特困供养条件。");
            refused = true;
        } else {
            d = wd(d, slow ? dice_.between(14, 20) : dice_.between(2, 8));
            const auto standard = policy_.standards.for_month(spec.code, urban ? AreaKind::urban : AreaKind::rural,
                                                              d.year, d.month);
            const Fen basic = standard && standard->tekun_basic_monthly > 0 ? standard->tekun_basic_monthly : 57330;
            const Fen care = standard ? (lost == 0 ? standard->care_full_self : lost <= 3 ? standard->care_partial
                                                                                          : standard->care_full)
                                      : 0;
            stage(d, ti, receipt, programme, "confirmed",
                  {{"amount_fen", basic + care}, {"first_month", month_after(d)},
                   {"support_form", dice_.chance(0.2) ? "concentrated" : "dispersed"}});
            decided = d;
        }
    } else if (programme == "linshi_jinan") {
        if (dice_.chance(0.7)) {  // 先行救助: paid at once, paperwork afterwards
            const int late_pay = slow && dice_.chance(0.3) ? 3 : dice_.between(0, 1);
            d = d.plus_days(late_pay);
            d = next_working_day(cal_, d);
            stage(d, ti, receipt, programme, "paid_first", {{"amount_fen", dice_.between(3, 10) * 10000}});
            if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(20), true, false, rated);
            add(d, "paperwork_completed", slow ? dice_.between(6, 9) : dice_.between(2, 5));
            add(d, "closed", dice_.between(0, 2));
            decided = d;
        } else {
            add(d, "investigation_started", dice_.between(1, 2));
            if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(20), true, false, rated);
            if (outcome < 0.15) {
                decided = refusal(d, steps(2, 6), "经核实，申请人家庭困难已通过其他救助途径解决。");
                refused = true;
            } else {
                add(d, "confirmed", slow ? dice_.between(12, 18) : dice_.between(2, 6),
                    {{"amount_fen", dice_.between(10, 48) * 10000}});
                decided = d;
            }
        }
    } else {  // linshi_zhichu
        add(d, "investigation_started", dice_.between(1, 2));
        if (stuck) return follow_up_visits(ti, receipt, submitted, d.plus_days(20), true, false, rated);
        add(d, "household_visit_done", steps(1, 3), {{"investigators", investigators()}});
        if (outcome < 0.06) {
            decided = refusal(d, dice_.between(1, 2), "经入户调查，医疗费用已由医保报销大部分，自付部分未超过规定比例。");
            refused = true;
        } else {
            add(d, "preliminary_opinion", steps(1, 2));
            add(d, "publicity_started", dice_.between(0, 1));
            d = wd(next_working_day(cal_, d.plus_days(7)), dice_.between(0, 1));
            stage(d, ti, receipt, programme, "publicity_ended");
            if (outcome < 0.12) {
                decided = refusal(d, dice_.between(1, 2), "经审核，家庭支出型困难未达到救助条件。");
                refused = true;
            } else if (outcome < 0.22) {  // above the township's ceiling: the county approves first
                add(d, "county_approval", dice_.between(1, 2));
                add(d, "confirmed", dice_.between(0, 2), {{"amount_fen", dice_.between(55, 120) * 10000}});
                decided = d;
            } else {
                add(d, "confirmed", steps(1, 2), {{"amount_fen", dice_.between(10, 50) * 10000}});
                decided = d;
            }
        }
    }
    const auto used = cal_.working_days_between(accepted, decided).days;
    const Programme* p = rules_.programme(programme);
    const bool late = p && p->overall && used > (extension ? p->overall->extended_working_days : p->overall->working_days);
    follow_up_visits(ti, receipt, submitted, decided, late || slow, refused, rated);
    if (extension) ++summary_.counts["case.extended"];
    if (slow) ++summary_.counts["case.slow_township_pace"];
}

// ---- Referrals -------------------------------------------------------------------------------------------------------

Status Generator::referral_visit(DemoKiosk& k, UtcMillis t) {
    const std::size_t ti = k.township;
    DemoTownship& tw = townships_[ti];
    const double r = dice_.uniform();
    const std::string programme = r < 0.35 ? "ref_yiliao" : r < 0.55 ? "ref_jiaoyu" : r < 0.70 ? "ref_zhufang"
                                  : r < 0.90                        ? "ref_jiuye"
                                                                    : "ref_other";
    const Programme* p = rules_.programme(programme);
    rec::ReferralIssued ref;
    ref.receipt_number = next_receipt(k, ReceiptType::referral, t);
    ref.programme = programme;
    ref.department = p ? p->department : "";
    ref.need = programme == "ref_yiliao"   ? "住院费用负担重，想了解医疗救助。"
               : programme == "ref_jiaoyu" ? "孩子上学有困难，想申请教育资助。"
               : programme == "ref_zhufang" ? "房屋年久失修，想申请危房改造。"
               : programme == "ref_jiuye"  ? "想找一份就近的工作。"
                                           : "想咨询其他帮扶政策。";
    // A returning applicant is counted as another visit during their case.
    if (!tw.recent.empty() && dice_.chance(0.15)) ref.applicant_key = dice_.pick(tw.recent).key;
    const bool assisted = dice_.chance(0.3);
    ref.channel = assisted ? "assisted" : "self";
    ref.operator_id = assisted ? tw.staff.user_id : "";
    if (assisted) login_if_needed(k, t, tw);
    emit(k, t, rec::type::referral_issued, ref, assisted ? rec::Actor{"staff", tw.staff.user_id} : rec::Actor{"resident", ""});
    printed(k, t, ref.receipt_number, "referral");
    summary_.receipts.push_back(ref.receipt_number);
    ++summary_.counts["case.referral"];
    if (dice_.chance(0.35)) {
        emit(k, t, rec::type::rating_given, rating_payload(ref.receipt_number, rating_level(quality(ti, county_date_at(t))),
                                                           assisted ? "assisted" : "kiosk", assisted ? tw.staff.user_id : ""),
             {"resident", ""});
    }
    k.busy_until = t;
    plan_referral(ti, ref.receipt_number, county_date_at(t));
    return Ok{};
}

void Generator::plan_referral(std::size_t ti, const std::string& receipt, CivilDate issued) {
    const bool slow = dice_.chance(0.05 + 0.3 * (1 - quality(ti, issued)));
    CivilDate d = wd(issued, slow ? dice_.between(3, 6) : dice_.between(0, 2));
    auto add = [&](const char* id) {
        tasks_[d.to_days()].push_back({receipt, {{"stage", id}, {"date", d.iso()}}, false, ti});
    };
    if (dice_.chance(0.03)) return;  // waiting to be forwarded
    add("forwarded");
    if (dice_.chance(0.6)) {
        d = wd(d, dice_.between(3, 10));
        add("answered");
    }
    if (dice_.chance(0.9)) {
        d = wd(d, dice_.between(0, 3));
        add("closed");
    }
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

}  // namespace

bool has_demo_data(Store& store) {
    for (const auto& spec : kTownships)
        if (store.kiosk(std::string(spec.code) + "-11") || store.user("D" + std::string(spec.code).substr(6) + "010"))
            return true;
    return store.user("D523001").has_value();
}

Result<DemoSummary> generate_demo_data(const std::string& dir, Store& store, const PolicyData& policy,
                                       const Clock& clock, const DemoOptions& options) {
    if (options.months < 1 || options.months > 24)
        return Error{"bad_months", "月数须为1到24。"};
    if (has_demo_data(store)) return Error{"demo_exists", "该目录的县服务器中已有演示数据，不能重复生成。"};
    Generator g(dir, store, policy, clock, options);
    return g.run();
}

}  // namespace yimen::county
