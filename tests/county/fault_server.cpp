// fault_server.cpp — county-server-faulty: the county's own command line (county_cli.cpp) with push hooks driven by
// the environment, for fault_test.cpp. YIMEN_FAULT_KILL_AFTER_EVENTS=N: SIGKILL once N events are committed in
// total; YIMEN_FAULT_KILL_BEFORE_COMMIT=1: SIGKILL inside the first push before anything of it commits;
// YIMEN_FAULT_HANDLER_DELAY_MS=M: every push handler sleeps M ms first (graceful stop under load).
#include <csignal>
#include <cstdlib>
#include <thread>

#include "county/tool/county_cli.hpp"

namespace {

std::int64_t env_int(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? std::atoll(v) : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::int64_t kill_after = env_int("YIMEN_FAULT_KILL_AFTER_EVENTS");
    const bool kill_before = env_int("YIMEN_FAULT_KILL_BEFORE_COMMIT") != 0;
    const std::int64_t delay_ms = env_int("YIMEN_FAULT_HANDLER_DELAY_MS");
    yimen::county::PushHooks hooks;
    if (kill_before || delay_ms > 0)
        hooks.before_ingest = [=] {
            if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
            if (kill_before) std::raise(SIGKILL);
        };
    if (kill_after > 0)
        hooks.after_commit = [=](std::int64_t committed) {
            if (committed >= kill_after) std::raise(SIGKILL);
        };
    return yimen::county::county_server_main(argc, argv, hooks);
}
