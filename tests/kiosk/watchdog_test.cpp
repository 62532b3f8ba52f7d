// watchdog_test.cpp — the kiosk's service notifications (yimen-kiosk.service: Type=notify, WatchdogSec=30) observed
// through a NOTIFY_SOCKET of the test's own, as systemd would receive them: READY=1 once the window is up, WATCHDOG=1
// beats from the frame loop, none while the kiosk is hung (stopped), STOPPING=1 on SIGTERM. And the beat's rate limit
// in-process: a beat at most every third of WATCHDOG_USEC, however fast the loop turns.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "kiosk/devices/service_notify.hpp"
#include "support/temp_dir.hpp"

using namespace yimen;

namespace {

// A datagram socket bound where NOTIFY_SOCKET points, as the service manager holds one.
struct NotifySocket {
    int fd = -1;
    std::string path;
    explicit NotifySocket(const std::string& p) : path(p) {
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof addr.sun_path);
        path.copy(addr.sun_path, path.size());
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifySocket() { ::close(fd); }

    // The next message within timeout_ms, or "" when none came.
    std::string next(int timeout_ms) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return "";
        char buf[4096];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }
    // Waits up to timeout_ms in total for a message containing `what`.
    bool await(const std::string& what, int timeout_ms) const {
        for (int waited = 0; waited < timeout_ms; waited += 100)
            if (next(100).find(what) != std::string::npos) return true;
        return false;
    }
    int drain() const {
        int n = 0;
        while (!next(0).empty()) ++n;
        return n;
    }
};

}  // namespace

TEST_CASE("watchdog: beats at most every third of WATCHDOG_USEC, ready and stopping said once", "[watchdog]") {
    test::TempDir tmp("yimen-notify");
    NotifySocket sock((tmp.path / "notify").string());
    ::setenv("NOTIFY_SOCKET", sock.path.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "30000000", 1);  // 30 s: a beat every 10 s at most
    ::unsetenv("WATCHDOG_PID");
    kiosk::ServiceNotifier notifier;
    CHECK(notifier.watchdog_usec() == 30'000'000);
    notifier.ready();
    for (int i = 0; i < 1000; ++i) notifier.beat();  // a thousand frames in a row
    notifier.stopping();
    std::vector<std::string> got;
    for (std::string m; !(m = sock.next(200)).empty();) got.push_back(m);
    REQUIRE(got.size() == 3);
    CHECK(got[0].rfind("READY=1", 0) == 0);
    CHECK(got[1] == "WATCHDOG=1");
    CHECK(got[2] == "STOPPING=1");

    ::unsetenv("WATCHDOG_USEC");  // not under a watchdog: beats send nothing
    kiosk::ServiceNotifier unwatched;
    CHECK(unwatched.watchdog_usec() == 0);
    unwatched.beat();
    CHECK(sock.next(100).empty());
    ::unsetenv("NOTIFY_SOCKET");
}

TEST_CASE("watchdog: hall-kiosk beats from its frame loop, not while hung, and says STOPPING on SIGTERM", "[watchdog]") {
    test::TempDir tmp("yimen-watchdog");
    NotifySocket sock((tmp.path / "notify").string());
    const std::string demo = (tmp.path / "demo").string();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::setenv("NOTIFY_SOCKET", sock.path.c_str(), 1);
        ::setenv("WATCHDOG_USEC", "300000", 1);  // a beat every 100 ms at most
        ::unsetenv("WATCHDOG_PID");
        ::setenv("SDL_VIDEODRIVER", "offscreen", 1);
        ::setenv("YIMEN_ASSETS", YIMEN_SOURCE_ASSETS_DIR, 1);
        const std::string bin = std::string(YIMEN_BIN_DIR) + "/hall-kiosk";
        ::execl(bin.c_str(), bin.c_str(), "--demo", demo.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    struct Reaper {
        pid_t pid;
        ~Reaper() {
            if (pid > 0) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, nullptr, 0);
            }
        }
    } reaper{pid};
    REQUIRE(sock.await("READY=1", 120'000));
    CHECK(sock.await("WATCHDOG=1", 10'000));
    CHECK(sock.await("WATCHDOG=1", 10'000));

    // Hung: not one beat while the process is stopped (what is already queued is read first).
    REQUIRE(::kill(pid, SIGSTOP) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, WUNTRACED) == pid);
    REQUIRE(WIFSTOPPED(status));
    sock.drain();
    CHECK(sock.next(1500).empty());
    REQUIRE(::kill(pid, SIGCONT) == 0);
    CHECK(sock.await("WATCHDOG=1", 10'000));

    REQUIRE(::kill(pid, SIGTERM) == 0);
    CHECK(sock.await("STOPPING=1", 30'000));
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    reaper.pid = -1;
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
