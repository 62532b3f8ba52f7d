// speech_synth_test.cpp — the read-aloud's normalised text through espeak-ng itself (voice cmn-latn-pinyin, set up
// as kiosk/ui/speech.cpp does, AUDIO_OUTPUT_SYNCHRONOUS into a buffer): a receipt number read digit by digit gives
// real, non-silent audio of a length a person would take to say it.
#include <catch2/catch.hpp>

#include <espeak-ng/speak_lib.h>

#include <cmath>
#include <string>
#include <vector>

#include "kiosk/model/speech_text.hpp"

namespace {

std::vector<short>* g_buffer = nullptr;

int collect(short* wav, int n, espeak_EVENT*) {
    if (wav && n > 0 && g_buffer) g_buffer->insert(g_buffer->end(), wav, wav + n);
    return 0;
}

}  // namespace

TEST_CASE("A receipt number's spoken form synthesises to plausible, non-silent audio", "[kiosk][speech][espeak]") {
    const std::string text = yimen::kiosk::speech_text("1104 0126 1130 0001 3");
    REQUIRE(text == "一一零四，零一二六，一一三零，零零零一，三");
    const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
    REQUIRE(rate == 22050);
    espeak_SetSynthCallback(collect);
    REQUIRE(espeak_SetVoiceByName("cmn-latn-pinyin") == EE_OK);
    std::vector<short> pcm;
    g_buffer = &pcm;
    espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
    espeak_Synchronize();
    g_buffer = nullptr;
    const double seconds = static_cast<double>(pcm.size()) / rate;
    INFO("samples " << pcm.size() << " (" << seconds << " s)");
    // Five digit groups (17 syllables, four pauses): more than 0.3 s a group, and far less than half a minute.
    CHECK(seconds > 5 * 0.3);
    CHECK(seconds < 30.0);
    double sum = 0;
    for (short v : pcm) sum += static_cast<double>(v) * v;
    const double rms = pcm.empty() ? 0 : std::sqrt(sum / static_cast<double>(pcm.size()));
    INFO("rms " << rms);
    CHECK(rms > 300.0);  // of 32767: speech, not silence or a click
}
