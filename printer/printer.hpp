// printer.hpp — the printer as the kiosk sees it: print a templated receipt, learn the outcome in plain Chinese
// (for the screen and for staff), journal every job, reprint a failed one after the problem is fixed.
// A job counts as printed only when the printer answered `GS r 1`, which it does after everything before it has
// printed (DLE EOT answers at once and acknowledges nothing; a printer out of paper never answers GS r).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "printer/document.hpp"
#include "printer/profile.hpp"
#include "printer/transport.hpp"

namespace yimen::printer {

enum class Outcome { printed, paper_near_end, paper_empty, cover_open, offline, timed_out, bad_document };

const char* to_string(Outcome o);                // stable code stored in journals: "printed", "paper_empty", …
std::optional<Outcome> outcome_from_string(const std::string& s);
inline bool is_printed(Outcome o) { return o == Outcome::printed || o == Outcome::paper_near_end; }
std::string screen_message(Outcome o);           // for the resident
std::string staff_message(Outcome o);            // for hall staff: what to fix

struct PrintRequest {
    std::string template_name;                   // e.g. "intake"; see assets/receipts/README.md for the data keys
    nlohmann::json data;                         // names and IDs already masked by the caller
    std::optional<PaperWidth> paper;             // default: the profile's
    std::optional<Mode> mode;                    // default: the profile's preferred mode
};

struct PrintResult {
    Outcome outcome = Outcome::offline;
    std::string screen_message;
    std::string staff_message;
    std::int64_t job_id = 0;                     // in the journal
    std::string detail;                          // technical detail for logs (never personal data)
    bool printed() const { return is_printed(outcome); }
};

struct PrinterStatus {
    bool answered = false;  // false: no reply to DLE EOT within the status timeout
    bool offline = false;
    bool paper_empty = false;
    bool paper_near_end = false;
    bool cover_open = false;
    Outcome summary() const;  // printed = ready
};

using TimePoint = std::chrono::system_clock::time_point;

struct JobRecord {
    std::int64_t id = 0;
    std::string template_name;
    nlohmann::json document;                     // the filled Document (to_json), kept for a reprint
    PaperWidth paper = PaperWidth::mm80;
    Mode mode = Mode::text;
    std::string printer;                         // URI
    std::int64_t reprint_of = 0;                 // the first attempt's id, 0 for a first attempt
    TimePoint queued_at{};
    std::optional<TimePoint> finished_at;
    std::optional<Outcome> outcome;              // empty while the job runs (or if the process died)
};

// Where jobs are recorded. The kiosk implements this on its own database so the print outcome and its
// `receipt.printed` event commit together; printer/ ships SqlitePrintJournal for its tools and tests.
class PrintJournal {
public:
    virtual ~PrintJournal() = default;
    virtual Result<std::int64_t> job_queued(const JobRecord& job) = 0;  // returns the new id
    virtual Status job_finished(std::int64_t id, Outcome outcome, TimePoint at) = 0;
    virtual Result<JobRecord> job(std::int64_t id) = 0;
    // First attempts that did not print and have no printed reprint yet, oldest first.
    virtual Result<std::vector<JobRecord>> failed_jobs() = 0;
};

struct PrinterOptions {
    Timeouts timeouts;
    FontConfig font;
    std::string assets_dir = default_assets_dir();
    // Test hook: called with (index) when band/line `index` has been produced, before it is written.
    std::function<void(int)> on_produced;
};

class Printer {
public:
    static Result<std::unique_ptr<Printer>> open(const std::string& uri, const PrinterProfile& profile,
                                                 PrinterOptions options);
    static Result<std::unique_ptr<Printer>> open(const std::string& uri, const PrinterProfile& profile,
                                                 Timeouts timeouts);
    static Result<std::unique_ptr<Printer>> open(const std::string& uri, const PrinterProfile& profile) {
        return open(uri, profile, PrinterOptions{});
    }
    PrintResult print(const PrintRequest& request, PrintJournal& journal);
    // Prints a journalled job's stored document again (after a paper refill, say): nobody retypes anything.
    PrintResult reprint(std::int64_t job_id, PrintJournal& journal);
    PrinterStatus status();
    const PrinterProfile& profile() const { return profile_; }

private:
    Printer(std::string uri, PrinterProfile profile, PrinterOptions options);
    PrintResult run(const JobRecord& job, PrintJournal& journal);
    PrintResult attempt(const Document& doc, PaperWidth paper, Mode mode);

    std::string uri_;
    PrinterProfile profile_;
    PrinterOptions opt_;
};

// Status over an open transport (DLE EOT 1–4), skipping automatic-status-back packets.
PrinterStatus query_status(Transport& t, int timeout_ms);

std::string rfc3339(TimePoint t);

}  // namespace yimen::printer
