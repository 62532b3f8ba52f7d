# kiosk_bench — start-up side by side with headless Chromium, memory (PSS), idle CPU, frame times and the glyph atlas
# of the hall kiosk (offscreen driver). The ctest entry is a smoke: one side-by-side run, one idle second, five frames.
if(TARGET yimen::kiosk_ui)
  add_executable(kiosk_bench ${CMAKE_CURRENT_LIST_DIR}/kiosk_bench.cpp)
  target_link_libraries(kiosk_bench PRIVATE yimen::kiosk_ui yimen_kiosk_script yimen_warnings)
  target_compile_definitions(kiosk_bench PRIVATE YIMEN_SOURCE_ASSETS_DIR="${YIMEN_SOURCE_ASSETS_DIR}"
    YIMEN_HALL_KIOSK="$<TARGET_FILE:hall-kiosk>" YIMEN_BENCH_DIR="${CMAKE_CURRENT_LIST_DIR}"
    YIMEN_DEPLOY_RIME="${PROJECT_SOURCE_DIR}/scripts/deploy-rime.sh")
  add_dependencies(kiosk_bench hall-kiosk)
  add_test(NAME bench/kiosk_bench COMMAND kiosk_bench --tiny)
  set_tests_properties(bench/kiosk_bench PROPERTIES LABELS "bench;kiosk"
    ENVIRONMENT "YIMEN_ASSETS=${YIMEN_SOURCE_ASSETS_DIR};SDL_VIDEODRIVER=offscreen")
endif()
