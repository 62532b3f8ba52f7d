// script.hpp — the touch script that drives the real app (demo, screenshots, outside the tests too):
//   tap <label>          a touch on the centre of the app's own touch target with that label
//   tap-first PREFIX     a touch on the first target whose label starts with PREFIX (e.g. a quiz choice "A …")
//   tap-xy X Y           a touch at logical coordinates
//   type <text>          letters through the on-screen keys; digits on the pads
//   scan <text>          scanner keystrokes (a fast burst followed by Enter)
//   drag X1 Y1 X2 Y2     press, move in steps, release
//   stroke X1 Y1 X2 Y2 … one pen stroke on the handwriting pad through these points (percent of the pad's width
//                        and height), e.g. "stroke 10 50 90 50" then "stroke 50 10 50 90" writes 十
//   wait MS              let frames run for MS milliseconds of script time
//   sleep MS             let MS milliseconds of real time pass (background work such as the sync worker)
//   await MS LABEL       let real time pass until a touch target with that label is on the screen, at most MS
//                        milliseconds (a device answering: the ID card reader's offer)
//   idle SECONDS         advance the kiosk's clock without input (idle timeouts)
//   shot NAME            write NAME.png into the screenshot directory
// Blank lines and lines starting with # are ignored. ${NAME} is replaced by the environment variable NAME (the demo
// passes the receipt number it just made).
#pragma once
#include <string>
#include <vector>

#include "base/result.hpp"

namespace yimen::kiosk {

struct ScriptCommand {
    std::string verb;
    std::string text;             // label / text / name
    std::vector<int> numbers;     // coordinates, ms, seconds
    int line = 0;
};

Result<std::vector<ScriptCommand>> parse_script(const std::string& text);

}  // namespace yimen::kiosk
