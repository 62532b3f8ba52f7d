// transport.cpp — file-descriptor transports (USB device file, serial tty, TCP) and the preview folder.
#include "printer/transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "printer/engine.hpp"

namespace yimen::printer {

namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

class FdTransport final : public Transport {
public:
    FdTransport(int fd, std::string desc) : fd_(fd), desc_(std::move(desc)) {}
    ~FdTransport() override {
        if (fd_ >= 0) ::close(fd_);
    }
    Status write(std::string_view bytes, int timeout_ms) override {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
        std::size_t done = 0;
        while (done < bytes.size()) {
            pollfd p{fd_, POLLOUT, 0};
            const int r = ::poll(&p, 1, ms_left(deadline));
            if (r < 0 && errno == EINTR) continue;
            if (r == 0) return Error{"timeout", "打印机在规定时间内没有接收数据。"};
            if (r < 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
                return Error{"closed", "与打印机的连接断开了。"};
            const ssize_t w = send_or_write(bytes.data() + done, bytes.size() - done);
            if (w < 0) {
                if (errno == EAGAIN || errno == EINTR) continue;
                return Error{"closed", "与打印机的连接断开了。"};
            }
            done += static_cast<std::size_t>(w);
        }
        return Ok{};
    }
    Result<std::string> read(std::size_t max, int timeout_ms) override {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            const int r = ::poll(&p, 1, ms_left(deadline));
            if (r < 0 && errno == EINTR) continue;
            if (r == 0) return std::string();
            if (r < 0 || (p.revents & POLLNVAL)) return Error{"io", "读取打印机状态失败。"};
            std::string buf(max, '\0');
            const ssize_t n = ::read(fd_, buf.data(), max);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) return Error{"closed", "与打印机的连接断开了。"};
            buf.resize(static_cast<std::size_t>(n));
            return buf;
        }
    }
    std::string describe() const override { return desc_; }

private:
    ssize_t send_or_write(const char* p, std::size_t n) {
        // send() with MSG_NOSIGNAL keeps a closed socket from killing the process with SIGPIPE.
        const ssize_t r = ::send(fd_, p, n, MSG_NOSIGNAL);
        if (r < 0 && errno == ENOTSOCK) return ::write(fd_, p, n);
        return r;
    }
    int fd_;
    std::string desc_;
};

// The preview folder: a printer that always has paper, decoding each job to a PNG next to its raw bytes.
class DirTransport final : public Transport {
public:
    DirTransport(std::filesystem::path dir, const PrinterProfile& profile, std::shared_ptr<Font> font)
        : dir_(std::move(dir)), engine_(engine_options(profile), std::move(font)) {
        int n = 1;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(dir_, ec))
            if (e.path().extension() == ".bin") ++n;
        char name[32];
        std::snprintf(name, sizeof name, "job-%04d", n);
        stem_ = dir_ / name;
        engine_.on_job = [this](const Bitmap& b) {
            const std::string png = stem_.string() + (pngs_ ? "-" + std::to_string(pngs_ + 1) : std::string()) + ".png";
            ++pngs_;
            (void)write_png(b, png);
        };
    }
    ~DirTransport() override {
        engine_.end_of_stream();
        // A connection that only asked for status (DLE EOT) printed nothing: no file, so job numbers stay dense.
        if (pngs_ > 0) std::ofstream(stem_.string() + ".bin", std::ios::binary) << raw_;
    }
    Status write(std::string_view bytes, int) override {
        raw_.append(bytes);
        replies_ += engine_.feed(bytes);
        return Ok{};
    }
    Result<std::string> read(std::size_t max, int) override {
        std::string out = replies_.substr(0, max);
        replies_.erase(0, out.size());
        return out;
    }
    std::string describe() const override { return "dir:" + dir_.string(); }
    std::string preview() const override { return stem_.string() + ".png"; }

private:
    static EngineOptions engine_options(const PrinterProfile& profile) {
        EngineOptions o;
        o.paper = profile.paper;
        o.dots = profile.dots();
        return o;
    }
    std::filesystem::path dir_;
    std::filesystem::path stem_;
    PrinterEngine engine_;
    std::string raw_, replies_;
    int pngs_ = 0;
};

Error cannot_open(const std::string& what) {
    return Error{"offline", "打不开打印机 " + what + "，请检查打印机电源和连接线。"};
}

speed_t baud_const(int baud) {
    switch (baud) {
        case 9600: return B9600;
        case 19200: return B19200;
        case 38400: return B38400;
        case 57600: return B57600;
        case 115200: return B115200;
        default: return B0;
    }
}

}  // namespace

std::unique_ptr<Transport> fd_transport(int fd, std::string description) {
    return std::make_unique<FdTransport>(fd, std::move(description));
}

Result<std::unique_ptr<Transport>> open_transport(const std::string& uri, const Timeouts& t,
                                                  const PrinterProfile& profile, const FontConfig& font) {
    auto starts = [&](const char* p) { return uri.rfind(p, 0) == 0; };
    if (starts("usb:")) {
        const std::string path = uri.substr(4);
        const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return cannot_open(path);
        return fd_transport(fd, uri);
    }
    if (starts("serial:")) {
        std::string path = uri.substr(7);
        int baud = 19200;
        if (auto q = path.find('?'); q != std::string::npos) {
            const std::string query = path.substr(q + 1);
            path.resize(q);
            if (query.rfind("baud=", 0) == 0) baud = std::atoi(query.c_str() + 5);
        }
        const speed_t speed = baud_const(baud);
        if (speed == B0)
            return Error{"bad_uri", "串口速率 " + std::to_string(baud) + " 不支持，请用 9600、19200、38400、57600 或 115200。"};
        const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return cannot_open(path);
        termios tio{};
        if (tcgetattr(fd, &tio) == 0) {
            cfmakeraw(&tio);
            cfsetispeed(&tio, speed);
            cfsetospeed(&tio, speed);
            tio.c_cflag |= CLOCAL | CREAD;
            tcsetattr(fd, TCSANOW, &tio);
        }
        return fd_transport(fd, uri);
    }
    if (starts("tcp://")) {
        std::string hostport = uri.substr(6);
        if (auto slash = hostport.find('/'); slash != std::string::npos) hostport.resize(slash);
        std::string host = hostport, port = "9100";
        if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
            host = hostport.substr(0, colon);
            port = hostport.substr(colon + 1);
        }
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* res = nullptr;
        if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) return cannot_open(hostport);
        int fd = -1;
        for (addrinfo* a = res; a && fd < 0; a = a->ai_next) {
            fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) continue;
            if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
                ::close(fd);
                fd = -1;
                continue;
            }
            pollfd p{fd, POLLOUT, 0};
            int err = 0;
            socklen_t len = sizeof err;
            if (::poll(&p, 1, t.connect_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
                ::close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(res);
        if (fd < 0) return cannot_open(hostport);
        return fd_transport(fd, uri);
    }
    if (starts("dir:")) {
        const std::filesystem::path dir = uri.substr(4);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (!std::filesystem::is_directory(dir))
            return Error{"offline", "无法使用预览目录 " + dir.string() + "，请检查路径和权限。"};
        auto f = Font::shared(font);
        if (!f) return f.error();
        return std::unique_ptr<Transport>(std::make_unique<DirTransport>(dir, profile, *f));
    }
    return Error{"bad_uri", "打印机地址 " + uri + " 不对，应以 usb:、serial:、tcp:// 或 dir: 开头。"};
}

}  // namespace yimen::printer
