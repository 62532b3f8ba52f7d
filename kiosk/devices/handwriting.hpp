// handwriting.hpp — the handwriting pad's recogniser: zinnia with the tegaki simplified-Chinese model (GB2312,
// 6,763 characters), for residents who cannot type pinyin. The 27 MB model is loaded on first use, so a kiosk where
// nobody writes never pays its ~30 MB. classify() blocks for a few milliseconds: call it from a worker.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace zinnia {
class Recognizer;
}

namespace yimen::kiosk {

struct InkPoint {
    int x = 0, y = 0;   // pad pixels, origin top-left
};
using InkStroke = std::vector<InkPoint>;

inline constexpr const char* kDefaultHandwritingModel = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model";

class HandwritingRecognizer {
public:
    explicit HandwritingRecognizer(std::string model_path = kDefaultHandwritingModel);
    ~HandwritingRecognizer();
    HandwritingRecognizer(const HandwritingRecognizer&) = delete;
    HandwritingRecognizer& operator=(const HandwritingRecognizer&) = delete;

    // The best `n` characters for the strokes written on a pad of `width` × `height`, best first.
    // Codes: no_model (the model file is missing or unreadable), empty (no strokes).
    Result<std::vector<std::string>> classify(const std::vector<InkStroke>& strokes, int width, int height,
                                              int n = 10);
    const std::string& model_path() const { return path_; }
    // Frees the model (about 30 MB) until the next classify(); the kiosk calls it when a session ends, so the
    // memory is held only while someone is writing. Reloading takes ~20 ms.
    void release();

private:
    std::string path_;
    std::mutex mu_;
    std::unique_ptr<zinnia::Recognizer> recognizer_;
    bool failed_ = false;
};

}  // namespace yimen::kiosk
