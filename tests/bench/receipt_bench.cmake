# receipt_bench — layout + encode time per receipt, time to the first bytes, bytes in raster vs text mode.
add_executable(receipt_bench ${CMAKE_CURRENT_LIST_DIR}/receipt_bench.cpp)
target_link_libraries(receipt_bench PRIVATE yimen::printer yimen_warnings)
add_test(NAME bench/receipt_bench COMMAND receipt_bench --tiny)
set_tests_properties(bench/receipt_bench PROPERTIES LABELS bench ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR}")
