// speech.hpp — read-aloud (朗读) for the elderly-friendly mode: espeak-ng with the `cmn-latn-pinyin` voice (Debian's
// `cmn` voice speaks Chinese as English, RECIPES.md §4), synthesised on a worker and played through SDL audio.
// No sound device (tests, a kiosk without speakers) simply means silence.
#pragma once
#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace yimen::kiosk {

class Speech {
public:
    Speech() = default;
    ~Speech();
    Speech(const Speech&) = delete;
    Speech& operator=(const Speech&) = delete;
    // Speaks `text` (UTF-8), replacing whatever was being spoken.
    void speak(const std::string& text);
    void stop();

private:
    std::thread worker_;
    std::atomic<bool> cancel_{false};
    unsigned device_ = 0;
    std::mutex mu_;
};

}  // namespace yimen::kiosk
