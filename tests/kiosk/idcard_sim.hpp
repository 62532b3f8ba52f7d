// idcard_sim.hpp — idcard-sim (kiosk/tool/idcard_sim.cpp) in the background for a test: its pseudo-terminal reached
// through a symlink in the test's scratch directory, the card laid on and taken away by signal, killed at the end.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "support.hpp"

namespace kiosk_test {

struct Sim {
    pid_t pid = -1;
    std::string link;
    // `absent`: the reader starts empty (lay_card() puts the card on it).
    Sim(const std::string& name, const std::string& card, const std::string& fault = "", bool absent = false) {
        link = kiosk_test::scratch_dir("idcard-" + name) + "/reader";
        std::filesystem::remove(link);
        std::string exe = (kiosk_test::bin_dir() / "idcard-sim").string();
        std::vector<std::string> args{exe, "--card", card, "--link", link};
        if (!fault.empty()) args.insert(args.end(), {"--fault", fault});
        if (absent) args.push_back("--absent");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid = ::fork();
        if (pid == 0) {
            if (!std::freopen("/dev/null", "w", stdout)) ::_exit(126);
            ::execv(exe.c_str(), argv.data());
            ::_exit(127);
        }
        for (int i = 0; i < 300 && !std::filesystem::is_symlink(link); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(std::filesystem::is_symlink(link));
    }
    ~Sim() {
        ::kill(pid, SIGTERM);
        ::waitpid(pid, nullptr, 0);
    }
    Sim(const Sim&) = delete;
    Sim& operator=(const Sim&) = delete;
    void lay_card() const { ::kill(pid, SIGUSR1); }
    void take_card() const { ::kill(pid, SIGUSR2); }
};

}  // namespace kiosk_test
