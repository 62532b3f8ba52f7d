// intake_model.cpp — the intake wizard's rules (see intake_model.hpp).
#include "kiosk/model/intake_model.hpp"

#include <algorithm>

#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"

namespace yimen::kiosk {

const std::vector<NeedOption>& need_options() {
    static const std::vector<NeedOption> opts = {
        {"need.dibao", "need.dibao_hint", "dibao"},
        {"need.tekun", "need.tekun_hint", "tekun"},
        {"need.linshi_jinan", "need.linshi_jinan_hint", "linshi_jinan"},
        {"need.linshi_zhichu", "need.linshi_zhichu_hint", "linshi_zhichu"},
        {"need.ref_yiliao", "need.ref_yiliao_hint", "ref_yiliao"},
        {"need.ref_jiaoyu", "need.ref_jiaoyu_hint", "ref_jiaoyu"},
        {"need.ref_zhufang", "need.ref_zhufang_hint", "ref_zhufang"},
        {"need.ref_jiuye", "need.ref_jiuye_hint", "ref_jiuye"},
        {"need.ref_other", "need.ref_other_hint", "ref_other"},
    };
    return opts;
}

bool IntakeModel::is_referral(const Rules& rules) const {
    auto* p = rules.programme(programme);
    return p && p->is_referral();
}

int IntakeModel::step_number() const {
    switch (step) {
        case IntakeStep::need: return 1;
        case IntakeStep::programme: return 2;
        case IntakeStep::identity: return 3;
        case IntakeStep::household: return 4;
        case IntakeStep::income: return 5;
        case IntakeStep::hardship: return 6;
        case IntakeStep::relatives: return 7;
        case IntakeStep::materials: return 8;
        case IntakeStep::consent: return 9;
        case IntakeStep::review: return 10;
        case IntakeStep::done: return 10;
        case IntakeStep::referral_identity: return 3;
        case IntakeStep::referral_done: return 3;
    }
    return 1;
}

int IntakeModel::step_count() const {
    return (step == IntakeStep::referral_identity || step == IntakeStep::referral_done) ? 3 : 10;
}

void IntakeModel::choose_need(const std::string& programme_id) {
    programme = programme_id;
    materials_have.clear();
    error.clear();
    step = IntakeStep::programme;
}

std::optional<ResidentId> IntakeModel::parsed_id(CivilDate today) const {
    auto r = parse_resident_id(id_number.value, today);
    if (!r) return std::nullopt;
    return r.value();
}

std::string IntakeModel::id_feedback(CivilDate today, const I18n& t, bool& ok) const {
    ok = false;
    if (id_number.value.size() < 18) return "";
    auto r = parse_resident_id(id_number.value, today);
    if (!r) return t.error("id", r.error());
    ok = true;
    auto& id = r.value();
    return t.fmt("intake.id_valid", {std::to_string(id.birth_date.year), std::to_string(id.birth_date.month),
                                     std::to_string(id.birth_date.day),
                                     t.tr(id.sex == Sex::male ? "intake.sex_male" : "intake.sex_female")});
}

bool IntakeModel::save_member(CivilDate today, const I18n& t) {
    if (trim(draft.name.value).empty()) {
        error = t.tr("intake.err_member_name");
        return false;
    }
    auto r = parse_resident_id(draft.id_number.value, today);
    if (!r) {
        error = t.error("id", r.error());
        return false;
    }
    auto own = parse_resident_id(id_number.value, today);
    for (auto& m : members)
        if (m.id_number.value == r.value().number) {
            error = t.tr("intake.err_member_twice");
            return false;
        }
    if (own && own.value().number == r.value().number) {
        error = t.tr("intake.err_member_is_applicant");
        return false;
    }
    draft.id_number.value = r.value().number;
    members.push_back(draft);
    draft = MemberDraft{};
    adding_member = false;
    error.clear();
    return true;
}

namespace {

Result<Fen> money_or_zero(const TextField& f) {
    if (trim(f.value).empty()) return Fen{0};
    auto r = parse_yuan(f.value);
    // The codes only: next() says which amount in the screen's language.
    if (!r) return Error{"bad_money", r.error().message};
    if (r.value() < 0) return Error{"negative_money", ""};
    return r;
}

}  // namespace

Result<records::Income> IntakeModel::income() const {
    records::Income in;
    auto w = money_or_zero(wages);
    if (!w) return w.error();
    auto b = money_or_zero(business);
    if (!b) return b.error();
    auto p = money_or_zero(property);
    if (!p) return p.error();
    auto t = money_or_zero(transfer);
    if (!t) return t.error();
    in.wages_fen = w.value();
    in.business_fen = b.value();
    in.property_fen = p.value();
    in.transfer_fen = t.value();
    return in;
}

Result<records::Assets> IntakeModel::assets() const {
    records::Assets a;
    auto d = money_or_zero(deposits);
    if (!d) return d.error();
    a.deposits_fen = d.value();
    a.vehicles = vehicles;
    a.houses = houses;
    return a;
}

std::int64_t IntakeModel::estimate(const PolicyData& data, const std::string& township, CivilDate today) const {
    if (programme != "dibao") return -1;
    auto in = income();
    if (!in) return -1;
    if (area_kind != "urban" && area_kind != "rural") return -1;
    auto std_ = data.standards.for_month(township, area_kind == "urban" ? AreaKind::urban : AreaKind::rural, today.year,
                                         today.month);
    if (!std_) return -1;
    int people = static_cast<int>(members.size()) + 1;
    auto pc = per_capita_income(in.value().total(), people);
    if (!pc) return -1;
    return difference_benefit({std_->dibao_monthly, pc.value(), people});
}

std::vector<std::string> IntakeModel::missing_materials(const Rules& rules) const {
    std::vector<std::string> out;
    auto* p = rules.programme(programme);
    if (!p) return out;
    for (auto& m : p->materials) {
        if (m.code == "commitment" && !commitment_at.empty()) continue;
        if (m.code == "authorisation" && !authorisation_at.empty()) continue;
        if (!m.when.empty()) continue;  // conditional materials are asked for by staff only when they apply
        if (!materials_have.count(m.code)) out.push_back(m.code);
    }
    return out;
}

bool IntakeModel::next(const PolicyData& data, CivilDate today, const I18n& t) {
    error.clear();
    const bool referral = is_referral(data.rules);
    switch (step) {
        case IntakeStep::need:
            if (programme.empty()) {
                error = t.tr("intake.err_choose_need");
                return false;
            }
            step = IntakeStep::programme;
            return true;
        case IntakeStep::programme:
            step = referral ? IntakeStep::referral_identity : IntakeStep::identity;
            return true;
        case IntakeStep::identity: {
            auto r = parse_resident_id(id_number.value, today);
            if (!r) {
                error = t.error("id", r.error());
                return false;
            }
            id_number.value = r.value().number;
            if (trim(name.value).empty()) {
                error = t.tr("intake.err_name");
                return false;
            }
            if (!phone.value.empty() && (phone.value.size() != 11 || !all_digits(phone.value) || phone.value[0] != '1')) {
                error = t.tr("intake.err_phone");
                return false;
            }
            if (trim(address.value).empty()) {
                error = t.tr("intake.err_address");
                return false;
            }
            step = IntakeStep::household;
            return true;
        }
        case IntakeStep::household:
            if (adding_member) {
                error = t.tr("intake.err_member_open");
                return false;
            }
            step = IntakeStep::income;
            return true;
        case IntakeStep::income: {
            for (const TextField* f : {&wages, &business, &property, &transfer, &deposits}) {
                auto r = money_or_zero(*f);
                if (!r) {
                    error = r.error().code == "negative_money" ? t.tr("intake.err_money_negative")
                                                               : t.fmt("intake.err_money", {f->value});
                    return false;
                }
            }
            step = IntakeStep::hardship;
            return true;
        }
        case IntakeStep::hardship:
            if (utf8::length(trim(hardship.value)) < 2) {
                error = t.tr("intake.err_hardship");
                return false;
            }
            step = IntakeStep::relatives;
            return true;
        case IntakeStep::relatives:
            if (!close_relative) {
                error = t.tr("intake.err_relative_yes_no");
                return false;
            }
            if (*close_relative && close_relative_relation.empty()) {
                error = t.tr("intake.err_relative_which");
                return false;
            }
            step = IntakeStep::materials;
            return true;
        case IntakeStep::materials:
            step = IntakeStep::consent;
            return true;
        case IntakeStep::consent:
            if (commitment_at.empty() || authorisation_at.empty()) {
                error = t.tr("intake.err_consent");
                return false;
            }
            step = IntakeStep::review;
            return true;
        case IntakeStep::referral_identity:
            if (trim(name.value).empty()) {
                error = t.tr("intake.err_your_name");
                return false;
            }
            if (utf8::length(trim(referral_need.value)) < 2) {
                error = t.tr("intake.err_referral_need");
                return false;
            }
            return true;  // the app submits from here
        case IntakeStep::review:
        case IntakeStep::done:
        case IntakeStep::referral_done:
            return true;
    }
    return false;
}

void IntakeModel::back(const Rules& rules) {
    error.clear();
    switch (step) {
        case IntakeStep::need: break;
        case IntakeStep::programme: step = IntakeStep::need; break;
        case IntakeStep::identity: step = IntakeStep::programme; break;
        case IntakeStep::household:
            if (adding_member) adding_member = false;
            else step = IntakeStep::identity;
            break;
        case IntakeStep::income: step = IntakeStep::household; break;
        case IntakeStep::hardship: step = IntakeStep::income; break;
        case IntakeStep::relatives: step = IntakeStep::hardship; break;
        case IntakeStep::materials: step = IntakeStep::relatives; break;
        case IntakeStep::consent: step = IntakeStep::materials; break;
        case IntakeStep::review: step = IntakeStep::consent; break;
        case IntakeStep::referral_identity: step = IntakeStep::programme; break;
        case IntakeStep::done:
        case IntakeStep::referral_done: break;
    }
    (void)rules;
}

records::ApplicationSubmitted IntakeModel::submission(const PolicyData& data, const std::string& township,
                                                      CivilDate today) const {
    records::ApplicationSubmitted s;
    s.programme = programme;
    s.township = township;
    s.channel = assisted ? "assisted" : "self";
    s.operator_id = assisted ? operator_id : "";
    auto id = parse_resident_id(id_number.value, today);
    s.applicant.name = trim(name.value);
    s.applicant.id_number = id ? id.value().number : id_number.value;
    s.applicant.relation = "self";
    s.applicant.phone = phone.value;
    s.applicant.address = trim(address.value);
    s.applicant.health = "healthy";
    s.applicant.work_ability = "full";
    for (auto& m : members) {
        records::Person p;
        p.name = trim(m.name.value);
        p.id_number = m.id_number.value;
        p.relation = m.relation;
        p.health = m.health;
        p.work_ability = m.work_ability;
        p.student = m.student;
        s.members.push_back(p);
    }
    auto in = income();
    if (in) s.income = in.value();
    auto a = assets();
    if (a) s.assets = a.value();
    s.hardship_statement = trim(hardship.value);
    s.close_relative = close_relative.value_or(false);
    s.close_relative_relation = s.close_relative ? close_relative_relation : "";
    s.commitment_at = commitment_at;
    s.authorisation_at = authorisation_at;
    auto missing = missing_materials(data.rules);
    if (auto* p = data.rules.programme(programme)) {
        for (auto& m : p->materials) {
            bool is_missing = std::find(missing.begin(), missing.end(), m.code) != missing.end();
            if (!is_missing && m.when.empty()) s.materials_received.push_back(m.code);
            else if (!is_missing && materials_have.count(m.code)) s.materials_received.push_back(m.code);
        }
    }
    s.materials_missing = missing;
    s.estimate_fen = estimate(data, township, today);
    return s;
}

}  // namespace yimen::kiosk
