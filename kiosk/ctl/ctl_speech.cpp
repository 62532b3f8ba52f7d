// ctl_speech.cpp — see ctl_speech.hpp. Needs no database, no config and no string tables: only the normaliser.
#include "kiosk/ctl/ctl_speech.hpp"

#include <iostream>

#include "kiosk/model/speech_text.hpp"

namespace yimen::kiosk {

int run_speech_text(const std::vector<std::string>& words) {
    if (words.size() < 2) {
        std::cerr << "usage: kiosk-ctl speech-text TEXT\n";
        return 2;
    }
    std::string text;
    for (std::size_t i = 1; i < words.size(); ++i) text += (i > 1 ? " " : "") + words[i];
    std::cout << speech_text(text) << "\n";
    return 0;
}

}  // namespace yimen::kiosk
