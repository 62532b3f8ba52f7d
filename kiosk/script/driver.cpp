// driver.cpp — see driver.hpp.
#include "kiosk/script/driver.hpp"

#include <SDL.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "kiosk/model/text.hpp"
#include "kiosk/ui/render.hpp"

namespace yimen::kiosk {

void ScriptDriver::tap_xy(float x, float y) {
    float lw = static_cast<float>(app_.config().screen_width), lh = static_cast<float>(app_.config().screen_height);
    SDL_Event e{};
    e.type = SDL_FINGERDOWN;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 1;
    e.tfinger.x = x / lw;
    e.tfinger.y = y / lh;
    e.tfinger.pressure = 1;
    SDL_PushEvent(&e);
    app_.frame();
    e.type = SDL_FINGERUP;
    SDL_PushEvent(&e);
    app_.frames(2);
    app_.settle();
}

bool ScriptDriver::tap(const std::string& label) {
    for (int i = 0; i < 3 && !app_.target(label); ++i) app_.settle();
    const TouchTarget* t = app_.target(label);
    if (!t) return false;
    tap_xy(t->cx(), t->cy());
    return true;
}

bool ScriptDriver::type(const std::string& text) {
    for (char32_t c : utf8::decode(text)) {
        std::string k;
        if (c == ' ') k = "key-space";
        else if (c < 0x80) k = "key-" + std::string(1, static_cast<char>(c == 'x' && app_.model().focused() &&
                                                                            app_.model().focused()->kind != InputKind::chinese
                                                                        ? 'X'
                                                                        : c));
        else return false;  // Chinese goes through pinyin and candidates
        if (!tap(k)) return false;
    }
    return true;
}

void ScriptDriver::scan(const std::string& text) {
    for (char c : text) {
        SDL_Event e{};
        e.type = SDL_TEXTINPUT;
        e.text.text[0] = c;
        e.text.text[1] = 0;
        SDL_PushEvent(&e);
    }
    SDL_Event e{};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_RETURN;
    SDL_PushEvent(&e);
    app_.frame();
    app_.settle();
}

void ScriptDriver::finger(const std::vector<std::pair<float, float>>& points, int steps_per_segment, bool frame_each) {
    if (points.empty()) return;
    float lw = static_cast<float>(app_.config().screen_width), lh = static_cast<float>(app_.config().screen_height);
    SDL_Event e{};
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 1;
    e.type = SDL_FINGERDOWN;
    e.tfinger.x = points[0].first / lw;
    e.tfinger.y = points[0].second / lh;
    SDL_PushEvent(&e);
    app_.frame();
    for (std::size_t i = 1; i < points.size(); ++i) {
        // A real finger reports many points along a line: fill each segment (by default in 8 px steps).
        auto [px, py] = points[i - 1];
        auto [x, y] = points[i];
        int steps = steps_per_segment > 0 ? steps_per_segment
                                          : std::max(1, static_cast<int>(std::hypot(x - px, y - py) / 8.f));
        for (int k = 1; k <= steps; ++k) {
            float t = static_cast<float>(k) / static_cast<float>(steps);
            e.type = SDL_FINGERMOTION;
            e.tfinger.x = (px + (x - px) * t) / lw;
            e.tfinger.y = (py + (y - py) * t) / lh;
            SDL_PushEvent(&e);
            if (frame_each) app_.frame();
        }
        if (!frame_each) app_.frame();
    }
    e.type = SDL_FINGERUP;
    SDL_PushEvent(&e);
    app_.frames(2);
    app_.settle();
}

void ScriptDriver::drag(float x1, float y1, float x2, float y2) { finger({{x1, y1}, {x2, y2}}, 12, true); }

void ScriptDriver::stroke(const std::vector<std::pair<float, float>>& points) {
    finger(points, 0, false);
    app_.frames(1);  // the recogniser's answer, drawn
}

bool ScriptDriver::stroke_on_pad(const std::vector<std::pair<float, float>>& percent) {
    const TouchTarget* pad = app_.target("handwriting-pad");
    if (!pad) return false;
    std::vector<std::pair<float, float>> pts;
    for (auto [px, py] : percent)
        pts.emplace_back(pad->x0 + (pad->x1 - pad->x0) * px / 100.f, pad->y0 + (pad->y1 - pad->y0) * py / 100.f);
    stroke(pts);
    return true;
}

void ScriptDriver::advance(std::int64_t ms) {
    app_.clock().advance(ms);
    app_.frames(2);
    app_.settle();
}

Result<std::string> ScriptDriver::screenshot(const std::string& name) {
    if (shots_.empty()) return Error{"no_dir", "没有指定截图目录（--screenshots DIR）"};
    std::error_code ec;
    std::filesystem::create_directories(shots_, ec);
    app_.settle();
    int w = 0, h = 0;
    auto buf = app_.pixels(w, h);
    std::string path = shots_ + "/" + name + ".png";
    if (!write_png(path, w, h, buf.data(), w * 4))
        return Error{"png", "截图写入失败：" + path};
    return path;
}

Status ScriptDriver::run(const std::vector<ScriptCommand>& script) {
    if (!app_.wait_ready(20000)) return Error{"not_ready", "界面资源没有在规定时间内准备好"};
    for (auto& c : script) {
        auto fail = [&](const std::string& why) {
            return Error{"script", "脚本第 " + std::to_string(c.line) + " 行（" + c.verb + " " + c.text + "）：" + why};
        };
        if (c.verb == "tap") {
            if (!tap(c.text)) return fail("画面上没有这个按钮");
        } else if (c.verb == "tap-first") {
            const TouchTarget* hit = nullptr;
            for (int i = 0; i < 3 && !hit; ++i) {
                for (auto& t : app_.targets())
                    if (t.label.rfind(c.text, 0) == 0) {
                        hit = &t;
                        break;
                    }
                if (!hit) app_.settle();
            }
            if (!hit) return fail("画面上没有以此开头的按钮");
            tap_xy(hit->cx(), hit->cy());
        } else if (c.verb == "tap-xy") {
            tap_xy(static_cast<float>(c.numbers[0]), static_cast<float>(c.numbers[1]));
        } else if (c.verb == "type") {
            if (!type(c.text)) return fail("无法通过屏幕键盘输入（请先点输入框；汉字请用拼音和候选）");
        } else if (c.verb == "scan") {
            scan(c.text);
        } else if (c.verb == "drag") {
            drag(static_cast<float>(c.numbers[0]), static_cast<float>(c.numbers[1]), static_cast<float>(c.numbers[2]),
                 static_cast<float>(c.numbers[3]));
        } else if (c.verb == "stroke") {
            std::vector<std::pair<float, float>> pts;
            for (std::size_t k = 0; k + 1 < c.numbers.size(); k += 2)
                pts.emplace_back(static_cast<float>(c.numbers[k]), static_cast<float>(c.numbers[k + 1]));
            if (!stroke_on_pad(pts)) return fail("画面上没有手写框（请先点输入框，再点“手写”）");
        } else if (c.verb == "wait") {
            advance(c.numbers[0]);
        } else if (c.verb == "sleep") {
            // Real time, for background work such as the sync worker (the demo waits for an upload or a pull).
            for (int left = c.numbers[0]; left > 0; left -= 100) {
                std::this_thread::sleep_for(std::chrono::milliseconds(std::min(left, 100)));
                app_.model().settle();
                app_.frames(1);
            }
            app_.settle();
        } else if (c.verb == "await") {
            bool seen = false;
            for (int left = c.numbers[0]; left > 0 && !seen; left -= 50) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                app_.frames(1);
                seen = app_.target(c.text) != nullptr;
            }
            if (!seen) return fail("等了 " + std::to_string(c.numbers[0]) + " 毫秒，画面上仍没有这个按钮");
        } else if (c.verb == "idle") {
            // In steps, so the warning is drawn before the wipe.
            std::int64_t left = std::int64_t{c.numbers[0]} * 1000;
            while (left > 0) {
                std::int64_t step = std::min<std::int64_t>(left, 1000);
                app_.clock().advance(step);
                left -= step;
                app_.frame();
            }
            app_.settle();
        } else if (c.verb == "shot") {
            auto r = screenshot(c.text);
            if (!r) return fail(r.error().message);
        }
    }
    return Ok{};
}

}  // namespace yimen::kiosk
