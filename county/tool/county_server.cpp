// county-server — the county service and its operator commands (county_cli.cpp); the shipped binary has no hooks.
#include "county/tool/county_cli.hpp"

int main(int argc, char** argv) { return yimen::county::county_server_main(argc, argv); }
