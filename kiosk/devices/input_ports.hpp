// input_ports.hpp — the input engines behind the core's ports (model/ports.hpp): librime's pinyin engine and zinnia's
// recogniser, adapted from the outside so the engines stay as they are.
#pragma once
#include "kiosk/devices/handwriting.hpp"
#include "kiosk/devices/pinyin.hpp"
#include "kiosk/model/ports.hpp"

namespace yimen::kiosk {

class RimePinyin final : public PinyinPort {
public:
    explicit RimePinyin(PinyinEngine& engine) : e_(engine) {}
    bool ready() const override { return e_.ready(); }
    std::string key(char c) override { return e_.key(c); }
    void backspace() override { e_.backspace(); }
    std::string preedit() override { return e_.preedit(); }
    std::vector<std::string> candidates() override { return e_.candidates(); }
    bool has_next_page() override { return e_.has_next_page(); }
    bool has_prev_page() override { return e_.has_prev_page(); }
    void page(bool next) override { e_.page(next); }
    std::string select(int index_on_page) override { return e_.select(index_on_page); }
    std::string commit_raw() override { return e_.commit_raw(); }
    void clear() override { e_.clear(); }
    bool composing() override { return e_.composing(); }

private:
    PinyinEngine& e_;
};

class ZinniaHandwriting final : public HandwritingPort {
public:
    explicit ZinniaHandwriting(HandwritingRecognizer& recognizer) : r_(recognizer) {}
    Result<std::vector<std::string>> classify(const std::vector<PenStroke>& strokes, int width, int height,
                                              int n) override;
    void release() override { r_.release(); }

private:
    HandwritingRecognizer& r_;
};

}  // namespace yimen::kiosk
