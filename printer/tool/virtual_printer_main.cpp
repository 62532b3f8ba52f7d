// virtual-printer — a TCP ESC/POS printer for tests and the demo: one PNG per job in --out, paper that runs out,
// a cover that is open, or a printer that never answers.
// GCC 12 at -O2 sees a false null dereference inside CLI11's string splitting.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <csignal>
#include <iostream>
#include <thread>

#include "printer/virtual_printer.hpp"

using namespace yimen::printer;

namespace {
volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_refill = 0;
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"virtual-printer: 模拟 ESC/POS 打印机（TCP），每个作业存一张 PNG"};
    std::string listen = "127.0.0.1:9100", out = ".", paper = "80";
    VirtualPrinterOptions opt;
    app.add_option("--listen", listen, "监听地址 HOST:PORT（端口 0 = 任选空闲端口并打印出来）");
    app.add_option("--out", out, "作业图片输出目录")->required();
    app.add_option("--paper", paper, "纸宽 58 或 80");
    app.add_option("--dots", opt.engine.dots, "每行点数（缺省按纸宽：384 或 576；180 dpi 的 80 毫米机型为 512）");
    app.add_option("--paper-out-after-lines", opt.engine.paper_out_after_lines, "走纸这么多行（24 点一行）后缺纸");
    app.add_option("--near-end-after-lines", opt.engine.near_end_after_lines, "走纸这么多行后报告纸将用完");
    app.add_flag("--cover-open", opt.engine.cover_open, "上盖打开：不打印，DLE EOT 2 报告上盖打开");
    app.add_flag("--no-status", opt.engine.no_status, "从不应答（模拟没有回传通道或死机的打印机）");
    app.add_option("--font", opt.font.path, "中文字体文件");
    app.add_option("--font-index", opt.font.face_index, "字体集合中的序号");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "命令参数有误：" << e.what() << "\n请用 --help 查看用法。\n";
        return 2;
    }
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        std::cerr << "监听地址要写成 HOST:PORT，例如 127.0.0.1:9100。\n";
        return 2;
    }
    if (paper != "58" && paper != "80") {
        std::cerr << "纸宽只能是 58 或 80。\n";
        return 2;
    }
    opt.engine.paper = paper == "58" ? PaperWidth::mm58 : PaperWidth::mm80;
    if (opt.engine.dots != 0 && (opt.engine.dots % 8 != 0 || opt.engine.dots < 192 || opt.engine.dots > paper_dots(opt.engine.paper))) {
        std::cerr << "每行点数应为 8 的倍数，且不超过纸宽的 " << paper_dots(opt.engine.paper) << " 点。\n";
        return 2;
    }
    opt.out_dir = out;
    int port = 0;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
        std::cerr << "端口号不对：" << listen << "\n";
        return 2;
    }
    auto vp = VirtualPrinter::listen(listen.substr(0, colon), port, opt);
    if (!vp) {
        std::cerr << vp.error().message << "\n";
        return 1;
    }
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    std::signal(SIGUSR1, [](int) { g_refill = 1; });  // "a new roll of paper"
    std::cout << "virtual-printer listening on " << listen.substr(0, colon) << ":" << (*vp)->port() << ", jobs to "
              << out << " (SIGUSR1 = refill paper)" << std::endl;
    std::size_t errors_shown = 0;
    while (!g_stop) {
        // What the printer could not understand goes to stderr instead of onto the paper as text.
        const auto errors = (*vp)->errors();
        for (; errors_shown < errors.size(); ++errors_shown)
            std::cerr << "virtual-printer: 错误：" << errors[errors_shown] << std::endl;
        if (g_refill) {
            g_refill = 0;
            (*vp)->refill();
            std::cout << "paper refilled" << std::endl;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    (*vp)->stop();
    return 0;
}
