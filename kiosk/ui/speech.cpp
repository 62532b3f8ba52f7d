// speech.cpp — see speech.hpp.
#include "kiosk/ui/speech.hpp"

#include <SDL.h>
#include <espeak-ng/speak_lib.h>

#include <vector>

#include "kiosk/model/speech_text.hpp"

namespace yimen::kiosk {
namespace {

// espeak-ng is process-global and calls back on the synthesising thread: one synthesis at a time (g_synth).
std::mutex g_synth;
std::vector<short>* g_pcm = nullptr;
std::atomic<int>* g_generation = nullptr;
int g_expected = 0;

int on_synth(short* wav, int n, espeak_EVENT*) {
    if (wav && n > 0 && g_pcm) g_pcm->insert(g_pcm->end(), wav, wav + n);
    // Returning 1 aborts the synthesis: a newer request (or stop) came in meanwhile.
    return g_generation && g_generation->load() != g_expected ? 1 : 0;
}

}  // namespace

Speech::~Speech() {
    {
        std::lock_guard lk(mu_);
        quit_ = true;
        next_.reset();
    }
    ++generation_;
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void Speech::stop() {
    std::lock_guard lk(mu_);
    next_.reset();
    ++generation_;
    if (worker_.joinable()) next_ = std::string();  // the worker clears the device's queue
    cv_.notify_all();
}

void Speech::speak(const std::string& text) {
    std::lock_guard lk(mu_);
    next_ = text;
    ++generation_;
    if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
    cv_.notify_all();
}

void Speech::run() {
    int rate = 0;
    for (;;) {
        std::string text;
        int gen = 0;
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [&] { return quit_ || next_.has_value(); });
            if (quit_) break;
            text = std::move(*next_);
            next_.reset();
            gen = generation_.load();
        }
        if (device_) SDL_ClearQueuedAudio(device_);
        if (text.empty()) {  // stop()
            ++finished_;
            continue;
        }
        // Said the way a person says it (receipt numbers digit by digit, money in 元), cheaply, off the frame.
        text = speech_text(text);
        std::vector<short> pcm;
        if (!text.empty()) {
            std::lock_guard synth(g_synth);
            if (rate == 0) {
                // The first request loads espeak-ng (voice data, phoneme tables) here, never on the frame thread.
                rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
                if (rate > 0) {
                    espeak_SetSynthCallback(on_synth);
                    if (espeak_SetVoiceByName("cmn-latn-pinyin") != EE_OK) rate = -1;
                } else {
                    rate = -1;
                }
                loaded_ = rate > 0;
            }
            if (rate > 0 && generation_ == gen) {
                g_pcm = &pcm;
                g_generation = &generation_;
                g_expected = gen;
                espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
                espeak_Synchronize();
                g_pcm = nullptr;
                g_generation = nullptr;
            }
        }
        if (rate > 0 && generation_ == gen && !pcm.empty()) {
            // SDL's audio starts here, with the first sentence spoken (its back ends cost start and exit time).
            if (!device_ && (SDL_WasInit(SDL_INIT_AUDIO) != 0 || SDL_InitSubSystem(SDL_INIT_AUDIO) == 0)) {
                SDL_AudioSpec want{};
                want.freq = rate;
                want.format = AUDIO_S16SYS;
                want.channels = 1;
                want.samples = 1024;
                device_ = SDL_OpenAudioDevice(nullptr, 0, &want, nullptr, 0);
            }
            if (device_) {
                SDL_QueueAudio(device_, pcm.data(), static_cast<Uint32>(pcm.size() * sizeof(short)));
                SDL_PauseAudioDevice(device_, 0);
            }
        }
        ++finished_;
    }
    if (device_) SDL_CloseAudioDevice(device_);
}

}  // namespace yimen::kiosk
