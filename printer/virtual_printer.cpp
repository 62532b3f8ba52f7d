// virtual_printer.cpp — the virtual printer's socket and descriptor loops.
#include "printer/virtual_printer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace yimen::printer {

VirtualPrinter::VirtualPrinter(VirtualPrinterOptions opt, std::shared_ptr<Font> font)
    : opt_(std::move(opt)), engine_(opt_.engine, std::move(font)) {
    engine_.on_job = [this](const Bitmap& b) {
        jobs_.push_back(b);
        if (opt_.out_dir.empty()) return;
        char name[32];
        std::snprintf(name, sizeof name, "job-%04zu.png", jobs_.size());
        const std::string path = (std::filesystem::path(opt_.out_dir) / name).string();
        if (write_png(b, path)) files_.push_back(path);
    };
}

Result<std::unique_ptr<VirtualPrinter>> VirtualPrinter::listen(const std::string& host, int port,
                                                               VirtualPrinterOptions opt) {
    auto font = Font::shared(opt.font);
    if (!font) return font.error();
    if (!opt.out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(opt.out_dir, ec);
    }
    std::unique_ptr<VirtualPrinter> vp(new VirtualPrinter(std::move(opt), *font));
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error{"listen", "无法创建网络端口。"};
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        ::close(fd);
        return Error{"listen", "监听地址 " + host + " 不对，请写成 127.0.0.1 这样的地址。"};
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0) {
        ::close(fd);
        return Error{"listen", "端口 " + std::to_string(port) + " 已被占用或无权使用，请换一个端口。"};
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    vp->port_ = ntohs(addr.sin_port);
    vp->listen_fd_ = fd;
    vp->thread_ = std::thread([p = vp.get()] { p->accept_loop(); });
    return vp;
}

Result<std::unique_ptr<VirtualPrinter>> VirtualPrinter::serve_fd(int fd, VirtualPrinterOptions opt) {
    auto font = Font::shared(opt.font);
    if (!font) return font.error();
    std::unique_ptr<VirtualPrinter> vp(new VirtualPrinter(std::move(opt), *font));
    vp->serve_fd_ = fd;
    vp->thread_ = std::thread([p = vp.get(), fd] { p->serve_connection(fd); });
    return vp;
}

VirtualPrinter::~VirtualPrinter() {
    stop();
}

void VirtualPrinter::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (serve_fd_ >= 0) ::close(serve_fd_);
    listen_fd_ = serve_fd_ = -1;
}

void VirtualPrinter::refill(int paper_lines) {
    std::lock_guard lock(mu_);
    engine_.refill(paper_lines);
}

void VirtualPrinter::set_cover_open(bool open) {
    std::lock_guard lock(mu_);
    engine_.set_cover_open(open);
}

std::vector<Bitmap> VirtualPrinter::jobs() {
    std::lock_guard lock(mu_);
    return jobs_;
}

std::vector<std::string> VirtualPrinter::job_files() {
    std::lock_guard lock(mu_);
    return files_;
}

std::vector<std::string> VirtualPrinter::errors() {
    std::lock_guard lock(mu_);
    return errors_;
}

void VirtualPrinter::accept_loop() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        ++connections_;
        serve_connection(c);  // one host at a time, like a real printer's port 9100
        ::close(c);
    }
}

void VirtualPrinter::serve_connection(int fd) {
    char buf[8192];
    while (!stop_) {
        pollfd p{fd, POLLIN, 0};
        const int r = ::poll(&p, 1, 50);
        if (r < 0 && errno != EINTR) break;
        if (r <= 0) continue;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {
            if (fd != serve_fd_) break;  // the host closed its connection
            // A pty master with no slave open reads EIO until the host opens the device again.
            {
                std::lock_guard lock(mu_);
                engine_.end_of_stream();
            }
            ::usleep(20000);
            continue;
        }
        std::string replies;
        {
            std::lock_guard lock(mu_);
            replies = engine_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
            for (auto& e : engine_.take_errors()) errors_.push_back(std::move(e));
        }
        std::size_t done = 0;
        while (done < replies.size()) {
            const ssize_t w = ::send(fd, replies.data() + done, replies.size() - done, MSG_NOSIGNAL);
            const ssize_t w2 = (w < 0 && errno == ENOTSOCK) ? ::write(fd, replies.data() + done, replies.size() - done) : w;
            if (w2 <= 0) break;
            done += static_cast<std::size_t>(w2);
        }
    }
    std::lock_guard lock(mu_);
    engine_.end_of_stream();
}

}  // namespace yimen::printer
