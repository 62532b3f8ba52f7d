// qr.hpp — QR matrices through libqrencode, the one implementation the printer's receipts and the kiosk's screen
// share: error correction M, byte mode, and an ECI header (UTF-8, 26) only when the payload is not ASCII, since
// older phone scanners read an ASCII receipt number without ECI best (RECIPES.md §5).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace yimen::qr {

struct Matrix {
    int width = 0;                    // modules per side, without the quiet zone
    std::vector<std::uint8_t> dark;   // width × width, row by row, 1 = dark
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * width + x)] != 0; }
};

// The quiet zone every reader needs around a code, in modules (ISO/IEC 18004).
inline constexpr int kQuietZoneModules = 4;

bool needs_eci(const std::string& payload);
Result<Matrix> encode(const std::string& payload);

}  // namespace yimen::qr
