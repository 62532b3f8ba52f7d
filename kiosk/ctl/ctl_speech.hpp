// ctl_speech.hpp — kiosk-ctl's `speech-text` verb: what the read-aloud would say for a text, without any kiosk
// configuration (a maintainer checks a new string table's wording from any shell).
#pragma once
#include <string>
#include <vector>

namespace yimen::kiosk {

// words[0] is "speech-text"; the rest, joined by spaces, is the text. Prints the normalised text; 0, or 2 without text.
int run_speech_text(const std::vector<std::string>& words);

}  // namespace yimen::kiosk
