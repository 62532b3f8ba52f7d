// scanner.hpp — a USB barcode scanner "types" the receipt number like a keyboard, fast, then Enter, on any screen.
// A burst is told from a person typing by the gaps between keys.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace yimen::kiosk {

class ScannerDetector {
public:
    explicit ScannerDetector(std::int64_t max_gap_ms = 60, std::size_t min_length = 17)
        : max_gap_ms_(max_gap_ms), min_length_(min_length) {}
    // A printable key at time t (SDL event timestamp, ms).
    void key(char c, std::int64_t t_ms);
    // Enter: the burst text when it was a burst of a receipt-number length, else nothing (and the buffer resets).
    std::optional<std::string> enter(std::int64_t t_ms);
    void reset() {
        buffer_.clear();
        last_ms_ = -1;
        slow_ = false;
    }

private:
    std::int64_t max_gap_ms_;
    std::size_t min_length_;
    std::string buffer_;
    std::int64_t last_ms_ = -1;
    bool slow_ = false;
};

}  // namespace yimen::kiosk
