// print_journal.cpp — see print_journal.hpp.
#include "kiosk/model/print_journal.hpp"

#include "policy/records.hpp"

namespace yimen::kiosk {
namespace {

std::int64_t to_ms(printer::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
printer::TimePoint from_ms(std::int64_t ms) { return printer::TimePoint(std::chrono::milliseconds(ms)); }

constexpr const char* kColumns =
    "SELECT id, printer_template, printer_document, paper, mode, printer, reprint_of, queued_at_ms, finished_at_ms, "
    "outcome FROM kiosk_print_jobs ";

Result<std::vector<printer::JobRecord>> query(sqlite::Database& db, const std::string& sql, std::int64_t arg,
                                              bool bind) {
    auto st = db.prepare(sql);
    if (bind) st.bind(1, arg);
    std::vector<printer::JobRecord> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        printer::JobRecord j;
        j.id = st.integer(0);
        j.template_name = st.text(1);
        j.document = nlohmann::json::parse(st.text(2), nullptr, false);
        j.paper = st.text(3) == "58" ? printer::PaperWidth::mm58 : printer::PaperWidth::mm80;
        j.mode = st.text(4) == "raster" ? printer::Mode::raster : printer::Mode::text;
        j.printer = st.text(5);
        j.reprint_of = st.integer(6);
        j.queued_at = from_ms(st.integer(7));
        if (st.integer(8) > 0) j.finished_at = from_ms(st.integer(8));
        if (!st.text(9).empty()) j.outcome = printer::outcome_from_string(st.text(9));
        out.push_back(std::move(j));
    }
    if (rc != SQLITE_DONE) return Error{"journal", "the print journal could not be read"};
    return out;
}

}  // namespace

void KioskPrintJournal::begin(const ReceiptDocument& doc, std::int64_t reprint_of) {
    doc_ = doc;
    reprint_of_ = reprint_of;
    current_id_ = 0;
}

Result<std::int64_t> KioskPrintJournal::job_queued(const printer::JobRecord& job) {
    const ReceiptDocument doc = doc_.value_or(ReceiptDocument{});
    auto tx = store_->begin();
    if (!tx) return tx.error();
    // outcome '' while the job runs: a row left so by a crash is a receipt nobody knows was printed.
    auto st = tx.value()->db().prepare(
        "INSERT INTO kiosk_print_jobs(receipt, template, outcome, message, document, printer_template, "
        "printer_document, paper, mode, printer, reprint_of, queued_at_ms) VALUES(?,?,'','',?,?,?,?,?,?,?,?)");
    st.bind(1, doc.receipt_number).bind(2, doc.template_name).bind(3, doc.to_json().dump());
    st.bind(4, job.template_name).bind(5, job.document.dump()).bind(6, printer::to_string(job.paper));
    st.bind(7, printer::to_string(job.mode)).bind(8, job.printer);
    st.bind(9, job.reprint_of ? job.reprint_of : reprint_of_).bind(10, to_ms(job.queued_at));
    if (auto r = st.run(); !r) return r.error();
    const auto id = static_cast<std::int64_t>(sqlite3_last_insert_rowid(tx.value()->db().raw()));
    if (auto c = tx.value()->commit(); !c) return c.error();
    current_id_ = id;
    return id;
}

Status KioskPrintJournal::job_finished(std::int64_t id, printer::Outcome outcome, printer::TimePoint at) {
    auto tx = store_->begin();
    if (!tx) return tx.error();
    auto& db = tx.value()->db();
    std::string receipt, template_name;
    {
        auto st = db.prepare("SELECT receipt, template FROM kiosk_print_jobs WHERE id = ?");
        st.bind(1, id);
        if (st.step() != SQLITE_ROW) return Error{"not_found", "no such print job"};
        receipt = st.text(0);
        template_name = st.text(1);
    }
    {
        auto st = db.prepare("UPDATE kiosk_print_jobs SET outcome = ?, message = ?, finished_at_ms = ? WHERE id = ?");
        st.bind(1, printer::to_string(outcome)).bind(2, printer::screen_message(outcome)).bind(3, to_ms(at)).bind(4, id);
        if (auto r = st.run(); !r) return r;
    }
    if (!receipt.empty()) {
        records::ReceiptPrinted p{receipt, template_name, printer::to_string(outcome)};
        auto e = store_->events().append(*tx.value(), records::type::receipt_printed, {"system", ""}, nlohmann::json(p));
        if (!e) return e.error();
    }
    return tx.value()->commit();
}

Result<printer::JobRecord> KioskPrintJournal::job(std::int64_t id) {
    auto r = query(store_->db(), std::string(kColumns) + "WHERE id = ?", id, true);
    if (!r) return r.error();
    if (r->empty()) return Error{"not_found", "no such print job"};
    return r->front();
}

Result<std::vector<printer::JobRecord>> KioskPrintJournal::failed_jobs() {
    return query(store_->db(),
                 std::string(kColumns) +
                     "j WHERE reprint_of = 0 AND outcome NOT IN ('printed','paper_near_end','bad_document')"
                     " AND NOT EXISTS (SELECT 1 FROM kiosk_print_jobs r WHERE r.reprint_of = j.id"
                     " AND r.outcome IN ('printed','paper_near_end')) ORDER BY id",
                 0, false);
}

}  // namespace yimen::kiosk
