// print_ctl_test.cpp — the kiosk's side of printing and maintenance: the print journal in the kiosk database (the
// paper end, reprints, the test page, a database from before the journal), kiosk-ctl on the database a real
// KioskApp wrote, and the TOML configuration both read.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app_fixture.hpp"
#include "kiosk/model/pin.hpp"
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "printer/virtual_printer.hpp"

using namespace yimen;
using namespace yimen::kiosk;
using kiosk_test::Fixture;

TEST_CASE("The TOML configuration is read and checked", "[kiosk][config]") {
    auto dir = kiosk_test::scratch_dir("config");
    {
        std::ofstream o(dir + "/k.toml");
        o << "[kiosk]\nid = \"230523101-02\"\nnumber = 2\ntownship_code = \"230523101\"\n"
             "[screen]\nwidth = 1080\nheight = 1920\norientation = \"landscape\"\n[idle]\nwarn_seconds = 45\n";
    }
    auto c = load_config_file(dir + "/k.toml");
    REQUIRE(c.ok());
    CHECK(c.value().kiosk_number == 2);
    CHECK(c.value().landscape());
    CHECK(c.value().idle_warn_seconds == 45);
    {
        std::ofstream o(dir + "/bad.toml");
        o << "[kiosk]\ntownship_code = \"12\"\n";
    }
    CHECK_FALSE(load_config_file(dir + "/bad.toml").ok());
}

// ---- the print journal ------------------------------------------------------------------------------------------------

TEST_CASE("Print journal - the driver journals into the kiosk database, outcome and receipt.printed commit together, "
          "a receipt cut off by the paper end is reprinted after a refill", "[kiosk][print]") {
    printer::VirtualPrinterOptions vo;
    vo.engine.paper = printer::PaperWidth::mm58;  // generic-58 reports the paper end by itself (no GS r wait)
    vo.engine.paper_out_after_lines = 12;         // the 申请回执 needs more
    auto vp = printer::VirtualPrinter::listen("127.0.0.1", 0, vo);
    REQUIRE(vp.ok());
    Fixture f("print-journal", "tcp://127.0.0.1:" + std::to_string((*vp)->port()), "generic-58");
    f.fill_dibao();
    auto& m = f.app->intake;
    m.commitment_at = m.authorisation_at = format_rfc3339(f.clock.now_utc_ms());
    f.app->intake_next();
    f.app->intake_next();  // review → submit → the receipt prints (on the print worker)
    f.app->settle(30000);
    REQUIRE_FALSE(m.receipt_number.empty());
    CHECK_FALSE(f.app->printing.ok);
    CHECK(f.app->printing.message.find("纸") != std::string::npos);

    // The driver's job is a row of the kiosk's own database, finished, with the event of the same outcome.
    KioskPrintJournal journal(std::move(KioskStore::open(f.cfg.db_path(), f.cfg.kiosk_id, f.clock)).value());
    auto failed = journal.failed_jobs();
    REQUIRE(failed.ok());
    REQUIRE(failed->size() == 1);
    const auto first = failed->front();
    CHECK(first.outcome == printer::Outcome::paper_empty);
    CHECK(first.finished_at.has_value());
    CHECK(first.printer.find("tcp://127.0.0.1:") == 0);
    CHECK(first.document.dump().find("测试甲") == std::string::npos);  // masked before it reached the printer
    auto printed = f.app->store().events().events_of_type(records::type::receipt_printed);
    REQUIRE(printed.size() == 1);
    CHECK(printed[0].payload["outcome"] == "paper_empty");
    CHECK(printed[0].payload["receipt_number"] == m.receipt_number);

    // Staff put in a new roll and reprint: nobody retypes anything; the reprint refers to the first attempt.
    (*vp)->refill();
    REQUIRE(f.app->store().upsert_staff({"2001", "测试员", hash_pin("1357", 1024)}).ok());
    f.app->go(Screen::staff);
    f.app->staff.staff_id.value = "2001";
    f.app->staff.pin.value = "1357";
    f.app->staff_login();
    f.app->settle();
    REQUIRE(f.app->staff.logged());
    f.app->staff.reprint_receipt.value = m.receipt_number;
    f.app->staff_reprint();
    f.app->settle(30000);
    CHECK(f.app->printing.ok);
    auto again = journal.failed_jobs();
    REQUIRE(again.ok());
    CHECK(again->empty());
    auto jobs = f.app->store().print_jobs();
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].outcome == "printed");
    auto reprint = journal.job(jobs[0].id);
    REQUIRE(reprint.ok());
    CHECK(reprint->reprint_of == first.id);
    printed = f.app->store().events().events_of_type(records::type::receipt_printed);
    REQUIRE(printed.size() == 2);
    CHECK(printed[1].payload["outcome"] == "printed");
    CHECK((*vp)->jobs().size() == 2);
    // The reprint is the same 申请回执 from the same template, now marked 补打.
    CHECK(reprint->template_name == "intake");
    CHECK(reprint->document.dump().find("（补打）") != std::string::npos);
    CHECK(first.document.dump().find("（补打）") == std::string::npos);
    CHECK((*vp)->errors().empty());  // nothing the printer did not understand
}

TEST_CASE("The printer test page is printer/'s testpage template with the profile in use", "[kiosk][print]") {
    Fixture f("test-page");
    f.app->staff_test_page();
    f.app->settle();
    CHECK(f.app->printing.ok);
    auto jobs = f.app->store().print_jobs();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].template_name == "testpage");
    KioskPrintJournal journal(std::move(KioskStore::open(f.cfg.db_path(), f.cfg.kiosk_id, f.clock)).value());
    auto job = journal.job(jobs[0].id);
    REQUIRE(job.ok());
    CHECK(job->template_name == "testpage");
    CHECK(job->document.dump().find("generic-80") != std::string::npos);  // the profile's own keys, filled by the printer
}

TEST_CASE("Print journal - a kiosk database from before the driver journal gains its columns and keeps its jobs", "[kiosk][print]") {
    const std::string dir = kiosk_test::scratch_dir("print-journal-migrate");
    {
        auto db = sqlite::Database::open(dir + "/kiosk.db");
        REQUIRE(db.ok());
        REQUIRE((*db)->exec("CREATE TABLE kiosk_print_jobs(id INTEGER PRIMARY KEY, receipt TEXT NOT NULL, template TEXT "
                            "NOT NULL, outcome TEXT NOT NULL, message TEXT NOT NULL, document TEXT NOT NULL, created_at "
                            "TEXT NOT NULL DEFAULT 'x');"
                            "INSERT INTO kiosk_print_jobs(receipt, template, outcome, message, document) "
                            "VALUES('r1', 'intake', 'paper_empty', '缺纸', '{}');")
                    .ok());
    }
    FixedClock clock(kiosk_test::test_now());
    auto store = KioskStore::open(dir + "/kiosk.db", "230523100-01", clock);
    REQUIRE(store.ok());
    KioskPrintJournal journal(std::move(store).value());
    auto failed = journal.failed_jobs();
    REQUIRE(failed.ok());
    REQUIRE(failed->size() == 1);
    CHECK(failed->front().outcome == printer::Outcome::paper_empty);
}

// ---- kiosk-ctl ---------------------------------------------------------------------------------------------------------

namespace {

std::pair<int, std::string> kiosk_ctl(const std::string& args) { return kiosk_test::run_kiosk_ctl(args); }

}  // namespace

TEST_CASE("kiosk-ctl reads the kiosk's own database: status, journal tail masked, reprint, test page",
          "[kiosk][ctl]") {
    Fixture f("kiosk-ctl");
    f.fill_dibao();
    auto& m = f.app->intake;
    m.commitment_at = m.authorisation_at = format_rfc3339(f.clock.now_utc_ms());
    f.app->intake_next();
    f.app->intake_next();
    f.app->settle(30000);
    REQUIRE_FALSE(m.receipt_number.empty());
    const std::string number = m.receipt_number;
    const std::string args = "--demo " + f.dir + " --lang en ";

    auto [st_code, st] = kiosk_ctl(args + "status");
    CHECK(st_code == 0);
    CHECK(st.find(f.cfg.kiosk_id) != std::string::npos);
    CHECK(st.find("waiting for the county") != std::string::npos);  // English, from the string table
    CHECK(st.find("intake") != std::string::npos);                   // the last job's template

    auto [tail_code, tail] = kiosk_ctl(args + "journal tail 5");
    CHECK(tail_code == 0);
    CHECK(tail.find("application.submitted") != std::string::npos);
    CHECK(tail.find(number) != std::string::npos);
    // Masked: the applicant's name, ID number and phone never leave the database.
    CHECK(tail.find("测试甲") == std::string::npos);
    CHECK(tail.find("230523199001010012") == std::string::npos);
    CHECK(tail.find("13800001111") == std::string::npos);

    auto before = f.app->store().print_jobs(10).size();
    auto [re_code, re] = kiosk_ctl(args + "reprint " + number);
    INFO(re);
    CHECK(re_code == 0);
    auto jobs = f.app->store().print_jobs(10);
    REQUIRE(jobs.size() == before + 1);
    CHECK(jobs[0].receipt_number == number);
    auto doc = f.app->store().last_document(number);
    REQUIRE(doc);
    CHECK(doc->second.find("\"reprint\":true") != std::string::npos);  // journalled as a reprint: the template prints 补打

    auto [unknown_code, unknown] = kiosk_ctl(args + "reprint 11000126111700074");
    CHECK(unknown_code == 1);
    CHECK(unknown.find("no print record") != std::string::npos);

    auto [page_code, page] = kiosk_ctl(args + "print-test-page");
    CHECK(page_code == 0);
    CHECK(f.app->store().print_jobs(10).size() == before + 2);
}
