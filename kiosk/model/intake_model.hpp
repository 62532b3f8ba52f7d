// intake_model.hpp — the 申请救助 wizard as a state machine over plain data: need → programme (with who qualifies,
// the legal material list and the time limit) → identity → household → income and assets → hardship → close
// relatives → materials at hand → commitment and authorisation (the resident's own taps) → review → submit.
// Referral programmes branch to a 转办单 instead (一门受理、分办转办).
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kiosk/model/fields.hpp"
#include "kiosk/model/i18n.hpp"
#include "policy/money.hpp"
#include "policy/policy_data.hpp"
#include "policy/records.hpp"
#include "policy/resident_id.hpp"

namespace yimen::kiosk {

enum class IntakeStep {
    need, programme, identity, household, income, hardship, relatives, materials, consent, review, done,
    referral_identity, referral_done
};

struct NeedOption {
    std::string label_key;   // i18n
    std::string hint_key;
    std::string programme;
};
const std::vector<NeedOption>& need_options();

struct MemberDraft {
    TextField name{"intake.member_name", InputKind::chinese, 20, "", false};
    TextField id_number{"intake.id_number", InputKind::id_number, 18, "", false};
    std::string relation = "spouse";
    std::string health = "healthy";
    std::string work_ability = "full";
    bool student = false;
};

struct IntakeModel {
    IntakeStep step = IntakeStep::need;
    std::string programme;
    bool assisted = false;
    std::string operator_id;

    TextField id_number{"intake.id_number", InputKind::id_number, 18, "", false};
    TextField name{"intake.name", InputKind::chinese, 20, "", false};
    TextField phone{"intake.phone", InputKind::phone, 11, "", false};
    TextField address{"intake.address", InputKind::chinese, 60, "", false};

    std::vector<MemberDraft> members;
    bool adding_member = false;
    MemberDraft draft;

    TextField wages{"intake.wages", InputKind::money, 12, "", false};
    TextField business{"intake.business", InputKind::money, 12, "", false};
    TextField property{"intake.property", InputKind::money, 12, "", false};
    TextField transfer{"intake.transfer", InputKind::money, 12, "", false};
    TextField deposits{"intake.deposits", InputKind::money, 12, "", false};
    int vehicles = 0;
    int houses = 0;
    // 城镇 or 农村 (by 户籍, or where the family lives): the standards differ (669 vs 441 in the defaults). Empty until
    // the resident says; then there is no estimate rather than a guess.
    std::string area_kind;

    TextField hardship{"intake.hardship", InputKind::chinese, 300, "", false};
    std::optional<bool> close_relative;
    std::string close_relative_relation;
    std::set<std::string> materials_have;
    std::string commitment_at;
    std::string authorisation_at;

    TextField referral_need{"intake.referral_need", InputKind::chinese, 200, "", false};

    // Results shown on the last screen.
    std::string receipt_number;
    std::int64_t estimate_fen = -1;
    std::vector<std::string> missing_names;
    std::string error;   // for the current step, already in the screen's language
    bool saving = false; // submitted, the records lane has not answered yet (the button waits)

    // 1-based position and count for "第 N 步，共 M 步".
    int step_number() const;
    int step_count() const;
    bool is_referral(const Rules& rules) const;

    void choose_need(const std::string& programme_id);
    // Validates the current step; on success moves on, else sets `error` (in `t`'s language). The submit step is
    // the app's.
    bool next(const PolicyData& data, CivilDate today, const I18n& t);
    void back(const Rules& rules);

    std::optional<ResidentId> parsed_id(CivilDate today) const;
    // Live validation line under the ID field: empty while typing the first digits.
    std::string id_feedback(CivilDate today, const I18n& t, bool& ok) const;

    bool save_member(CivilDate today, const I18n& t);
    Result<records::Income> income() const;
    Result<records::Assets> assets() const;
    // The 差额 estimate for 低保 at the household's urban or rural standard (−1 when it does not apply, inputs are
    // incomplete, or urban/rural is not yet said).
    std::int64_t estimate(const PolicyData& data, const std::string& township, CivilDate today) const;
    std::vector<std::string> missing_materials(const Rules& rules) const;

    records::ApplicationSubmitted submission(const PolicyData& data, const std::string& township,
                                             CivilDate today) const;
    void reset() { *this = IntakeModel{}; }
};

}  // namespace yimen::kiosk
