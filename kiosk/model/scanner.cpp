// scanner.cpp — see scanner.hpp.
#include "kiosk/model/scanner.hpp"

namespace yimen::kiosk {

void ScannerDetector::key(char c, std::int64_t t_ms) {
    if (last_ms_ >= 0 && t_ms - last_ms_ > max_gap_ms_) {
        // A pause: whatever came before was a person, start over from this key.
        buffer_.clear();
        slow_ = false;
    }
    last_ms_ = t_ms;
    if (buffer_.size() < 64) buffer_ += c;
}

std::optional<std::string> ScannerDetector::enter(std::int64_t t_ms) {
    std::optional<std::string> out;
    bool in_time = last_ms_ >= 0 && t_ms - last_ms_ <= max_gap_ms_;
    std::string compact;
    for (char c : buffer_)
        if (c != ' ' && c != '-') compact += c;
    if (in_time && !slow_ && compact.size() >= min_length_) out = compact;
    reset();
    return out;
}

}  // namespace yimen::kiosk
