// input.cpp — see input.hpp.
#include "kiosk/ui/input.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace yimen::kiosk {
namespace {
constexpr float kDragThreshold = 24.f;  // logical px: a finger wobbles; more than this is a drag
}

bool InputLayer::handle(const SDL_Event& e) {
    switch (e.type) {
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) return false;
            press(e.type == SDL_MOUSEBUTTONDOWN, static_cast<float>(e.button.x) / scale_,
                  static_cast<float>(e.button.y) / scale_);
            return true;
        case SDL_MOUSEMOTION:
            if (e.motion.which == SDL_TOUCH_MOUSEID) return false;
            motion(static_cast<float>(e.motion.x) / scale_, static_cast<float>(e.motion.y) / scale_);
            return physically_down_;
        case SDL_FINGERDOWN:
        case SDL_FINGERUP:
            if (e.type == SDL_FINGERDOWN && finger_ != -1 && finger_ != e.tfinger.fingerId) return false;
            if (e.type == SDL_FINGERUP && finger_ != e.tfinger.fingerId) return false;
            finger_ = e.type == SDL_FINGERDOWN ? e.tfinger.fingerId : -1;
            press(e.type == SDL_FINGERDOWN, e.tfinger.x * w_, e.tfinger.y * h_);
            return true;
        case SDL_FINGERMOTION:
            if (e.tfinger.fingerId != finger_) return false;
            motion(e.tfinger.x * w_, e.tfinger.y * h_);
            return true;
        default: return false;
    }
}

// Mouse and finger alike: a press or release (a pen stroke when it starts on the pad), then moves.
void InputLayer::press(bool down, float x, float y) {
    physically_down_ = down;
    if (down ? ink_press(x, y) : inking_) {
        if (!down) ink_release(x, y);
        return;
    }
    queue_.push_back({down, x, y});
}

void InputLayer::motion(float x, float y) {
    if (inking_) {
        ink_move(x, y);
    } else if (!queue_.empty()) {
        // Moves before a queued press/release belong after it; keep the latest position on it.
        queue_.back().x = x;
        queue_.back().y = y;
    } else {
        move_to(x, y);
    }
}

void InputLayer::move_to(float x, float y) {
    x_ = x;
    y_ = y;
    if (!down_) return;
    if (!dragging_ && (std::fabs(x - start_x_) > kDragThreshold || std::fabs(y - start_y_) > kDragThreshold)) {
        dragging_ = true;
        last_y_ = start_y_;
    }
    if (dragging_) {
        drag_dy_ += y - last_y_;
        last_y_ = y;
    }
}

void InputLayer::apply() {
    if (!queue_.empty()) {
        auto t = queue_.front();
        queue_.pop_front();
        if (t.down) {
            down_ = true;
            dragging_ = false;
            start_x_ = t.x;
            start_y_ = t.y;
            last_y_ = t.y;
            x_ = t.x;
            y_ = t.y;
        } else {
            move_to(t.x, t.y);
            down_ = false;
        }
    }
    ImGuiIO& io = ImGui::GetIO();
    // A drag is not a tap: ImGui sees the finger leave, so the release lands on nothing.
    if (dragging_) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    else io.MousePos = ImVec2(x_, y_);
    io.MouseDown[0] = down_;
    for (int i = 1; i < 5; ++i) io.MouseDown[i] = false;
    io.MouseWheel = 0;
    if (!down_ && queue_.empty()) {
        // No hover on a touch screen: between touches the pointer is nowhere.
        if (!dragging_) io.MousePos = ImVec2(x_, y_);
    }
    if (!down_ && dragging_ && queue_.empty()) dragging_ = false;
}

bool InputLayer::ink_press(float x, float y) {
    // Only a fresh press: a finger already down (a drag that wandered onto the pad) stays what it was.
    if (!ink_.set || down_ || !queue_.empty() || x < ink_.x0 || x >= ink_.x1 || y < ink_.y0 || y >= ink_.y1)
        return false;
    inking_ = true;
    live_.assign(1, Point{x, y});
    return true;
}

void InputLayer::ink_move(float x, float y) {
    // Keep the stroke inside the pad, and skip sub-pixel jitter (the recogniser wants the shape, not the noise).
    x = std::clamp(x, ink_.x0, ink_.x1 - 1);
    y = std::clamp(y, ink_.y0, ink_.y1 - 1);
    if (!live_.empty() && std::fabs(live_.back().x - x) < 2.f && std::fabs(live_.back().y - y) < 2.f) return;
    live_.push_back({x, y});
}

void InputLayer::ink_release(float x, float y) {
    ink_move(x, y);
    inking_ = false;
    finished_.push_back(std::move(live_));
    live_.clear();
}

float InputLayer::take_drag_dy() {
    float d = drag_dy_;
    drag_dy_ = 0;
    return d;
}

}  // namespace yimen::kiosk
