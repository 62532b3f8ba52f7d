// print_journal.hpp — the kiosk's print journal: printer/'s PrintJournal on the kiosk's own database, so a job's
// outcome and its `receipt.printed` event commit in one transaction (a crash leaves both or neither), and a receipt
// that did not print is still listed for staff after a restart.
//
// It runs on the print worker with its own connection to the kiosk database (WAL; writers take turns through
// BEGIN IMMEDIATE), never on the main thread's connection. One job at a time: begin() names the kiosk receipt the
// driver's next job_queued() belongs to.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "kiosk/model/receipt_document.hpp"
#include "kiosk/model/store.hpp"
#include "printer/printer.hpp"

namespace yimen::kiosk {

class KioskPrintJournal final : public printer::PrintJournal {
public:
    explicit KioskPrintJournal(std::unique_ptr<KioskStore> store) : store_(std::move(store)) {}

    // The kiosk document the next job prints (its receipt number and template go into the journal row and the
    // event; the masked document is kept for a reprint). `reprint_of`: the earlier job of the same receipt, or 0.
    void begin(const ReceiptDocument& doc, std::int64_t reprint_of = 0);
    // The id of the job begun last (0 before job_queued).
    std::int64_t current_job() const { return current_id_; }

    Result<std::int64_t> job_queued(const printer::JobRecord& job) override;
    // Outcome, message and `receipt.printed` in one transaction.
    Status job_finished(std::int64_t id, printer::Outcome outcome, printer::TimePoint at) override;
    Result<printer::JobRecord> job(std::int64_t id) override;
    Result<std::vector<printer::JobRecord>> failed_jobs() override;

    KioskStore& store() { return *store_; }

private:
    std::unique_ptr<KioskStore> store_;
    std::optional<ReceiptDocument> doc_;
    std::int64_t reprint_of_ = 0;
    std::int64_t current_id_ = 0;
};

}  // namespace yimen::kiosk
