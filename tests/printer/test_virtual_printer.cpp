// test_virtual_printer.cpp — whole jobs through real transports into the virtual printer: its picture equals the
// preview in both modes, every QR decodes to the receipt number, bands stream, serial and USB work over ptys,
// the dir: transport and the command-line tools.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "printer/escpos.hpp"
#include "printer/printer.hpp"
#include "printer/sqlite_journal.hpp"
#include "printer/templates.hpp"
#include "printer/virtual_printer.hpp"
#include "test_support.hpp"

extern char** environ;

using namespace yimen::printer;
using namespace yimen::printer::test;

namespace {

struct Config {
    PaperWidth paper;
    const char* profile;
};

std::unique_ptr<VirtualPrinter> start_vp(PaperWidth paper, EngineOptions eo = {}) {
    VirtualPrinterOptions o;
    o.engine = eo;
    o.engine.paper = paper;
    auto vp = VirtualPrinter::listen("127.0.0.1", 0, o);
    REQUIRE(vp.ok());
    REQUIRE(vp.value()->port() > 0);
    return std::move(vp).value();
}

PrinterOptions quick() {
    PrinterOptions o;
    o.timeouts.status_ms = 2000;
    o.timeouts.ack_ms = 10000;
    o.timeouts.write_ms = 5000;
    return o;
}

PrintRequest request(const std::string& tmpl, PaperWidth paper, Mode mode) {
    PrintRequest r;
    r.template_name = tmpl;
    auto data = load_sample(assets(), tmpl);
    REQUIRE(data.ok());
    r.data = *data;
    r.paper = paper;
    r.mode = mode;
    return r;
}

std::unique_ptr<SqlitePrintJournal> memory_journal() {
    auto j = SqlitePrintJournal::open(":memory:");
    REQUIRE(j.ok());
    return std::move(j).value();
}

std::vector<std::string> qr_payloads(const Document& d) {
    std::vector<std::string> v;
    for (const auto& b : d.blocks)
        if (b.kind == Block::Kind::qr) v.push_back(b.text);
    return v;
}

}  // namespace

TEST_CASE("The virtual printer's image equals the preview in raster and text mode", "[printer][virtual]") {
    for (Config cfg : {Config{PaperWidth::mm80, "generic-80"}, Config{PaperWidth::mm58, "generic-58"}}) {
        auto vp = start_vp(cfg.paper);
        auto printer = Printer::open("tcp://127.0.0.1:" + std::to_string(vp->port()), profile(cfg.profile), quick());
        REQUIRE(printer.ok());
        auto journal = memory_journal();
        std::size_t jobs = 0;
        for (const auto& name : template_names()) {
            for (Mode mode : {Mode::raster, Mode::text}) {
                INFO(name << " " << cfg.profile << " " << to_string(mode));
                const PrintResult r = (*printer)->print(request(name, cfg.paper, mode), *journal);
                REQUIRE(r.outcome == Outcome::printed);
                const auto images = vp->jobs();
                REQUIRE(images.size() == ++jobs);
                const Bitmap preview = render_layout(layout_document(sample_document(name), cfg.paper), font());
                CHECK(images.back().width == preview.width);
                CHECK(images.back().height == preview.height);
                CHECK(diff_dots(images.back(), preview) == 0);
            }
        }
    }
}

TEST_CASE("Every printed QR code decodes to the exact receipt number", "[printer][virtual][qr]") {
    for (Config cfg : {Config{PaperWidth::mm80, "generic-80"}, Config{PaperWidth::mm58, "generic-58"}}) {
        auto vp = start_vp(cfg.paper);
        auto printer = Printer::open("tcp://127.0.0.1:" + std::to_string(vp->port()), profile(cfg.profile), quick());
        REQUIRE(printer.ok());
        auto journal = memory_journal();
        for (const auto& name : template_names()) {
            const auto want = qr_payloads(sample_document(name));
            for (Mode mode : {Mode::raster, Mode::text}) {
                INFO(name << " " << cfg.profile << " " << to_string(mode));
                REQUIRE((*printer)->print(request(name, cfg.paper, mode), *journal).printed());
                CHECK(decode_qr(vp->jobs().back()) == want);
            }
        }
    }
    // A UTF-8 payload carries an ECI header, and decodes to the same bytes.
    Document d;
    Block q;
    q.kind = Block::Kind::qr;
    q.text = "申请回执 10120126112700076";
    d.blocks.push_back(q);
    CHECK(qr_needs_eci(q.text));
    CHECK(decode_qr(render_layout(layout_document(d, PaperWidth::mm80), font())) == std::vector<std::string>{q.text});
}

namespace {
// Records the order of events: produced bands and bytes handed to the transport.
class SpyTransport final : public Transport {
public:
    explicit SpyTransport(std::vector<std::string>& log) : log_(log) {}
    yimen::Status write(std::string_view bytes, int) override {
        log_.push_back("write " + std::to_string(bytes.size()) +
                       (bytes.find(std::string{0x1D, 'v', '0'}) != std::string_view::npos ? " band" : ""));
        return yimen::Ok{};
    }
    yimen::Result<std::string> read(std::size_t, int) override { return std::string(); }
    std::string describe() const override { return "spy"; }

private:
    std::vector<std::string>& log_;
};
}  // namespace

TEST_CASE("Band 1 reaches the transport before band N is produced", "[printer][stream]") {
    std::vector<std::string> log;
    SpyTransport spy(log);
    const Layout layout = layout_document(sample_document("intake"), PaperWidth::mm80);
    EncodeOptions opt;
    opt.mode = Mode::raster;
    int last = 0;
    opt.on_produced = [&](int i) {
        log.push_back("produced " + std::to_string(i));
        last = i;
    };
    REQUIRE(encode_job(layout, profile("generic-80"), font(), opt, [&](std::string_view b) { return spy.write(b, 1000); }).ok());
    REQUIRE(last > 10);
    const auto first_band_write = std::find_if(log.begin(), log.end(), [](const std::string& s) { return s.find("band") != std::string::npos; });
    const auto last_produced = std::find(log.begin(), log.end(), "produced " + std::to_string(last));
    REQUIRE(first_band_write != log.end());
    REQUIRE(last_produced != log.end());
    CHECK(first_band_write < last_produced);
    CHECK(*std::prev(first_band_write) == "produced 1");
}

namespace {
// A pty pair in raw mode: the slave is the "device file" the driver opens, the virtual printer owns the master.
struct Pty {
    int master = -1, slave = -1;
    std::string name;
    Pty() {
        termios tio{};
        cfmakeraw(&tio);
        char buf[128] = {};
        REQUIRE(openpty(&master, &slave, buf, &tio, nullptr) == 0);
        name = buf;
    }
    ~Pty() {
        if (slave >= 0) ::close(slave);  // kept open so the master never sees a hang-up between jobs
    }
};
}  // namespace

TEST_CASE("Serial and USB transports print over a pty to the virtual printer", "[printer][transport]") {
    for (const std::string scheme : {"serial:", "usb:"}) {
        INFO(scheme);
        Pty pty;
        VirtualPrinterOptions o;
        o.engine.paper = PaperWidth::mm58;
        auto vp = VirtualPrinter::serve_fd(pty.master, o);
        REQUIRE(vp.ok());
        const std::string uri = scheme + pty.name + (scheme == "serial:" ? "?baud=19200" : "");
        auto printer = Printer::open(uri, profile("generic-58"), quick());
        REQUIRE(printer.ok());
        CHECK((*printer)->status().summary() == Outcome::printed);
        auto journal = memory_journal();
        for (Mode mode : {Mode::text, Mode::raster}) {
            const PrintResult r = (*printer)->print(request("intake", PaperWidth::mm58, mode), *journal);
            REQUIRE(r.outcome == Outcome::printed);
            const Bitmap preview = render_layout(layout_document(sample_document("intake"), PaperWidth::mm58), font());
            CHECK(diff_dots((*vp)->jobs().back(), preview) == 0);
        }
    }
}

TEST_CASE("The dir transport writes each job's bytes and picture", "[printer][transport]") {
    const std::string dir = temp_dir("dir");
    auto printer = Printer::open("dir:" + dir, profile("generic-80"), quick());
    REQUIRE(printer.ok());
    auto journal = memory_journal();
    // A status query prints nothing and leaves no file behind (job numbers stay those of printed pages).
    CHECK((*printer)->status().summary() == Outcome::printed);
    CHECK(std::filesystem::is_empty(dir));
    const PrintResult r = (*printer)->print(request("referral", PaperWidth::mm80, Mode::text), *journal);
    REQUIRE(r.printed());
    CHECK(r.preview == dir + "/job-0001.png");
    REQUIRE(std::filesystem::exists(dir + "/job-0001.bin"));
    REQUIRE(std::filesystem::exists(dir + "/job-0001.png"));
    auto png = read_png(dir + "/job-0001.png");
    REQUIRE(png.ok());
    CHECK(diff_dots(*png, render_layout(layout_document(sample_document("referral"), PaperWidth::mm80), font())) == 0);
    std::filesystem::remove_all(dir);
}

namespace {
int run(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
}  // namespace

TEST_CASE("receipt and virtual-printer work from the command line", "[printer][tools]") {
    const std::string bin = YIMEN_BIN_DIR;
    const std::string dir = temp_dir("cli");
    // virtual-printer on port 0: it prints the port it got.
    int out_pipe[2];
    REQUIRE(pipe(out_pipe) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    std::vector<std::string> args{bin + "/virtual-printer", "--listen", "127.0.0.1:0", "--out", dir};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t vp_pid = 0;
    REQUIRE(posix_spawn(&vp_pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out_pipe[1]);
    char line[256] = {};
    REQUIRE(::read(out_pipe[0], line, sizeof line - 1) > 0);  // "listening on 127.0.0.1:PORT, …": bound
    ::close(out_pipe[0]);
    const std::string said = line;
    const auto at = said.find("127.0.0.1:");
    REQUIRE(at != std::string::npos);
    const int port = std::atoi(said.c_str() + at + 10);
    REQUIRE(port > 0);

    const std::string uri = "tcp://127.0.0.1:" + std::to_string(port);
    CHECK(run({bin + "/receipt", "status", "--printer", uri}) == 0);
    CHECK(run({bin + "/receipt", "print", "--printer", uri, "--template", "intake", "--data",
               assets() + "/receipts/samples/intake.json"}) == 0);
    CHECK(run({bin + "/receipt", "render", "--template", "intake", "--paper", "58", "--out", dir + "/preview.png",
               "--escpos", dir + "/preview.bin", "--mode", "text"}) == 0);
    CHECK(run({bin + "/receipt", "render", "--template", "intake", "--bogus"}) == 2);
    CHECK(run({bin + "/receipt", "print", "--template", "intake"}) == 2);
    CHECK(run({bin + "/receipt", "templates"}) == 0);
    kill(vp_pid, SIGTERM);
    int st = 0;
    waitpid(vp_pid, &st, 0);
    CHECK(std::filesystem::exists(dir + "/job-0001.png"));
    CHECK(std::filesystem::exists(dir + "/preview.png"));
    // A printer that never answers: the print command fails with the outcome, not 0.
    auto silent = start_vp(PaperWidth::mm80, EngineOptions{PaperWidth::mm80, -1, -1, false, true});
    CHECK(run({bin + "/receipt", "print", "--printer", "tcp://127.0.0.1:" + std::to_string(silent->port()), "--template",
               "intake", "--status-timeout-ms", "200", "--ack-timeout-ms", "500"}) == 1);
    std::filesystem::remove_all(dir);
}
