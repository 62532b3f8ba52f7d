// pulled_store.cpp — plain upserts; the last pull wins, because the county's record is the truth for these.
#include "sync/pulled_store.hpp"

namespace yimen::sync {

using nlohmann::json;

Result<std::unique_ptr<PulledStore>> PulledStore::open(sqlite::Database& db) {
    if (auto s = db.exec(R"sql(
CREATE TABLE IF NOT EXISTS pulled_status(receipt_number TEXT PRIMARY KEY, body TEXT NOT NULL, pulled_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pulled_staff(staff_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, pin_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pulled_config(name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sync_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql");
        !s)
        return s.error();
    return std::unique_ptr<PulledStore>(new PulledStore(db));
}

Status PulledStore::put_status(const std::string& receipt, const json& body, UtcMillis at) {
    auto st = db_.prepare("INSERT INTO pulled_status(receipt_number, body, pulled_ms) VALUES(?1,?2,?3)"
                          " ON CONFLICT(receipt_number) DO UPDATE SET body=?2, pulled_ms=?3");
    st.bind(1, receipt).bind(2, body.dump()).bind(3, at);
    return st.run();
}

std::optional<PulledStatus> PulledStore::status(const std::string& receipt) {
    auto st = db_.prepare("SELECT body, pulled_ms FROM pulled_status WHERE receipt_number = ?1");
    st.bind(1, receipt);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return PulledStatus{json::parse(st.text(0), nullptr, false), st.integer(1)};
}

Status PulledStore::put_staff(const PulledStaff& s) {
    auto st = db_.prepare("INSERT INTO pulled_staff(staff_id, name, role, pin_hash) VALUES(?1,?2,?3,?4)"
                          " ON CONFLICT(staff_id) DO UPDATE SET name=?2, role=?3, pin_hash=?4");
    st.bind(1, s.staff_id).bind(2, s.name).bind(3, s.role).bind(4, s.pin_hash);
    return st.run();
}

std::optional<PulledStaff> PulledStore::staff(const std::string& staff_id) {
    auto st = db_.prepare("SELECT staff_id, name, role, pin_hash FROM pulled_staff WHERE staff_id = ?1");
    st.bind(1, staff_id);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return PulledStaff{st.text(0), st.text(1), st.text(2), st.text(3)};
}

std::vector<PulledStaff> PulledStore::all_staff() {
    std::vector<PulledStaff> out;
    auto st = db_.prepare("SELECT staff_id, name, role, pin_hash FROM pulled_staff ORDER BY staff_id");
    while (st.step() == SQLITE_ROW) out.push_back({st.text(0), st.text(1), st.text(2), st.text(3)});
    return out;
}

Status PulledStore::put_config(const std::string& name, const json& body) {
    auto st = db_.prepare("INSERT INTO pulled_config(name, body) VALUES(?1,?2) ON CONFLICT(name) DO UPDATE SET body=?2");
    st.bind(1, name).bind(2, body.dump());
    return st.run();
}

std::optional<json> PulledStore::config(const std::string& name) {
    auto st = db_.prepare("SELECT body FROM pulled_config WHERE name = ?1");
    st.bind(1, name);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return json::parse(st.text(0), nullptr, false);
}

std::optional<std::string> PulledStore::state(const std::string& key) {
    auto st = db_.prepare("SELECT value FROM sync_state WHERE key = ?1");
    st.bind(1, key);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return st.text(0);
}

Status PulledStore::set_state(const std::string& key, const std::string& value) {
    auto st = db_.prepare("INSERT INTO sync_state(key, value) VALUES(?1,?2) ON CONFLICT(key) DO UPDATE SET value=?2");
    st.bind(1, key).bind(2, value);
    return st.run();
}

std::int64_t PulledStore::cursor() { return std::stoll(state("cursor").value_or("0")); }
Status PulledStore::set_cursor(std::int64_t c) { return set_state("cursor", std::to_string(c)); }
std::int64_t PulledStore::server_checkpoint() { return std::stoll(state("server_checkpoint").value_or("0")); }
std::string PulledStore::server_checkpoint_hash() { return state("server_checkpoint_hash").value_or(""); }
Status PulledStore::set_server_checkpoint(std::int64_t seq, const std::string& hash) {
    if (auto s = set_state("server_checkpoint", std::to_string(seq)); !s) return s;
    return set_state("server_checkpoint_hash", hash);
}
std::optional<UtcMillis> PulledStore::last_pull() {
    auto v = state("last_pull");
    if (!v) return std::nullopt;
    return std::stoll(*v);
}
Status PulledStore::set_last_pull(UtcMillis at) { return set_state("last_pull", std::to_string(at)); }

}  // namespace yimen::sync
