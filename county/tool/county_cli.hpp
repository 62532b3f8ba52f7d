// county_cli.hpp — the county-server command line as a function (see county_cli.cpp).
#pragma once
#include "county/server.hpp"

namespace yimen::county {

// Parses argv and runs the command; returns the process's exit code. `hooks` reach `serve`'s push handler.
int county_server_main(int argc, char** argv, const PushHooks& hooks = {});

}  // namespace yimen::county
