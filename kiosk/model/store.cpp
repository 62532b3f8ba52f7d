// store.cpp — the kiosk database (see store.hpp).
#include "kiosk/model/store.hpp"

#include "kiosk/model/json_util.hpp"
#include "kiosk/model/text.hpp"
#include "policy/resident_id.hpp"
#include "sync/sealed_payload.hpp"

#include <cstring>
#include <set>

namespace yimen::kiosk {
namespace {

const char* kSchema = R"SQL(
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS kiosk_applications(
  receipt TEXT PRIMARY KEY, programme TEXT NOT NULL, status TEXT NOT NULL, channel TEXT NOT NULL,
  submitted_at TEXT NOT NULL, day TEXT NOT NULL, masked_name TEXT NOT NULL, payload TEXT NOT NULL,
  accepted_day TEXT, materials_checked TEXT, materials_missing TEXT);
CREATE TABLE IF NOT EXISTS kiosk_complaints(
  receipt TEXT PRIMARY KEY, category TEXT NOT NULL, anonymous INTEGER NOT NULL, code_hash TEXT NOT NULL,
  day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kiosk_ratings(
  id INTEGER PRIMARY KEY, receipt TEXT NOT NULL, level INTEGER NOT NULL, day TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS kiosk_ratings_one_per_case ON kiosk_ratings(receipt) WHERE receipt <> '';
CREATE TABLE IF NOT EXISTS kiosk_status_queries(id INTEGER PRIMARY KEY, day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kiosk_cases(
  receipt TEXT PRIMARY KEY, programme TEXT NOT NULL, masked_name TEXT NOT NULL, last4_hash TEXT NOT NULL,
  history TEXT NOT NULL, close_relative INTEGER NOT NULL DEFAULT 0, extension_reason TEXT NOT NULL DEFAULT '',
  updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kiosk_staff(
  staff_id TEXT PRIMARY KEY, name TEXT NOT NULL, pin_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kiosk_staff_failures(
  staff_id TEXT PRIMARY KEY, count INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kiosk_migrations(name TEXT PRIMARY KEY, done_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kiosk_print_jobs(
  id INTEGER PRIMARY KEY, receipt TEXT NOT NULL, template TEXT NOT NULL, outcome TEXT NOT NULL,
  message TEXT NOT NULL, document TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
COMMIT;
)SQL";

// The print journal's own columns (printer/'s JobRecord), added to databases made before the kiosk journalled the
// driver's jobs itself. outcome '' = the job was still running (or the process died while it ran).
const char* kPrintJournalColumns[] = {
    "printer_template TEXT NOT NULL DEFAULT ''", "printer_document TEXT NOT NULL DEFAULT '{}'",
    "paper TEXT NOT NULL DEFAULT '80'",          "mode TEXT NOT NULL DEFAULT 'text'",
    "printer TEXT NOT NULL DEFAULT ''",          "reprint_of INTEGER NOT NULL DEFAULT 0",
    "queued_at_ms INTEGER NOT NULL DEFAULT 0",   "finished_at_ms INTEGER NOT NULL DEFAULT 0"};

Status add_print_journal_columns(sqlite::Database& db) {
    std::set<std::string> have;
    {
        auto st = db.prepare("PRAGMA table_info(kiosk_print_jobs)");
        while (st.step() == SQLITE_ROW) have.insert(st.text(1));
    }
    auto tx = sqlite::Transaction::begin(db);
    if (!tx) return tx.error();
    bool changed = false;
    for (const char* col : kPrintJournalColumns) {
        std::string name(col, std::strchr(col, ' '));
        if (have.count(name)) continue;
        if (auto r = db.exec(std::string("ALTER TABLE kiosk_print_jobs ADD COLUMN ") + col); !r) return r;
        changed = true;
    }
    if (!changed) return Ok{};
    return tx.value()->commit();
}

nlohmann::json history_to_json(const std::vector<StageEntry>& h) {
    auto arr = nlohmann::json::array();
    for (auto& e : h)
        arr.push_back({{"stage", e.stage}, {"date", e.date.iso()}, {"actor", e.actor}, {"reason", e.reason},
                       {"fields", e.fields}, {"documents", e.documents}});
    return arr;
}

std::vector<StageEntry> history_from_json(const nlohmann::json& arr) {
    std::vector<StageEntry> out;
    if (!arr.is_array()) return out;
    for (auto& j : arr) {
        StageEntry e;
        e.stage = json_str(j, "stage");
        auto d = CivilDate::parse(json_str(j, "date"));
        if (d) e.date = d.value();
        e.actor = json_str(j, "actor");
        e.reason = json_str(j, "reason");
        if (j.contains("fields")) e.fields = j["fields"];
        if (j.contains("documents") && j["documents"].is_array())
            for (auto& doc : j["documents"]) e.documents.push_back(json_as_str(doc));
        out.push_back(e);
    }
    return out;
}

// Columns from `first`: programme, masked_name, last4_hash, history, close_relative, extension_reason, updated_ms.
CaseRecord row_to_case(sqlite::Statement& st, const std::string& receipt, int first) {
    CaseRecord c;
    c.receipt_number = receipt;
    c.programme = st.text(first);
    c.masked_name = st.text(first + 1);
    c.last4_hash = st.text(first + 2);
    c.history = history_from_json(nlohmann::json::parse(st.text(first + 3), nullptr, false));
    c.facts.close_relative = st.integer(first + 4) != 0;
    c.facts.extension_reason = st.text(first + 5);
    c.updated_ms = st.integer(first + 6);
    return c;
}

// Which state of a case the kiosk shows when it holds both its own row and the county's pulled status.
// The county's status is built from everything this kiosk sent (the uploader pushes the journal before it pulls)
// plus the county's own casework (investigation, decision, extensions), which the kiosk learns of no other way: for
// a case that was synced it is the authoritative later state, and it wins, ties included. The exception is a step
// recorded here after the county's last status for the case arrived (an acceptance at this desk while offline, the
// county's answer to an online query): the county cannot have sent that back yet, so the kiosk's row is the later
// state until the next pull brings the county's own version of it (which is then newer again). Both times come
// from this kiosk's clock (the uploader stamps pulled_ms, the kiosk updated_ms), so they compare. The county never
// sends names, so the masked name (and an ID tag the county left empty) is kept from the kiosk's row.
CaseRecord newer_case(std::optional<CaseRecord> local, CaseRecord pulled) {
    if (!local) return pulled;
    if (local->updated_ms > pulled.updated_ms) return std::move(*local);
    if (pulled.masked_name.empty()) pulled.masked_name = local->masked_name;
    if (pulled.last4_hash.empty()) pulled.last4_hash = local->last4_hash;
    return pulled;
}

// A kiosk_cases row that is exactly what the old county link copied from this pulled status (see open_pulled).
bool is_copy_of(const CaseRecord& row, const CaseRecord& pulled) {
    if (!row.masked_name.empty() || !row.facts.extension_reason.empty() || row.programme != pulled.programme ||
        row.last4_hash != pulled.last4_hash || row.facts.close_relative != pulled.facts.close_relative ||
        row.history.size() != pulled.history.size())
        return false;
    for (std::size_t i = 0; i < row.history.size(); ++i) {
        auto& a = row.history[i];
        auto& b = pulled.history[i];
        if (a.stage != b.stage || a.date.iso() != b.date.iso() || a.actor != b.actor || a.reason != b.reason ||
            !a.documents.empty() || !a.fields.empty())
            return false;
    }
    return true;
}

StoredApplication row_to_app(sqlite::Statement& st) {
    StoredApplication a;
    a.receipt_number = st.text(0);
    a.programme = st.text(1);
    a.status = st.text(2);
    a.channel = st.text(3);
    a.submitted_at = st.text(4);
    a.masked_name = st.text(5);
    a.payload = nlohmann::json::parse(st.text(6), nullptr, false);
    return a;
}

}  // namespace

CaseRecord case_from_status(const nlohmann::json& status, std::int64_t at_ms) {
    CaseRecord c;
    if (!status.is_object()) return c;
    c.receipt_number = json_str(status, "receipt_number");
    c.programme = json_str(status, "programme");
    c.last4_hash = json_str(status, "id_last4_tag");
    c.facts.close_relative = json_bool(status, "close_relative");
    if (status.contains("timeline") && status["timeline"].is_array())
        for (auto& t : status["timeline"]) {
            auto d = CivilDate::parse(json_str(t, "date"));
            c.history.push_back({json_str(t, "stage"), d ? *d : CivilDate{}, "", json_str(t, "reason"),
                                 nlohmann::json::object(), {}});
        }
    c.updated_ms = at_ms;
    return c;
}

Result<std::unique_ptr<KioskStore>> KioskStore::open(const std::string& path, const std::string& kiosk_id,
                                                     const Clock& clock) {
    sqlite::OpenOptions opt;
    opt.private_file = true;  // kiosk.db and its -wal/-shm hold personal data: 0600 (DESIGN.md "Personal data")
    auto db = sqlite::Database::open(path, opt);
    if (!db) return db.error();
    std::unique_ptr<KioskStore> s(new KioskStore());
    s->db_ = std::move(db).value();
    // One transaction: with synchronous=FULL each separate CREATE would cost its own fsync at first start.
    auto r = s->db_->exec(kSchema);
    if (!r) {
        (void)s->db_->exec("ROLLBACK");
        return r.error();
    }
    if (auto m = add_print_journal_columns(*s->db_); !m) return m.error();
    if (auto p = s->open_pulled(clock.now_utc_ms()); !p) return p.error();
    if (auto m = s->drop_clear_application_payloads(clock.now_utc_ms()); !m) return m.error();
    auto ev = EventLog::open(*s->db_, kiosk_id, clock);
    if (!ev) return ev.error();
    s->events_ = std::move(ev).value();
    return s;
}

// sync's pulled tables on this connection (created here too, so the kiosk reads them before its first pull), and,
// once per database, the end of the second copy. Databases from before the kiosk read the pulled tables directly
// hold copies of pulled rows in kiosk_cases and kiosk_staff (the county link copied every pull in). Left alone they
// would do no harm (a copied case equals its pulled row and loses to the next pull; a copied account is shadowed by
// the pulled one), but a shadowed account would log in again if its pulled row ever went away, and they are the
// copy this design removes. So: copied accounts shadowed by a pulled one go, as do case rows identical to the
// conversion of their pulled status. A case row the kiosk changed after copying it (an acceptance recorded here)
// differs from its pulled status and stays: it is the kiosk's own record now.
Status KioskStore::open_pulled(UtcMillis now) {
    static const char* kMigration = "drop_pulled_copies";
    auto tx = sqlite::Transaction::begin(*db_);
    if (!tx) return tx.error();
    auto p = sync::PulledStore::open(*db_);
    if (!p) return p.error();
    pulled_ = std::move(p).value();
    {
        auto done = db_->prepare("SELECT 1 FROM kiosk_migrations WHERE name = ?");
        done.bind(1, std::string(kMigration));
        if (done.step() == SQLITE_ROW) return tx.value()->commit();  // done before: only the tables, if new
    }
    if (auto r = db_->exec("DELETE FROM kiosk_staff WHERE staff_id IN (SELECT staff_id FROM pulled_staff)"); !r)
        return r;
    std::vector<std::string> copies;
    {
        auto st = db_->prepare("SELECT c.receipt, p.body, c.programme, c.masked_name, c.last4_hash, c.history, "
                               "c.close_relative, c.extension_reason, c.updated_ms FROM kiosk_cases c "
                               "JOIN pulled_status p ON p.receipt_number = c.receipt");
        while (st.step() == SQLITE_ROW) {
            auto pulled = case_from_status(nlohmann::json::parse(st.text(1), nullptr, false), 0);
            if (is_copy_of(row_to_case(st, st.text(0), 2), pulled)) copies.push_back(st.text(0));
        }
    }
    for (auto& receipt : copies) {
        auto del = db_->prepare("DELETE FROM kiosk_cases WHERE receipt = ?");
        del.bind(1, receipt);
        if (auto r = del.run(); !r) return r;
    }
    auto mark = db_->prepare("INSERT INTO kiosk_migrations(name, done_ms) VALUES(?,?)");
    mark.bind(1, std::string(kMigration)).bind(2, now);
    if (auto r = mark.run(); !r) return r;
    return tx.value()->commit();
}

std::string StoredApplication::masked_id() const {
    return payload.contains("masked") ? json_str(payload["masked"], "id_number") : "";
}

int StoredApplication::household_size() const {
    if (!payload.contains("masked") || !payload["masked"].is_object()) return 0;
    return payload["masked"].value("household_size", 0);
}

nlohmann::json kept_application_view(const std::string& type, const nlohmann::json& payload) {
    nlohmann::json kept = sync::drop_personal(type, payload);
    if (payload.contains("masked")) {
        kept["masked"] = payload["masked"];
        return kept;
    }
    nlohmann::json masked = nlohmann::json::object();
    if (payload.contains("applicant") && payload["applicant"].is_object()) {
        const auto& a = payload["applicant"];
        masked["name"] = mask_name(json_str(a, "name"));
        masked["id_number"] = mask_resident_id(json_str(a, "id_number"));
        const bool has_members = payload.contains("members") && payload["members"].is_array();
        masked["household_size"] = static_cast<int>(has_members ? payload["members"].size() : 0) + 1;
    }
    kept["masked"] = std::move(masked);
    return kept;
}

// Databases from before issue 11 kept each application's whole payload (names, ID numbers, incomes) in clear:
// once, every stored payload is cut down to its kept view. secure_delete zeroes the old bytes in the file.
Status KioskStore::drop_clear_application_payloads(UtcMillis now) {
    static const char* kMigration = "drop_clear_application_payloads";
    auto tx = sqlite::Transaction::begin(*db_);
    if (!tx) return tx.error();
    {
        auto done = db_->prepare("SELECT 1 FROM kiosk_migrations WHERE name = ?");
        done.bind(1, std::string(kMigration));
        if (done.step() == SQLITE_ROW) return tx.value()->commit();
    }
    std::vector<std::pair<std::string, std::string>> kept;
    {
        auto st = db_->prepare("SELECT receipt, status, payload FROM kiosk_applications");
        while (st.step() == SQLITE_ROW) {
            auto payload = nlohmann::json::parse(st.text(2), nullptr, false);
            if (!payload.is_object()) payload = nlohmann::json::object();
            const char* type = st.text(1) == "referral" ? "referral.issued" : "application.submitted";
            kept.push_back({st.text(0), kept_application_view(type, payload).dump()});
        }
    }
    for (auto& [receipt, text] : kept) {
        auto up = db_->prepare("UPDATE kiosk_applications SET payload = ? WHERE receipt = ?");
        up.bind(1, text).bind(2, receipt);
        if (auto r = up.run(); !r) return r;
    }
    auto mark = db_->prepare("INSERT INTO kiosk_migrations(name, done_ms) VALUES(?,?)");
    mark.bind(1, std::string(kMigration)).bind(2, now);
    if (auto r = mark.run(); !r) return r;
    return tx.value()->commit();
}

Status KioskStore::insert_application(sqlite::Transaction& tx, const StoredApplication& a, CivilDate day) {
    auto st = tx.db().prepare(
        "INSERT INTO kiosk_applications(receipt, programme, status, channel, submitted_at, day, masked_name, payload)"
        " VALUES(?,?,?,?,?,?,?,?)");
    st.bind(1, a.receipt_number).bind(2, a.programme).bind(3, a.status).bind(4, a.channel).bind(5, a.submitted_at);
    st.bind(6, day.iso()).bind(7, a.masked_name).bind(8, a.payload.dump());
    return st.run();
}

std::optional<StoredApplication> KioskStore::application(const std::string& receipt) {
    auto st = db_->prepare("SELECT receipt, programme, status, channel, submitted_at, masked_name, payload FROM "
                           "kiosk_applications WHERE receipt = ?");
    st.bind(1, receipt);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return row_to_app(st);
}

std::vector<StoredApplication> KioskStore::applications(const std::string& status, int limit) {
    std::vector<StoredApplication> out;
    auto st = db_->prepare("SELECT receipt, programme, status, channel, submitted_at, masked_name, payload FROM "
                           "kiosk_applications WHERE status = ? ORDER BY submitted_at DESC LIMIT ?");
    st.bind(1, status).bind(2, limit);
    while (st.step() == SQLITE_ROW) out.push_back(row_to_app(st));
    return out;
}

Status KioskStore::mark_accepted(sqlite::Transaction& tx, const std::string& receipt,
                                 const std::vector<std::string>& checked, CivilDate day) {
    auto st = tx.db().prepare("UPDATE kiosk_applications SET status = 'accepted', accepted_day = ?, "
                              "materials_checked = ? WHERE receipt = ? AND status = 'submitted'");
    st.bind(1, day.iso()).bind(2, nlohmann::json(checked).dump()).bind(3, receipt);
    auto r = st.run();
    if (!r) return r;
    if (sqlite3_changes(tx.db().raw()) != 1)
        return Error{"not_submitted", "already accepted or not on this kiosk"};
    return Ok{};
}

Status KioskStore::record_missing(sqlite::Transaction& tx, const std::string& receipt,
                                  const std::vector<std::string>& missing) {
    auto st = tx.db().prepare("UPDATE kiosk_applications SET materials_missing = ? WHERE receipt = ?");
    st.bind(1, nlohmann::json(missing).dump()).bind(2, receipt);
    return st.run();
}

Status KioskStore::insert_complaint(sqlite::Transaction& tx, const std::string& receipt, const std::string& category,
                                    bool anonymous, const std::string& code_hash, CivilDate day) {
    auto st = tx.db().prepare(
        "INSERT INTO kiosk_complaints(receipt, category, anonymous, code_hash, day) VALUES(?,?,?,?,?)");
    st.bind(1, receipt).bind(2, category).bind(3, anonymous ? 1 : 0).bind(4, code_hash).bind(5, day.iso());
    return st.run();
}

bool KioskStore::rating_exists(const std::string& receipt) {
    if (receipt.empty()) return false;
    auto st = db_->prepare("SELECT 1 FROM kiosk_ratings WHERE receipt = ?");
    st.bind(1, receipt);
    return st.step() == SQLITE_ROW;
}

Status KioskStore::insert_rating(sqlite::Transaction& tx, const std::string& receipt, int level, CivilDate day) {
    auto st = tx.db().prepare("INSERT INTO kiosk_ratings(receipt, level, day) VALUES(?,?,?)");
    st.bind(1, receipt).bind(2, level).bind(3, day.iso());
    auto r = st.run();
    if (!r) return Error{"already_rated", "rating already given for this receipt"};
    return r;
}

Status KioskStore::note_status_query(sqlite::Transaction& tx, CivilDate day) {
    auto st = tx.db().prepare("INSERT INTO kiosk_status_queries(day) VALUES(?)");
    st.bind(1, day.iso());
    return st.run();
}

Status KioskStore::upsert_case(sqlite::Transaction& tx, const CaseRecord& c) {
    auto st = tx.db().prepare(
        "INSERT INTO kiosk_cases(receipt, programme, masked_name, last4_hash, history, close_relative, "
        "extension_reason, updated_ms) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(receipt) DO UPDATE SET "
        "programme = excluded.programme, masked_name = excluded.masked_name, last4_hash = excluded.last4_hash, "
        "history = excluded.history, close_relative = excluded.close_relative, "
        "extension_reason = excluded.extension_reason, updated_ms = excluded.updated_ms");
    st.bind(1, c.receipt_number).bind(2, c.programme).bind(3, c.masked_name).bind(4, c.last4_hash);
    st.bind(5, history_to_json(c.history).dump()).bind(6, c.facts.close_relative ? 1 : 0);
    st.bind(7, c.facts.extension_reason).bind(8, c.updated_ms);
    return st.run();
}

std::optional<CaseRecord> KioskStore::case_record(const std::string& receipt) {
    std::optional<CaseRecord> local;
    {
        auto st = db_->prepare("SELECT programme, masked_name, last4_hash, history, close_relative, extension_reason, "
                               "updated_ms FROM kiosk_cases WHERE receipt = ?");
        st.bind(1, receipt);
        if (st.step() == SQLITE_ROW) local = row_to_case(st, receipt, 0);
    }
    auto pulled = pulled_->status(receipt);
    if (!pulled || !pulled->body.is_object()) return local;
    auto from_county = case_from_status(pulled->body, pulled->pulled_ms);
    from_county.receipt_number = receipt;  // the key it was pulled under
    return newer_case(std::move(local), std::move(from_county));
}

Status KioskStore::upsert_staff(const StaffAccount& s) {
    auto st = db_->prepare("INSERT INTO kiosk_staff(staff_id, name, pin_hash) VALUES(?,?,?) ON CONFLICT(staff_id) "
                           "DO UPDATE SET name = excluded.name, pin_hash = excluded.pin_hash");
    st.bind(1, s.staff_id).bind(2, s.name).bind(3, s.pin_hash);
    return st.run();
}

std::optional<StaffAccount> KioskStore::staff(const std::string& staff_id) {
    // The county's account wins: it is where a PIN is reset or a login withdrawn (an empty hash), and a kiosk-local
    // account with the same number must not keep a PIN the county has replaced or disabled.
    if (auto p = pulled_->staff(staff_id)) return StaffAccount{p->staff_id, p->name, p->pin_hash};
    auto st = db_->prepare("SELECT staff_id, name, pin_hash FROM kiosk_staff WHERE staff_id = ?");
    st.bind(1, staff_id);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return StaffAccount{st.text(0), st.text(1), st.text(2)};
}

int KioskStore::staff_count() {
    return static_cast<int>(
        db_->scalar("SELECT count(*) FROM (SELECT staff_id FROM kiosk_staff UNION SELECT staff_id FROM pulled_staff)")
            .value_or(0));
}

std::pair<int, std::int64_t> KioskStore::staff_failures(const std::string& staff_id) {
    auto st = db_->prepare("SELECT count, locked_until_ms FROM kiosk_staff_failures WHERE staff_id = ?");
    st.bind(1, staff_id);
    if (st.step() != SQLITE_ROW) return {0, 0};
    return {static_cast<int>(st.integer(0)), st.integer(1)};
}

Status KioskStore::set_staff_failures(const std::string& staff_id, int count, std::int64_t locked_until_ms) {
    auto st = db_->prepare("INSERT INTO kiosk_staff_failures(staff_id, count, locked_until_ms) VALUES(?,?,?) "
                           "ON CONFLICT(staff_id) DO UPDATE SET count = excluded.count, "
                           "locked_until_ms = excluded.locked_until_ms");
    st.bind(1, staff_id).bind(2, count).bind(3, locked_until_ms);
    return st.run();
}

std::vector<PrintJobRecord> KioskStore::print_jobs(int limit) {
    std::vector<PrintJobRecord> out;
    auto st = db_->prepare("SELECT id, receipt, template, outcome, message, created_at FROM kiosk_print_jobs "
                           "ORDER BY id DESC LIMIT ?");
    st.bind(1, limit);
    while (st.step() == SQLITE_ROW)
        out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)});
    return out;
}

std::int64_t KioskStore::first_print_job(const std::string& receipt) {
    auto st = db_->prepare("SELECT id FROM kiosk_print_jobs WHERE receipt = ? AND reprint_of = 0 ORDER BY id DESC "
                           "LIMIT 1");
    st.bind(1, receipt);
    return st.step() == SQLITE_ROW ? st.integer(0) : 0;
}

std::optional<std::pair<std::string, std::string>> KioskStore::last_document(const std::string& receipt) {
    auto st = db_->prepare("SELECT template, document FROM kiosk_print_jobs WHERE receipt = ? ORDER BY id DESC "
                           "LIMIT 1");
    st.bind(1, receipt);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return std::make_pair(st.text(0), st.text(1));
}

DaySummary KioskStore::day_summary(CivilDate day) {
    DaySummary s;
    {
        auto st = db_->prepare("SELECT programme, status, count(*) FROM kiosk_applications WHERE day = ? GROUP BY "
                               "programme, status");
        st.bind(1, day.iso());
        while (st.step() == SQLITE_ROW) {
            auto n = static_cast<int>(st.integer(2));
            if (st.text(1) == "referral") s.referrals += n;
            else s.submitted_by_programme[st.text(0)] += n;
        }
    }
    {
        auto st = db_->prepare("SELECT programme, count(*) FROM kiosk_applications WHERE accepted_day = ? GROUP BY "
                               "programme");
        st.bind(1, day.iso());
        while (st.step() == SQLITE_ROW) s.accepted_by_programme[st.text(0)] = static_cast<int>(st.integer(1));
    }
    {
        auto st = db_->prepare("SELECT level, count(*) FROM kiosk_ratings WHERE day = ? GROUP BY level");
        st.bind(1, day.iso());
        while (st.step() == SQLITE_ROW) s.ratings_by_level[static_cast<int>(st.integer(0))] = static_cast<int>(st.integer(1));
    }
    {
        auto st = db_->prepare("SELECT count(*) FROM kiosk_complaints WHERE day = ?");
        st.bind(1, day.iso());
        if (st.step() == SQLITE_ROW) s.complaints = static_cast<int>(st.integer(0));
    }
    {
        auto st = db_->prepare("SELECT count(*) FROM kiosk_status_queries WHERE day = ?");
        st.bind(1, day.iso());
        if (st.step() == SQLITE_ROW) s.status_queries = static_cast<int>(st.integer(0));
    }
    return s;
}

std::vector<JournalLine> KioskStore::recent_events(int limit) {
    std::vector<JournalLine> out;
    auto st = db_->prepare("SELECT seq, type, wall_time, envelope, acknowledged, quarantined FROM journal_events "
                           "ORDER BY seq DESC LIMIT ?");
    st.bind(1, limit);
    while (st.step() == SQLITE_ROW) {
        JournalLine l{st.integer(0), st.text(1), st.text(2), "", "", st.integer(4) != 0, st.integer(5) != 0};
        auto env = nlohmann::json::parse(st.text(3), nullptr, false);
        if (env.is_object()) {
            auto actor = env.value("actor", nlohmann::json::object());
            std::string role = actor.is_object() ? actor.value("kind", "") : "";
            std::string id = actor.is_object() ? actor.value("id", "") : "";
            l.actor = id.empty() ? role : role + ":" + id;
            auto payload = env.value("payload", nlohmann::json::object());
            if (payload.is_object()) l.receipt_number = payload.value("receipt_number", "");
        }
        out.push_back(std::move(l));
    }
    return out;
}

std::optional<UtcMillis> KioskStore::last_acknowledged_ms() {
    auto st = db_->prepare("SELECT max(acknowledged_at) FROM journal_events WHERE acknowledged = 1");
    if (st.step() != SQLITE_ROW || st.is_null(0)) return std::nullopt;
    return st.integer(0);
}

}  // namespace yimen::kiosk
