# county benchmarks: the server under load and attack (county_load_bench).
add_executable(county_load_bench ${CMAKE_CURRENT_LIST_DIR}/county_load_bench.cpp)
target_link_libraries(county_load_bench PRIVATE yimen::county yimen::sync yimen_warnings)
add_test(NAME bench/county_load_bench COMMAND county_load_bench --tiny)
set_tests_properties(bench/county_load_bench PROPERTIES LABELS bench ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR}")

# The supervision figures over 1 M cases, 3 M ratings and 1 M quiz responses (county_stats_bench); it runs
# county-server stats to check that the CLI prints the same figures.
add_executable(county_stats_bench ${CMAKE_CURRENT_LIST_DIR}/county_stats_bench.cpp)
target_link_libraries(county_stats_bench PRIVATE yimen::county yimen::sync yimen_warnings)
target_compile_definitions(county_stats_bench PRIVATE YIMEN_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}"
  YIMEN_PG_CLUSTER_SCRIPT="${PROJECT_SOURCE_DIR}/tests/support/pg_cluster.sh")
add_dependencies(county_stats_bench county-server)
add_test(NAME bench/county_stats_bench COMMAND county_stats_bench --tiny)
# …and then the same county moved to PostgreSQL (ctest's cluster) and its figures timed and compared there.
set_tests_properties(bench/county_stats_bench PROPERTIES LABELS bench FIXTURES_REQUIRED postgres
  ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR};YIMEN_PG_CLUSTER=${CMAKE_BINARY_DIR}/pg-cluster")

# Issue 17: ingest by 20 kiosks on SQLite, on PostgreSQL, and with two servers sharing one PostgreSQL database, each
# beside its database's raw insert rate (store_scale_bench); under ctest on the "postgres" fixture's cluster.
add_executable(store_scale_bench ${CMAKE_CURRENT_LIST_DIR}/store_scale_bench.cpp)
target_link_libraries(store_scale_bench PRIVATE yimen::county yimen::sync yimen_warnings)
target_compile_definitions(store_scale_bench PRIVATE
  YIMEN_PG_CLUSTER_SCRIPT="${PROJECT_SOURCE_DIR}/tests/support/pg_cluster.sh")
add_test(NAME bench/store_scale_bench COMMAND store_scale_bench --tiny)
set_tests_properties(bench/store_scale_bench PROPERTIES LABELS bench FIXTURES_REQUIRED postgres
  ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR};YIMEN_PG_CLUSTER=${CMAKE_BINARY_DIR}/pg-cluster")
