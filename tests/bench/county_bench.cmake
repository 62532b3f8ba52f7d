# county benchmarks: the server under load and attack (county_load_bench).
add_executable(county_load_bench ${CMAKE_CURRENT_LIST_DIR}/county_load_bench.cpp)
target_link_libraries(county_load_bench PRIVATE yimen::county yimen_warnings)
add_test(NAME bench/county_load_bench COMMAND county_load_bench --tiny)
set_tests_properties(bench/county_load_bench PROPERTIES LABELS bench ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR}")
