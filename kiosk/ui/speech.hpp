// speech.hpp — read-aloud (朗读) for the elderly-friendly mode: espeak-ng with the `cmn-latn-pinyin` voice (Debian's
// `cmn` voice speaks Chinese as English, RECIPES.md §4), synthesised on a worker and played through SDL audio.
// No sound device (tests, a kiosk without speakers) simply means silence.
// Nothing is loaded before the first speak(): espeak-ng's voice data and the worker thread come with the first request,
// and the frame thread never waits for them (speak() and stop() only hand a request over).
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace yimen::kiosk {

class Speech {
public:
    Speech() = default;
    ~Speech();
    Speech(const Speech&) = delete;
    Speech& operator=(const Speech&) = delete;
    // Speaks `text` (UTF-8) as speech_text() says it (kiosk/model/speech_text.hpp), replacing whatever was being spoken or waiting to be.
    void speak(const std::string& text);
    void stop();
    // Requests handed over so far that the worker has finished (synthesised, or dropped as replaced); tests.
    int finished() const { return finished_.load(); }
    // The synthesiser is loaded (the first request got that far) and works.
    bool loaded() const { return loaded_.load(); }

private:
    void run();

    std::thread worker_;                 // started by the first speak()
    std::mutex mu_;
    std::condition_variable cv_;
    std::optional<std::string> next_;    // the latest request, not yet taken by the worker
    bool quit_ = false;
    std::atomic<int> generation_{0};     // bumped by every speak()/stop(): a synthesis of an older one is dropped
    std::atomic<int> finished_{0};
    std::atomic<bool> loaded_{false};
    unsigned device_ = 0;                // worker only
};

}  // namespace yimen::kiosk
