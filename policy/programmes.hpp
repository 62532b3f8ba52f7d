// programmes.hpp — the programme catalogue: materials, stages, limits, actors, documents (assets/rules/programmes.json).
// The county overrides any part with a JSON merge patch; nothing here is a constant in code.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace yimen {

struct Material {
    std::string code;
    std::string name;        // from the documents catalogue
    std::string when;        // condition ("家中有残疾人的"), empty = always
    std::string confidence;
};

// A time limit on reaching a stage, counted from the latest of the `after` stages present in the history.
struct StageLimit {
    int days = 0;
    bool working_days = true;  // false = calendar days
    int hours = 0;             // > 0: counted in hours from the time of the `after` stage (先行救助 48 h); days unused
    std::vector<std::string> after;
    std::string figure;        // placeholder name for articles (limit.<programme>.<figure>)
    std::string confidence;
    std::string source;
};

struct FieldRule {
    std::string name;
    std::string type;   // "fen" (> 0), "fen0" (≥ 0), "count" (≥ 1), "month", "time" (HH:MM), "names", "self_care",
                        // "self_care_grade", "choice", "text"
    bool required = true;
    int min = 0;        // for "names": at least this many
    std::string check;      // "difference" (低保 差额 × members), "month_after_decision"
    std::string ceiling;    // programme figure (yuan) above which `approval` must have been reached
    std::string approval;   // the stage that authorises an amount above the ceiling
    std::vector<std::string> options;  // for "choice"
    std::string max_fact;   // for "count": a fact giving the maximum (渐退 months)
};

struct StageDef {
    std::string id;
    std::string name;
    std::string actor;                     // resident | township | county
    std::vector<std::string> from;         // legal previous stages; "*" = any non-terminal stage after the clock starts
    bool initial = false;
    bool clock_start = false;              // 受理: the legal clock starts here
    bool decision = false;                 // stops the overall clock
    bool terminal = false;
    bool reason_required = false;
    bool extends = false;                  // reaching it grants the extended overall limit (objection)
    bool settled = false;                  // the application is settled (办结) here; only stages naming it in `from`
                                           // (a recipient's exit) may follow
    bool once = false;
    bool notice = false;                   // its reason goes to the applicant in writing (refusal, exit)                     // may be recorded only once per case (低保's 公示)
    std::vector<std::string> requires_stages;
    std::vector<std::string> documents;    // document codes required to record this stage
    std::vector<FieldRule> fields;
    std::optional<StageLimit> limit;
    std::optional<std::pair<int, std::string>> min_calendar_days;  // (days, after stage) e.g. 公示 7 days
};

struct OverallLimit {
    int working_days = 0;
    int extended_working_days = 0;
    std::string from = "accepted";
    std::string confidence;
    std::string source;
};

struct Programme {
    std::string id;
    std::string name;
    std::string short_name;
    std::string kind;  // assistance | referral
    std::string department;
    std::string who;
    std::string confidence;
    std::vector<Material> materials;
    std::vector<std::string> bring;  // referrals: what to bring to the department
    std::optional<OverallLimit> overall;
    std::vector<std::string> close_relative_requires;  // stages a 近亲属备案 (or complained-about) case must pass …
    std::vector<std::string> close_relative_before;    // … before any of these (default: confirmed)
    std::vector<StageDef> stages;
    std::map<std::string, nlohmann::json> figures;

    bool is_referral() const { return kind == "referral"; }
    const StageDef* stage(const std::string& id) const;
    const StageDef* initial_stage() const;
    const StageDef* clock_start_stage() const;
    bool has_material(const std::string& code) const;
    // A figure of the programme (e.g. "approval_ceiling"), or nullptr.
    const nlohmann::json* figure(const std::string& name) const;
};

struct Fact {
    nlohmann::json value;
    std::string confidence;
    std::string source;
};

class Rules {
public:
    // base: the JSON of assets/rules/programmes.json; county_patch (may be empty): an RFC 7386 merge patch.
    static Result<Rules> from_json(const std::string& base, const std::string& county_patch = "");
    static Result<Rules> load(const std::string& assets_dir);  // assets/rules/programmes.json (+ county.programmes.json)

    const std::vector<Programme>& programmes() const { return programmes_; }
    const Programme* programme(const std::string& id) const;
    std::string document_name(const std::string& code) const;
    const Fact* fact(const std::string& name) const;
    int fact_int(const std::string& name, int fallback) const;
    std::string hotline(const std::string& key) const;  // "service" → 12345
    const std::map<std::string, std::string>& extension_reasons() const { return extension_reasons_; }
    const nlohmann::json& examples() const { return examples_; }
    const std::string& version() const { return version_; }

private:
    std::string version_;
    std::vector<Programme> programmes_;
    std::map<std::string, std::string> documents_;
    std::map<std::string, Fact> facts_;
    std::map<std::string, std::string> hotlines_;
    std::map<std::string, std::string> extension_reasons_;
    nlohmann::json examples_;
};

}  // namespace yimen
