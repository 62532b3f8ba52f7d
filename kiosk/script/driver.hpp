// driver.hpp — the touch-script driver: plays a script (script.hpp) or single gestures on the real app by injecting
// SDL events, exactly as a finger would, and writes screenshots. Test and demo code: hall-kiosk links it for
// `--script FILE --screenshots DIR` only; the app itself knows nothing of scripts.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "kiosk/script/script.hpp"
#include "kiosk/ui/app.hpp"

namespace yimen::kiosk {

class ScriptDriver {
public:
    // `screenshots_dir`: where `shot NAME` writes NAME.png (empty: shots are refused with a message).
    ScriptDriver(App& app, std::string screenshots_dir) : app_(app), shots_(std::move(screenshots_dir)) {}

    Status run(const std::vector<ScriptCommand>& script);

    bool tap(const std::string& label);
    void tap_xy(float x, float y);
    bool type(const std::string& text);
    void scan(const std::string& text);
    void drag(float x1, float y1, float x2, float y2);
    // One finger stroke through `points` (logical px), every point a motion event; then the recogniser settles.
    void stroke(const std::vector<std::pair<float, float>>& points);
    // The same through points given in percent of the handwriting pad; false when no pad is on screen.
    bool stroke_on_pad(const std::vector<std::pair<float, float>>& percent);
    // Script time passes (the kiosk's clock moves), frames run.
    void advance(std::int64_t ms);
    Result<std::string> screenshot(const std::string& name);

private:
    // A finger down at the first point, moving along the segments, up at the last; then the lanes settle.
    // `steps_per_segment` motion events per segment (0: one per 8 px); a frame after each when `frame_each`.
    void finger(const std::vector<std::pair<float, float>>& points, int steps_per_segment, bool frame_each);

    App& app_;
    std::string shots_;
};

}  // namespace yimen::kiosk
