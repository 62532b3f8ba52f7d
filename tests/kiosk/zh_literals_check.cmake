# zh_literals_check.cmake — every string a person reads on the kiosk comes from the string tables (assets/i18n/), so
# the English screen is complete: a Chinese string literal in kiosk/ C++ outside comments fails this check
# (cmake -DROOT=<source dir> -P …), except
#   - in the allow-listed files below, each with its reason, and
#   - on a line marked `// zh-ok: <reason>` (messages printed before the tables load, or to the log; config defaults).
# Matched by UTF-8 bytes, so the check needs nothing but CMake: CJK characters by their lead bytes (0xE4–0xE9:
# U+4000–U+9FFF) and Chinese punctuation (U+3000–U+303F, and the full-width forms U+FF00–U+FF5F such as ：（）).
set(allow
  kiosk/model/receipts.cpp          # receipt data: receipts are printed in Chinese whatever the screen language
  kiosk/model/receipts.hpp
  kiosk/model/demo_seed.cpp         # demo seed data: fictional Chinese names and cases
  kiosk/devices/pinyin.cpp          # pinyin engine internals (rime schemas, candidates)
  kiosk/devices/handwriting.cpp     # handwriting engine internals; the screen says kb.hw_unavailable
  kiosk/devices/receipt_printer.cpp # the printer driver's own sentences; other languages show err.print.<outcome>
  kiosk/model/speech_text.cpp       # the read-aloud normaliser: it writes Chinese numerals (一 零 〇 元 角 百分之) by nature
  kiosk/model/speech_text.hpp
  kiosk/ui/targets.hpp              # touch-target names the scripts address; never drawn
  kiosk/script/script.cpp           # the touch-script tool (tests and the demo), for script authors
  kiosk/script/driver.cpp
  kiosk/devices/id_card_reader.cpp  # card data (ethnicity names, 长期) and the reader's own sentences, which kiosk-ctl
                                    # prints without string tables; the screen will show err.idcard.<code>
  kiosk/tool/idcard_sim.cpp         # the simulator's synthetic cards: fictional Chinese names and addresses
)
string(ASCII 228 lo)
string(ASCII 233 hi)
string(ASCII 227 e3)
string(ASCII 128 x80)
string(ASCII 239 ef)
string(ASCII 188 xbc)
string(ASCII 189 xbd)
set(zh "([${lo}-${hi}]|${e3}${x80}|${ef}[${xbc}${xbd}])")
file(GLOB_RECURSE sources RELATIVE "${ROOT}" "${ROOT}/kiosk/*.cpp" "${ROOT}/kiosk/*.hpp")
set(problems "")
foreach(rel ${sources})
  list(FIND allow "${rel}" allowed)
  if(allowed GREATER -1)
    continue()
  endif()
  file(READ "${ROOT}/${rel}" text)
  # Block comments go first (newlines kept, so line numbers stay right), then each line's // comment.
  string(REGEX MATCHALL "/\\*([^*]|\\*+[^*/])*\\*+/" blocks "${text}")
  foreach(b ${blocks})
    string(REGEX REPLACE "[^\n]" "" keep "${b}")
    string(REPLACE "${b}" "${keep}" text "${text}")
  endforeach()
  # One list element per line: protect the characters CMake lists treat specially.
  string(REPLACE ";" "<sc>" text "${text}")
  string(REPLACE "[" "<lb>" text "${text}")
  string(REPLACE "]" "<rb>" text "${text}")
  string(REPLACE "\\" "<bs>" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(line MATCHES "// zh-ok: ")
      continue()
    endif()
    string(REGEX REPLACE "^([^\"]*(\"([^\"]|<bs>\")*\"[^\"]*)*)//.*$" "\\1" code "${line}")
    if(code MATCHES "\"([^\"]|<bs>\")*${zh}")
      string(STRIP "${line}" shown)
      string(REPLACE "<sc>" ";" shown "${shown}")
      string(REPLACE "<lb>" "[" shown "${shown}")
      string(REPLACE "<rb>" "]" shown "${shown}")
      string(REPLACE "<bs>" "\\" shown "${shown}")
      string(APPEND problems "${rel}:${n}: ${shown}\n")
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "Chinese literals outside the string tables (move them to assets/i18n/*.json and use tr/fmt, "
                      "or allow-list them with a reason in tests/kiosk/zh_literals_check.cmake):\n${problems}")
endif()
message(STATUS "no Chinese literal outside the string tables and the allow-list")
