// virtual_printer.hpp — a printer in a thread: a TCP server on a port (0 = any free port, read it back) or the far
// end of a file descriptor (a pty standing in for a serial or USB printer), with PrinterEngine behind it.
// Each finished job becomes a Bitmap (and job-NNNN.png in the output folder when one is given).
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "printer/engine.hpp"

namespace yimen::printer {

struct VirtualPrinterOptions {
    EngineOptions engine;
    FontConfig font;
    std::string out_dir;  // empty: keep images in memory only
};

class VirtualPrinter {
public:
    static Result<std::unique_ptr<VirtualPrinter>> listen(const std::string& host, int port, VirtualPrinterOptions opt);
    // Serves an already open descriptor (e.g. a pty master); takes ownership.
    static Result<std::unique_ptr<VirtualPrinter>> serve_fd(int fd, VirtualPrinterOptions opt);
    ~VirtualPrinter();
    VirtualPrinter(const VirtualPrinter&) = delete;
    VirtualPrinter& operator=(const VirtualPrinter&) = delete;

    int port() const { return port_; }
    void stop();
    void refill(int paper_lines = -1);  // a new roll
    void set_cover_open(bool open);
    // Images of the jobs finished so far, in order.
    std::vector<Bitmap> jobs();
    std::vector<std::string> job_files();
    std::size_t connections() const { return connections_; }

private:
    explicit VirtualPrinter(VirtualPrinterOptions opt, std::shared_ptr<Font> font);
    void serve_connection(int fd);
    void accept_loop();

    VirtualPrinterOptions opt_;
    std::mutex mu_;
    PrinterEngine engine_;
    std::vector<Bitmap> jobs_;
    std::vector<std::string> files_;
    int listen_fd_ = -1;
    int serve_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> connections_{0};
    std::thread thread_;
};

}  // namespace yimen::printer
