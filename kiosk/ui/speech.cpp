// speech.cpp — see speech.hpp.
#include "kiosk/ui/speech.hpp"

#include <SDL.h>
#include <espeak-ng/speak_lib.h>

#include <vector>

namespace yimen::kiosk {
namespace {

std::vector<short>* g_pcm = nullptr;

int on_synth(short* wav, int n, espeak_EVENT*) {
    if (wav && n > 0 && g_pcm) g_pcm->insert(g_pcm->end(), wav, wav + n);
    return 0;
}

}  // namespace

Speech::~Speech() {
    stop();
    if (device_) SDL_CloseAudioDevice(device_);
}

void Speech::stop() {
    cancel_ = true;
    if (worker_.joinable()) worker_.join();
    cancel_ = false;
    if (device_) SDL_ClearQueuedAudio(device_);
}

void Speech::speak(const std::string& text) {
    stop();
    worker_ = std::thread([this, text] {
        std::lock_guard lk(mu_);
        static int rate = 0;
        if (rate == 0) {
            rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
            if (rate <= 0) {
                rate = -1;
                return;
            }
            espeak_SetSynthCallback(on_synth);
            if (espeak_SetVoiceByName("cmn-latn-pinyin") != EE_OK) {
                rate = -1;
                return;
            }
        }
        if (rate < 0 || cancel_) return;
        std::vector<short> pcm;
        g_pcm = &pcm;
        espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
        espeak_Synchronize();
        g_pcm = nullptr;
        if (cancel_ || pcm.empty()) return;
        if (!device_) {
            SDL_AudioSpec want{};
            want.freq = rate;
            want.format = AUDIO_S16SYS;
            want.channels = 1;
            want.samples = 1024;
            device_ = SDL_OpenAudioDevice(nullptr, 0, &want, nullptr, 0);
            if (!device_) return;
        }
        SDL_QueueAudio(device_, pcm.data(), static_cast<Uint32>(pcm.size() * sizeof(short)));
        SDL_PauseAudioDevice(device_, 0);
    });
}

}  // namespace yimen::kiosk
