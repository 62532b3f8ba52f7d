// test_faults.cpp — paper out mid-job and the reprint after a refill, paper near end, cover open, a printer that
// never answers, a printer that is gone or hangs up, and the SQLite journal that remembers all of it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "printer/printer.hpp"
#include "printer/sqlite_journal.hpp"
#include "printer/templates.hpp"
#include "printer/virtual_printer.hpp"
#include "test_support.hpp"

using namespace yimen::printer;
using namespace yimen::printer::test;

namespace {

std::unique_ptr<VirtualPrinter> start_vp(EngineOptions eo) {
    VirtualPrinterOptions o;
    o.engine = eo;
    auto vp = VirtualPrinter::listen("127.0.0.1", 0, o);
    REQUIRE(vp.ok());
    return std::move(vp).value();
}

PrinterOptions short_timeouts() {
    PrinterOptions o;
    o.timeouts.connect_ms = 1000;
    o.timeouts.status_ms = 300;
    o.timeouts.write_ms = 1000;
    o.timeouts.ack_ms = 1500;
    return o;
}

PrintRequest intake(PaperWidth paper, Mode mode) {
    PrintRequest r;
    r.template_name = "intake";
    auto data = load_sample(assets(), "intake");
    REQUIRE(data.ok());
    r.data = *data;
    r.paper = paper;
    r.mode = mode;
    return r;
}

std::string uri_of(const VirtualPrinter& vp) { return "tcp://127.0.0.1:" + std::to_string(vp.port()); }

}  // namespace

TEST_CASE("Paper runs out mid-job, the journal keeps it, and the reprint after a refill is complete", "[printer][faults]") {
    struct Case {
        const char* profile;
        PaperWidth paper;
        Mode mode;
    };
    // generic-80 learns of the paper end when GS r stays unanswered; generic-58 from automatic status back.
    for (Case c : {Case{"generic-80", PaperWidth::mm80, Mode::raster}, Case{"generic-58", PaperWidth::mm58, Mode::text}}) {
        INFO(c.profile);
        const std::string db = temp_dir("journal") + "/print.db";
        EngineOptions eo;
        eo.paper = c.paper;
        eo.paper_out_after_lines = 25;  // the intake receipt needs about 50
        auto vp = start_vp(eo);
        auto printer = Printer::open(uri_of(*vp), profile(c.profile), short_timeouts());
        REQUIRE(printer.ok());
        auto journal = SqlitePrintJournal::open(db);
        REQUIRE(journal.ok());

        const PrintResult r = (*printer)->print(intake(c.paper, c.mode), **journal);
        CHECK(r.outcome == Outcome::paper_empty);
        CHECK_FALSE(r.printed());
        if (profile(c.profile).auto_status_back) CHECK(r.detail == "自动状态回报");  // learnt without waiting for GS r
        CHECK(r.screen_message.find("不用重新填写") != std::string::npos);
        CHECK(r.staff_message.find("纸") != std::string::npos);
        REQUIRE(vp->jobs().size() == 1);  // what came out before the paper ended
        const Bitmap preview = render_layout(layout_document(sample_document("intake"), c.paper), font());
        CHECK(vp->jobs().back().height < preview.height);

        auto failed = (*journal)->failed_jobs();
        REQUIRE(failed.ok());
        REQUIRE(failed->size() == 1);
        CHECK(failed->front().id == r.job_id);
        CHECK(failed->front().outcome == Outcome::paper_empty);
        CHECK(failed->front().finished_at.has_value());

        // While the paper is out the printer says so, and a new job is refused before it is sent.
        CHECK((*printer)->status().paper_empty);
        CHECK((*printer)->reprint(r.job_id, **journal).outcome == Outcome::paper_empty);

        vp->refill();
        // The journal survives a restart of the process: reopen it.
        journal.value().reset();
        auto reopened = SqlitePrintJournal::open(db);
        REQUIRE(reopened.ok());
        auto still = (*reopened)->failed_jobs();
        REQUIRE(still.ok());
        REQUIRE(still->size() == 1);
        const PrintResult again = (*printer)->reprint(still->front().id, **reopened);
        CHECK(again.outcome == Outcome::printed);
        CHECK(diff_dots(vp->jobs().back(), preview) == 0);  // the resident's whole receipt
        auto none = (*reopened)->failed_jobs();
        REQUIRE(none.ok());
        CHECK(none->empty());
        auto all = (*reopened)->all_jobs();
        REQUIRE(all.ok());
        REQUIRE(all->size() == 3);
        CHECK(all->back().reprint_of == r.job_id);
        std::filesystem::remove_all(std::filesystem::path(db).parent_path());
    }
}

TEST_CASE("Paper near end still prints and tells staff", "[printer][faults]") {
    EngineOptions eo;
    eo.near_end_after_lines = 5;
    auto vp = start_vp(eo);
    auto printer = Printer::open(uri_of(*vp), profile("generic-80"), short_timeouts());
    REQUIRE(printer.ok());
    auto journal = SqlitePrintJournal::open(":memory:");
    REQUIRE(journal.ok());
    const PrintResult r = (*printer)->print(intake(PaperWidth::mm80, Mode::text), **journal);
    CHECK(r.outcome == Outcome::paper_near_end);
    CHECK(r.printed());
    CHECK(r.staff_message.find("快用完") != std::string::npos);
    auto failed = (*journal)->failed_jobs();
    REQUIRE(failed.ok());
    CHECK(failed->empty());
}

TEST_CASE("Cover open: nothing is sent and the outcome says so", "[printer][faults]") {
    EngineOptions eo;
    eo.cover_open = true;
    auto vp = start_vp(eo);
    auto printer = Printer::open(uri_of(*vp), profile("generic-80"), short_timeouts());
    REQUIRE(printer.ok());
    auto journal = SqlitePrintJournal::open(":memory:");
    REQUIRE(journal.ok());
    const PrintResult r = (*printer)->print(intake(PaperWidth::mm80, Mode::text), **journal);
    CHECK(r.outcome == Outcome::cover_open);
    CHECK(vp->jobs().empty());
    vp->set_cover_open(false);
    CHECK((*printer)->reprint(r.job_id, **journal).outcome == Outcome::printed);
}

TEST_CASE("A printer that never answers is reported within the timeout", "[printer][faults]") {
    EngineOptions eo;
    eo.no_status = true;
    auto vp = start_vp(eo);
    auto printer = Printer::open(uri_of(*vp), profile("generic-80"), short_timeouts());
    REQUIRE(printer.ok());
    auto journal = SqlitePrintJournal::open(":memory:");
    REQUIRE(journal.ok());
    const PrintResult r = (*printer)->print(intake(PaperWidth::mm80, Mode::text), **journal);
    CHECK(r.outcome == Outcome::offline);
    CHECK_FALSE(r.screen_message.empty());
    CHECK_FALSE((*printer)->status().answered);
    auto failed = (*journal)->failed_jobs();
    REQUIRE(failed.ok());
    CHECK(failed->size() == 1);
}

TEST_CASE("A printer that is gone or hangs up gives a clear outcome", "[printer][faults]") {
    auto journal = SqlitePrintJournal::open(":memory:");
    REQUIRE(journal.ok());
    // A port nobody listens on: bind one, read its number, close it.
    int closed_port = 0;
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        closed_port = ntohs(a.sin_port);
        ::close(fd);
    }
    auto gone = Printer::open("tcp://127.0.0.1:" + std::to_string(closed_port), profile("generic-80"), short_timeouts());
    REQUIRE(gone.ok());
    const PrintResult r1 = (*gone)->print(intake(PaperWidth::mm80, Mode::text), **journal);
    CHECK(r1.outcome == Outcome::offline);
    CHECK(r1.staff_message.find("电源") != std::string::npos);

    // A listener that accepts and hangs up at once.
    const int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(lfd, 2) == 0);
    socklen_t len = sizeof a;
    getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
    std::thread hangup([lfd] {
        const int c = ::accept(lfd, nullptr, nullptr);
        if (c >= 0) ::close(c);
    });
    auto rude = Printer::open("tcp://127.0.0.1:" + std::to_string(ntohs(a.sin_port)), profile("generic-80"), short_timeouts());
    REQUIRE(rude.ok());
    const PrintResult r2 = (*rude)->print(intake(PaperWidth::mm80, Mode::text), **journal);
    hangup.join();
    ::close(lfd);
    CHECK(r2.outcome == Outcome::offline);

    auto bad = Printer::open("lpt1", profile("generic-80"), short_timeouts());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("tcp://") != std::string::npos);

    auto failed = (*journal)->failed_jobs();
    REQUIRE(failed.ok());
    CHECK(failed->size() == 2);
}

TEST_CASE("Bad template data is journalled as bad_document and never sent", "[printer][faults]") {
    EngineOptions eo;
    auto vp = start_vp(eo);
    auto printer = Printer::open(uri_of(*vp), profile("generic-80"), short_timeouts());
    REQUIRE(printer.ok());
    auto journal = SqlitePrintJournal::open(":memory:");
    REQUIRE(journal.ok());
    PrintRequest r = intake(PaperWidth::mm80, Mode::text);
    r.data.erase("receipt_number");
    const PrintResult res = (*printer)->print(r, **journal);
    CHECK(res.outcome == Outcome::bad_document);
    CHECK(vp->connections() == 0);
    auto all = (*journal)->all_jobs();
    REQUIRE(all.ok());
    REQUIRE(all->size() == 1);
    CHECK(all->front().outcome == Outcome::bad_document);
}
