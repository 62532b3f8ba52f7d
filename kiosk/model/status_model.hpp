// status_model.hpp — 进度查询: receipt number (typed or scanned) plus the ID's last four → the case's timeline, due
// dates and legal deadline in working days; online from the county when reachable, else the local copy with its age.
#pragma once
#include <optional>
#include <string>

#include "kiosk/model/fields.hpp"
#include "kiosk/model/store.hpp"
#include "policy/policy_data.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {

enum class StatusPhase { entry, waiting, result, not_found };

struct StatusModel {
    StatusPhase phase = StatusPhase::entry;
    TextField receipt{"status.receipt", InputKind::receipt, 24, "", false};
    TextField last4{"status.last4", InputKind::id_number, 4, "", false};
    std::string error;
    std::optional<CaseRecord> record;
    bool online = false;
    bool scanned = false;   // shown from a scanned receipt without the last four: the kiosk's synced copy
    std::int64_t age_ms = 0;
    CaseStatus evaluated;

    // Validates the inputs; the normalised receipt number on success, else `message` is a string-table key.
    std::optional<std::string> check(std::string& message) const;
    void show(const CaseRecord& c, bool from_county, UtcMillis now, const PolicyData& data, CivilDate today);
    void reset() { *this = StatusModel{}; }
};

// The tag under which a case's last-four digits are kept: the kiosk keeps no ID number, only this (four digits are
// guessable from it; that is why the status query is rate-limited and shows no personal data).
std::string last4_hash(const std::string& receipt, const std::string& last4);

}  // namespace yimen::kiosk
