# sync_bench: upload over mutual TLS and county ingest (needs the county server too).
if(TARGET yimen_county)
  add_executable(sync_bench ${CMAKE_CURRENT_LIST_DIR}/sync_bench.cpp)
  target_link_libraries(sync_bench PRIVATE yimen::county yimen::sync yimen_warnings)
  add_test(NAME bench/sync_bench COMMAND sync_bench --tiny)
  set_tests_properties(bench/sync_bench PROPERTIES LABELS bench ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR}")
endif()
