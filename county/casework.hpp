// casework.hpp — township staff move cases through their legal stages on the server; policy/ decides what is legal.
// Every step carries its actor and time, and the new status flows to the township's kiosks by pull.
#pragma once
#include <nlohmann/json.hpp>

#include "county/store.hpp"
#include "policy/calendar.hpp"
#include "policy/programmes.hpp"

namespace yimen::county {

class Casework {
public:
    // earliest: no stage may be dated before this civil date ([limits] earliest_event_date).
    Casework(Store& store, const Rules& rules, const WorkCalendar& cal, const Clock& clock,
             CivilDate earliest = CivilDate::parse("2020-01-01").value())
        : store_(store), rules_(rules), cal_(cal), clock_(clock), earliest_(earliest) {}

    // body: {"stage": id, "date": "YYYY-MM-DD" (default today), "reason": text, "fields": {…}, "documents": [codes]}
    // Errors: forbidden, unknown_case, bad_request, and the workflow's reason codes (illegal_transition, …).
    Result<nlohmann::json> record_stage(const User& user, const std::string& receipt, const nlohmann::json& body);
    Result<nlohmann::json> view(const User& user, const std::string& receipt);

private:
    Result<std::string> township_of(const std::string& receipt);
    Status authorise(const User& user, const std::string& township);

    Store& store_;
    const Rules& rules_;
    const WorkCalendar& cal_;
    const Clock& clock_;
    CivilDate earliest_;
};

}  // namespace yimen::county
