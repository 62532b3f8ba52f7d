// input.hpp — the kiosk's own input layer (RECIPES.md §1): SDL touch and mouse events become ImGui mouse input set
// after ImGui_ImplSDL2_NewFrame (Debian's 1.86 backend ignores touch and polls the mouse). A press that moves more
// than a few pixels becomes a drag: it scrolls lists and articles and never counts as a tap. Presses and releases
// are applied one per frame, so even an instant tap shows its pressed state and registers.
#pragma once
#include <deque>
#include <vector>

#include <SDL.h>

#include <utility>

namespace yimen::kiosk {

class InputLayer {
public:
    // `scale`: window pixels per logical pixel.
    void set_scale(float s) { scale_ = s; }
    void set_logical_size(float w, float h) {
        w_ = w;
        h_ = h;
    }
    // True for events that are the resident's touch (they reset the idle timer).
    bool handle(const SDL_Event& e);
    // After ImGui_ImplSDL2_NewFrame, before ImGui::NewFrame.
    void apply();
    // True while a queued press or release still has to be shown in a coming frame.
    bool pending() const { return !queue_.empty() || !finished_.empty(); }
    bool dragging() const { return dragging_; }
    bool down() const { return down_; }
    float drag_start_x() const { return start_x_; }
    float drag_start_y() const { return start_y_; }
    // Vertical movement of the drag since the last frame (logical px), consumed by the scroll area under it.
    float take_drag_dy();
    float x() const { return x_; }
    float y() const { return y_; }

    // Handwriting: a press that starts inside the ink area (set by the pad as it is drawn; cleared each frame)
    // is a pen stroke. Every motion event is kept, not one position per frame, and ImGui never sees the press, so
    // writing neither taps nor scrolls. Points are in logical pixels.
    struct Point {
        float x, y;
    };
    void set_ink_area(float x0, float y0, float x1, float y1) { ink_ = {x0, y0, x1, y1, true}; }
    void clear_ink_area() { ink_.set = false; }
    bool inking() const { return inking_; }
    const std::vector<Point>& live_stroke() const { return live_; }
    std::vector<std::vector<Point>> take_strokes() { return std::exchange(finished_, {}); }

private:
    struct Transition {
        bool down;
        float x, y;
    };
    void move_to(float x, float y);
    void press(bool down, float x, float y);
    void motion(float x, float y);
    bool ink_press(float x, float y);
    void ink_move(float x, float y);
    void ink_release(float x, float y);

    struct InkArea {
        float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        bool set = false;
    } ink_;
    bool inking_ = false;
    std::vector<Point> live_;
    std::vector<std::vector<Point>> finished_;

    float scale_ = 1.f;
    float w_ = 1080.f, h_ = 1920.f;
    std::deque<Transition> queue_;
    bool down_ = false;       // as ImGui sees it
    bool physically_down_ = false;
    bool dragging_ = false;
    float x_ = -1e6f, y_ = -1e6f;
    float start_x_ = 0, start_y_ = 0;
    float last_y_ = 0;
    float drag_dy_ = 0;
    SDL_FingerID finger_ = -1;
};

}  // namespace yimen::kiosk
