// pulled_store.hpp — what a kiosk keeps from its pulls: the status of its township's cases (no names or ID numbers),
// the township's staff with their PIN hashes, configuration items, and the sync cursor and checkpoint.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/civil_date.hpp"
#include "base/sqlite.hpp"

namespace yimen::sync {

struct PulledStaff {
    std::string staff_id;
    std::string name;
    std::string role;
    std::string pin_hash;
};

struct PulledStatus {
    nlohmann::json body;      // the county's status record (see county/ingest.cpp, status_record)
    UtcMillis pulled_ms = 0;  // when it arrived: the kiosk states the age of offline answers
};

class PulledStore {
public:
    static Result<std::unique_ptr<PulledStore>> open(sqlite::Database& db);

    Status put_status(const std::string& receipt, const nlohmann::json& body, UtcMillis at);
    std::optional<PulledStatus> status(const std::string& receipt);
    Status put_staff(const PulledStaff& s);
    std::optional<PulledStaff> staff(const std::string& staff_id);
    std::vector<PulledStaff> all_staff();
    Status put_config(const std::string& name, const nlohmann::json& body);
    std::optional<nlohmann::json> config(const std::string& name);

    // Sync bookkeeping.
    std::int64_t cursor();
    Status set_cursor(std::int64_t c);
    std::int64_t server_checkpoint();
    std::string server_checkpoint_hash();
    Status set_server_checkpoint(std::int64_t seq, const std::string& hash);
    std::optional<UtcMillis> last_pull();
    Status set_last_pull(UtcMillis at);

private:
    explicit PulledStore(sqlite::Database& db) : db_(db) {}
    std::optional<std::string> state(const std::string& key);
    Status set_state(const std::string& key, const std::string& value);
    sqlite::Database& db_;
};

}  // namespace yimen::sync
