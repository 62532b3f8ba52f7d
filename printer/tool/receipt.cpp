// receipt — render, print and check receipts from the command line (the demo, staff troubleshooting, tests).
//   receipt templates
//   receipt render --template intake --data FILE.json --paper 80 --out FILE.png [--escpos FILE.bin] [--mode raster|text]
//   receipt print  --printer URI --template intake --data FILE.json   (exit 0 only when the printer acknowledged)
//   receipt status --printer URI
//   receipt failed --journal FILE.db | receipt reprint --printer URI --journal FILE.db --job ID
// GCC 12 at -O2 sees a false null dereference inside CLI11's string splitting.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <fstream>
#include <iostream>

#include "printer/escpos.hpp"
#include "printer/layout.hpp"
#include "printer/printer.hpp"
#include "printer/sqlite_journal.hpp"
#include "printer/templates.hpp"

using namespace yimen;
using namespace yimen::printer;

namespace {

int fail(const std::string& message, int code = 1) {
    std::cerr << message << "\n";
    return code;
}

Result<nlohmann::json> read_data(const std::string& assets, const std::string& tmpl, const std::string& path) {
    if (path.empty()) return load_sample(assets, tmpl);
    std::ifstream in(path);
    if (!in) return Error{"no_data", "打不开数据文件 " + path + "，请检查路径。"};
    try {
        nlohmann::json j;
        in >> j;
        return j;
    } catch (const std::exception&) {
        return Error{"bad_data", "数据文件 " + path + " 不是有效的 JSON，请改正。"};
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"receipt: 回执的预览、打印与打印机状态"};
    app.require_subcommand(1);
    std::string assets = default_assets_dir();
    FontConfig font;
    std::string profile_name;
    app.add_option("--assets", assets, "assets/ 目录");
    app.add_option("--font", font.path, "中文字体文件（.ttc/.otf）");
    app.add_option("--font-index", font.face_index, "字体集合中的序号（Noto Sans CJK SC = 2）");

    auto* cmd_templates = app.add_subcommand("templates", "列出回执模板");

    std::string tmpl, data_path, out_png, out_bin, paper_s = "80", mode_s = "raster";
    auto* cmd_render = app.add_subcommand("render", "把回执画成 PNG（和可选的 ESC/POS 字节）");
    cmd_render->add_option("--template", tmpl, "模板名（receipt templates）")->required();
    cmd_render->add_option("--data", data_path, "数据 JSON（缺省用样例数据）");
    cmd_render->add_option("--paper", paper_s, "纸宽 58 或 80");
    cmd_render->add_option("--out", out_png, "PNG 输出文件")->required();
    cmd_render->add_option("--escpos", out_bin, "ESC/POS 字节输出文件");
    cmd_render->add_option("--mode", mode_s, "raster 或 text");
    cmd_render->add_option("--profile", profile_name, "打印机型号配置（assets/printers/）");

    std::string uri, journal_path = ":memory:";
    std::string pmode;
    int ack_ms = 30000, status_ms = 1000;
    auto* cmd_print = app.add_subcommand("print", "打印回执；打印机确认后才返回 0");
    cmd_print->add_option("--printer", uri, "usb:/dev/usb/lp0、serial:/dev/ttyUSB0?baud=19200、tcp://host:9100 或 dir:/path")->required();
    cmd_print->add_option("--template", tmpl, "模板名")->required();
    cmd_print->add_option("--data", data_path, "数据 JSON（缺省用样例数据）");
    cmd_print->add_option("--profile", profile_name, "打印机型号配置");
    cmd_print->add_option("--mode", pmode, "raster 或 text（缺省按型号配置）");
    cmd_print->add_option("--journal", journal_path, "打印记录 SQLite 文件");
    cmd_print->add_option("--ack-timeout-ms", ack_ms, "等待打印确认的最长时间");
    cmd_print->add_option("--status-timeout-ms", status_ms, "等待状态应答的最长时间");

    auto* cmd_status = app.add_subcommand("status", "查询打印机状态");
    cmd_status->add_option("--printer", uri, "打印机地址")->required();
    cmd_status->add_option("--profile", profile_name, "打印机型号配置");
    cmd_status->add_option("--status-timeout-ms", status_ms, "等待状态应答的最长时间");

    auto* cmd_failed = app.add_subcommand("failed", "列出没打出来、待补打的回执");
    cmd_failed->add_option("--journal", journal_path, "打印记录 SQLite 文件")->required();

    std::int64_t job_id = 0;
    auto* cmd_reprint = app.add_subcommand("reprint", "补打一张没打出来的回执");
    cmd_reprint->add_option("--printer", uri, "打印机地址")->required();
    cmd_reprint->add_option("--journal", journal_path, "打印记录 SQLite 文件")->required();
    cmd_reprint->add_option("--job", job_id, "打印记录编号（receipt failed）")->required();
    cmd_reprint->add_option("--profile", profile_name, "打印机型号配置");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "命令参数有误：" << e.what() << "\n请用 --help 查看用法。\n";
        return 2;
    }

    if (*cmd_templates) {
        for (const auto& t : list_templates(assets)) std::cout << t.name << "\t" << t.title << "\t" << t.description << "\n";
        return 0;
    }

    if (profile_name.empty()) profile_name = paper_s == "58" ? "generic-58" : "generic-80";
    auto profile = load_profile(assets, profile_name);
    if (!profile) return fail(profile.error().message);

    if (*cmd_render) {
        auto paper = parse_paper(paper_s);
        if (!paper) return fail(paper.error().message, 2);
        auto mode = parse_mode(mode_s);
        if (!mode) return fail(mode.error().message, 2);
        auto data = read_data(assets, tmpl, data_path);
        if (!data) return fail(data.error().message);
        // The test page describes the profile it is rendered for.
        const nlohmann::json fill =
            tmpl == "testpage" ? testpage_data(*profile, data->value("test_code", std::string("TEST"))) : *data;
        auto doc = render_template(assets, tmpl, fill);
        if (!doc) return fail(doc.error().message);
        auto f = Font::shared(font);
        if (!f) return fail(f.error().message);
        const int dots = profile->dots_for(*paper);
        profile.value().paper = *paper;
        profile.value().dots_across = dots;
        const Layout layout = layout_document(*doc, dots);
        if (auto w = write_png(render_layout(layout, **f), out_png); !w) return fail(w.error().message);
        if (!out_bin.empty()) {
            EncodeStats st;
            auto bytes = encode_to_string(layout, *profile, **f, *mode, &st);
            if (!bytes) return fail(bytes.error().message);
            std::ofstream(out_bin, std::ios::binary) << *bytes;
            std::cout << out_bin << ": " << bytes->size() << " bytes, " << st.text_lines << " text lines, " << st.bands
                      << " raster bands, " << st.native_qr << " native QR\n";
        }
        std::cout << out_png << "\n";
        return 0;
    }

    if (*cmd_failed) {
        auto journal = SqlitePrintJournal::open(journal_path);
        if (!journal) return fail(journal.error().message);
        auto jobs = (*journal)->failed_jobs();
        if (!jobs) return fail(jobs.error().message);
        for (const auto& j : *jobs)
            std::cout << j.id << "\t" << j.template_name << "\t" << rfc3339(j.queued_at) << "\t"
                      << (j.outcome ? to_string(*j.outcome) : "unfinished") << "\n";
        return 0;
    }

    PrinterOptions popt;
    popt.font = font;
    popt.assets_dir = assets;
    popt.timeouts.ack_ms = ack_ms;
    popt.timeouts.status_ms = status_ms;
    auto printer = Printer::open(uri, *profile, popt);
    if (!printer) return fail(printer.error().message);

    if (*cmd_status) {
        const PrinterStatus s = (*printer)->status();
        const Outcome o = s.summary();
        std::cout << (is_printed(o) ? (o == Outcome::paper_near_end ? "纸将用完：" : "打印机就绪。") : "")
                  << (is_printed(o) && o == Outcome::printed ? "" : staff_message(o)) << "\n";
        std::cout << "answered=" << s.answered << " offline=" << s.offline << " paper_empty=" << s.paper_empty
                  << " paper_near_end=" << s.paper_near_end << " cover_open=" << s.cover_open << "\n";
        return is_printed(o) ? 0 : 1;
    }

    auto journal = SqlitePrintJournal::open(journal_path);
    if (!journal) return fail(journal.error().message);
    PrintResult r;
    if (*cmd_reprint) {
        r = (*printer)->reprint(job_id, **journal);
    } else {
        auto data = read_data(assets, tmpl, data_path);
        if (!data) return fail(data.error().message);
        PrintRequest req;
        req.template_name = tmpl;
        req.data = *data;
        if (tmpl == "testpage") {
            // The test page describes the profile actually in use, not the sample's.
            const std::string code = req.data.value("test_code", std::string("TEST"));
            req.data = testpage_data(*profile, code);
        }
        if (!pmode.empty()) {
            auto m = parse_mode(pmode);
            if (!m) return fail(m.error().message, 2);
            req.mode = *m;
        }
        r = (*printer)->print(req, **journal);
    }
    std::cout << to_string(r.outcome) << "\n" << r.screen_message << "\n" << r.staff_message << "\n";
    if (!r.printed()) std::cerr << "job " << r.job_id << ": " << r.detail << "\n";
    return r.printed() ? 0 : 1;
}
