// handwriting.cpp — see handwriting.hpp.
#include "kiosk/devices/handwriting.hpp"

#include <zinnia.h>

#include <algorithm>

namespace yimen::kiosk {

HandwritingRecognizer::HandwritingRecognizer(std::string model_path) : path_(std::move(model_path)) {}

HandwritingRecognizer::~HandwritingRecognizer() = default;

void HandwritingRecognizer::release() {
    std::lock_guard lock(mu_);
    recognizer_.reset();
    failed_ = false;  // a model installed meanwhile is found next time
}

Result<std::vector<std::string>> HandwritingRecognizer::classify(const std::vector<InkStroke>& strokes, int width,
                                                                 int height, int n) {
    std::lock_guard lock(mu_);
    if (strokes.empty()) return Error{"empty", "还没有写字"};
    if (!recognizer_ && !failed_) {
        recognizer_.reset(zinnia::Recognizer::create());
        if (!recognizer_ || !recognizer_->open(path_.c_str())) {
            recognizer_.reset();
            failed_ = true;
        }
    }
    if (!recognizer_) return Error{"no_model", "手写识别模型不可用（" + path_ + "），请改用拼音输入或请工作人员帮助"};
    std::unique_ptr<zinnia::Character> ch(zinnia::Character::create());
    // The model was trained on square boxes: a non-square pad is mapped into the square of its longer side, centred.
    const int side = std::max({width, height, 1});
    const int dx = (side - width) / 2, dy = (side - height) / 2;
    ch->set_width(static_cast<std::size_t>(side));
    ch->set_height(static_cast<std::size_t>(side));
    std::size_t id = 0;
    for (const auto& s : strokes) {
        if (s.empty()) continue;
        for (const auto& p : s) ch->add(id, std::clamp(p.x + dx, 0, side), std::clamp(p.y + dy, 0, side));
        ++id;
    }
    if (id == 0) return Error{"empty", "还没有写字"};
    std::unique_ptr<zinnia::Result> r(recognizer_->classify(*ch, static_cast<std::size_t>(std::max(1, n))));
    std::vector<std::string> out;
    if (r)
        for (std::size_t i = 0; i < r->size(); ++i) out.emplace_back(r->value(i));
    return out;
}

}  // namespace yimen::kiosk
