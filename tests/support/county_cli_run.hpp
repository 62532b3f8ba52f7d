// county_cli_run.hpp — runs the built county-server binary (YIMEN_BIN_DIR) with arguments, each quoted, and returns
// its exit status and output, for the tests that check the operator's commands as an operator types them.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace yimen::test {

struct CliRun {
    int status = -1;
    std::string out;
};

// with_stderr: the command's standard error joins its output (else it is discarded).
inline CliRun run_county_server(const std::vector<std::string>& args, bool with_stderr = true) {
    std::string cmd = YIMEN_BIN_DIR;
    cmd += "/county-server";
    for (const auto& a : args) {
        cmd += " '";
        cmd += a;
        cmd += "'";
    }
    cmd += with_stderr ? " 2>&1" : " 2>/dev/null";
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace yimen::test
