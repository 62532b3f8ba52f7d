# kiosk_bench — start-up, memory, idle CPU, frame times and the glyph atlas of the hall kiosk (offscreen driver).
if(TARGET yimen::kiosk_ui)
  add_executable(kiosk_bench ${CMAKE_CURRENT_LIST_DIR}/kiosk_bench.cpp)
  target_link_libraries(kiosk_bench PRIVATE yimen::kiosk_ui yimen_warnings)
  target_compile_definitions(kiosk_bench PRIVATE YIMEN_SOURCE_ASSETS_DIR="${YIMEN_SOURCE_ASSETS_DIR}")
  add_test(NAME bench/kiosk_bench COMMAND kiosk_bench --tiny)
  set_tests_properties(bench/kiosk_bench PROPERTIES LABELS "bench;kiosk"
    ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR};SDL_VIDEODRIVER=offscreen")
endif()
