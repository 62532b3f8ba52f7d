// server_process.hpp — county-server-faulty (tests/county/fault_server.cpp: county-server with push hooks driven by
// YIMEN_FAULT_* in its environment) serving a county directory as a child process, for the fault and scale-out
// tests; its port is read from its first line of output.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace yimen::test {

struct ServerProcess {
    pid_t pid = -1;
    int port = 0;

    ServerProcess(const std::string& dir, const std::vector<std::string>& env) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            for (auto& e : env) putenv(const_cast<char*>(e.c_str()));
            const std::string bin = std::string(YIMEN_BIN_DIR) + "/county-server-faulty";
            execl(bin.c_str(), bin.c_str(), "serve", "--dir", dir.c_str(), "--listen", "127.0.0.1:0", "--assets",
                  YIMEN_SOURCE_ASSETS_DIR, static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        FILE* out = fdopen(fds[0], "r");
        char line[512] = {0};
        REQUIRE(std::fgets(line, sizeof line, out) != nullptr);
        std::fclose(out);
        const std::string s = line;
        const auto colon = s.rfind(':', s.find(" (pid"));
        REQUIRE(colon != std::string::npos);
        port = std::stoi(s.substr(colon + 1));
    }

    // Waits for the process; true when it exited by itself with status 0.
    bool wait_clean_exit() {
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }

    // Without waiting: true once the process has ended (it is reaped then).
    bool ended() {
        if (pid <= 0) return true;
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) != pid) return false;
        pid = -1;
        return true;
    }

    // Waits for the process; true when it was killed by SIGKILL.
    bool wait_killed() {
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    }

    ~ServerProcess() {
        if (pid > 0) {
            kill(pid, SIGTERM);
            int status = 0;
            waitpid(pid, &status, 0);
        }
    }
};

}  // namespace yimen::test
