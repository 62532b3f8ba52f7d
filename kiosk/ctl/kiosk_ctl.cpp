// kiosk_ctl.cpp — kiosk-ctl: the kiosk core without a screen, for hall staff and maintainers over SSH. It reads the
// same TOML as hall-kiosk (or a --demo directory) and works on the same database beside a running kiosk (WAL):
//   status              kiosk id, events waiting for the county, last acknowledgement, printer and its last job,
//                       the policy content in force (signed bundle or shipped, and why) and pulled configuration
//   journal tail [N]    the last N print jobs and journal events (receipt numbers only, never personal data)
//   reprint RECEIPT     the last printed copy of a receipt again, marked as a reprint, journaled as one
//   print-test-page     a test page through the configured printer
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "kiosk/ctl/ctl_speech.hpp"
#include "kiosk/devices/receipt_printer.hpp"
#include "kiosk/model/i18n.hpp"
#include "kiosk/model/policy_source.hpp"
#include "kiosk/model/print_service.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/store.hpp"
#include "policy/policy_data.hpp"
#include "policy/receipt_number.hpp"

namespace {

using namespace yimen;
using namespace yimen::kiosk;

const char* kUsage =
    "usage: kiosk-ctl (--config FILE | --demo DIR) [--printer URI] [--assets DIR] [--lang zh-CN|en] COMMAND\n"
    "commands:\n"
    "  status              kiosk id, events waiting for the county, last sync, printer state, policy in force\n"
    "  journal tail [N]    the last N print jobs and journal events (default 10; masked)\n"
    "  reprint RECEIPT     print the last copy of a receipt again, marked as a reprint\n"
    "  print-test-page     print a test page\n"
    "  speech-text TEXT    what read-aloud says for TEXT (needs no --config or --demo)\n"
    "  idcard read --port DEVICE [--json]   read the ID card on a reader (no configuration needed)\n";

std::string when(const I18n& t, std::optional<UtcMillis> ms) {
    return ms ? format_rfc3339(*ms) : t.tr("ctl.never");
}

int status(const I18n& t, const KioskConfig& cfg, KioskStore& store, PrintService& printing) {
    auto counts = store.events().counts();
    std::cout << t.tr("ctl.kiosk") << "  " << cfg.kiosk_id << "\n";
    std::cout << t.tr("ctl.events") << "  "
              << t.fmt("ctl.events_text", {std::to_string(counts.total), std::to_string(counts.unacknowledged),
                                           std::to_string(counts.quarantined)})
              << "\n";
    std::cout << t.tr("ctl.oldest_unsent") << "  " << when(t, counts.oldest_unsent_wall_ms) << "\n";
    std::cout << t.tr("ctl.last_sync") << "  " << when(t, store.last_acknowledged_ms()) << "\n";
    std::cout << t.tr("ctl.printer") << "  " << printing.describe() << "\n";
    // What the running kiosk put in force at its last start, and a bundle installed since (next start).
    const auto in_force = read_in_force(cfg);
    std::cout << t.tr("ctl.policy") << "  "
              << (in_force ? describe_policy_source(t, in_force->source) : t.tr("ctl.policy_unknown")) << "\n";
    const auto installed = installed_bundle_version(cfg);
    if (!installed.empty() && in_force && installed != in_force->source.version &&
        installed != in_force->source.refused_version)
        std::cout << t.tr("ctl.pending") << "  " << t.fmt("policy.pending", {installed}) << "\n";
    std::string keys;
    if (in_force)
        for (auto& k : in_force->config_keys) keys += (keys.empty() ? "" : ", ") + k;
    std::cout << t.tr("ctl.config") << "  " << (keys.empty() ? t.tr("ctl.config_none") : keys) << "\n";
    auto jobs = store.print_jobs(1);
    std::cout << t.tr("ctl.last_job") << "  ";
    if (jobs.empty()) std::cout << t.tr("ctl.no_jobs") << "\n";
    else
        std::cout << jobs[0].created_at << " " << jobs[0].template_name << " "
                  << (jobs[0].outcome.empty() ? t.tr("ctl.unfinished") : jobs[0].outcome) << "\n";
    return 0;
}

int journal_tail(const I18n& t, KioskStore& store, int n) {
    std::cout << t.tr("ctl.prints_header") << "\n";
    for (auto& j : store.print_jobs(n))
        std::cout << "  #" << j.id << "  " << j.created_at << "  " << j.template_name << "  "
                  << (j.receipt_number.empty() ? "-" : j.receipt_number) << "  "
                  << (j.outcome.empty() ? t.tr("ctl.unfinished") : j.outcome) << "\n";
    std::cout << t.tr("ctl.events_header") << "\n";
    for (auto& e : store.recent_events(n))
        std::cout << "  " << e.seq << "  " << e.wall_time << "  " << e.type << "  " << e.actor << "  "
                  << (e.receipt_number.empty() ? "-" : e.receipt_number) << "  "
                  << (e.quarantined ? t.tr("ctl.quarantined") : e.acknowledged ? t.tr("ctl.acked") : t.tr("ctl.unsent"))
                  << "\n";
    return 0;
}

int report(const I18n& t, const PrintOutcome& out) {
    std::string msg = out.message.rfind("print.err_", 0) == 0 ? t.tr(out.message) : t.error("print", {out.outcome, out.message});
    std::cout << out.outcome << (msg.empty() ? "" : "  " + msg) << (out.artifact.empty() ? "" : "  " + out.artifact)
              << "\n";
    return out.ok() ? 0 : 1;
}

}  // namespace

namespace yimen::kiosk {
int run_idcard(const std::vector<std::string>& words);  // ctl_idcard.cpp
}

int main(int argc, char** argv) {
    // The card reader check needs no configuration: its words go to it before the config options are parsed.
    if (argc > 1 && std::string(argv[1]) == "idcard")
        return yimen::kiosk::run_idcard(std::vector<std::string>(argv + 2, argv + argc));
    ConfigArgs args;
    std::string lang = "zh-CN";
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        }
        std::string* dest = a == "--lang" ? &lang : args.value_for(a);
        if (dest) {
            if (i + 1 >= argc) {
                std::cerr << kUsage;
                return 2;
            }
            *dest = argv[++i];
        } else {
            words.push_back(a);
        }
    }
    if (!words.empty() && words[0] == "speech-text") return run_speech_text(words);
    if (!args.one_source() || words.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    auto loaded = load_kiosk_config(args);
    if (!loaded) {
        std::cerr << "kiosk-ctl: " << loaded.error().message << "\n";
        return 2;
    }
    KioskConfig cfg = std::move(loaded).value();
    auto dir = resolve_assets_dir(cfg.assets_dir);
    auto tables = I18n::load(dir);
    if (!tables) {
        std::cerr << "kiosk-ctl: " << tables.error().message << "\n";
        return 2;
    }
    I18n t = std::move(tables).value();
    t.set_language(lang);
    // The same content and configuration the kiosk uses: pulled configuration over the file, the installed signed
    // bundle or the shipped assets.
    (void)apply_stored_pulled_config(cfg);
    auto data = load_policy(cfg, dir);
    if (!data) {
        std::cerr << "kiosk-ctl: " << data.error().message << "\n";
        return 2;
    }
    SystemClock clock;
    auto opened = KioskStore::open(cfg.db_path(), cfg.kiosk_id, clock);
    if (!opened) {
        std::cerr << "kiosk-ctl: " << opened.error().message << "\n";
        return 1;
    }
    auto& store = *opened.value();
    auto printer = open_receipt_printer(cfg.printer_uri, cfg.printer_profile);
    PrintService printing(cfg, clock, *printer);

    const std::string& cmd = words[0];
    if (cmd == "status" && words.size() == 1) return status(t, cfg, store, printing);
    if (cmd == "journal" && words.size() >= 2 && words.size() <= 3 && words[1] == "tail") {
        int n = 10;
        if (words.size() == 3) {
            try {
                n = std::stoi(words[2]);
            } catch (const std::exception&) {
                n = -1;
            }
        }
        if (n <= 0) {
            std::cerr << kUsage;
            return 2;
        }
        return journal_tail(t, store, n);
    }
    if (cmd == "reprint" && words.size() == 2) {
        auto rn = parse_receipt_number(words[1]);
        if (!rn) {
            std::cerr << "kiosk-ctl: " << t.tr("staff.err_bad_receipt") << "\n";
            return 2;
        }
        auto again = PrintService::reprint_of(store, rn.value().text);
        if (!again) {
            std::cerr << "kiosk-ctl: " << t.tr("staff.err_no_print") << "\n";
            return 1;
        }
        return report(t, printing.print(again.value().doc, again.value().reprint_of));
    }
    if (cmd == "print-test-page" && words.size() == 1)
        return report(t, printing.print(test_page(ReceiptContext{cfg, data.value().data, clock})));
    std::cerr << kUsage;
    return 2;
}
