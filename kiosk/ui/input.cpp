// input.cpp — see input.hpp.
#include "kiosk/ui/input.hpp"

#include <imgui.h>

#include <cfloat>
#include <cmath>

namespace yimen::kiosk {
namespace {
constexpr float kDragThreshold = 24.f;  // logical px: a finger wobbles; more than this is a drag
}

bool InputLayer::handle(const SDL_Event& e) {
    switch (e.type) {
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP: {
            if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) return false;
            float x = static_cast<float>(e.button.x) / scale_, y = static_cast<float>(e.button.y) / scale_;
            queue_.push_back({e.type == SDL_MOUSEBUTTONDOWN, x, y});
            physically_down_ = e.type == SDL_MOUSEBUTTONDOWN;
            return true;
        }
        case SDL_MOUSEMOTION: {
            if (e.motion.which == SDL_TOUCH_MOUSEID) return false;
            float x = static_cast<float>(e.motion.x) / scale_, y = static_cast<float>(e.motion.y) / scale_;
            if (!queue_.empty()) {
                // Moves before a queued press/release belong after it; keep the latest position on it.
                queue_.back().x = x;
                queue_.back().y = y;
            } else {
                move_to(x, y);
            }
            return physically_down_;
        }
        case SDL_FINGERDOWN:
        case SDL_FINGERUP: {
            if (e.type == SDL_FINGERDOWN && finger_ != -1 && finger_ != e.tfinger.fingerId) return false;
            if (e.type == SDL_FINGERUP && finger_ != e.tfinger.fingerId) return false;
            finger_ = e.type == SDL_FINGERDOWN ? e.tfinger.fingerId : -1;
            queue_.push_back({e.type == SDL_FINGERDOWN, e.tfinger.x * w_, e.tfinger.y * h_});
            physically_down_ = e.type == SDL_FINGERDOWN;
            return true;
        }
        case SDL_FINGERMOTION: {
            if (e.tfinger.fingerId != finger_) return false;
            float x = e.tfinger.x * w_, y = e.tfinger.y * h_;
            if (!queue_.empty()) {
                queue_.back().x = x;
                queue_.back().y = y;
            } else {
                move_to(x, y);
            }
            return true;
        }
        default: return false;
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

float InputLayer::take_drag_dy() {
    float d = drag_dy_;
    drag_dy_ = 0;
    return d;
}

}  // namespace yimen::kiosk
