// qr_png.hpp — QR modules for a receipt number (libqrencode), for the screen and for the preview printer's PNG.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace yimen::kiosk {

struct QrModules {
    int width = 0;
    std::vector<std::uint8_t> dark;  // width × width, 1 = dark
};

// ASCII payloads only (receipt numbers): no ECI needed (RECIPES.md §5).
QrModules make_qr(const std::string& text);
// Writes the code with a 4-module quiet zone, `scale` pixels per module, as an 8-bit grey PNG.
bool write_qr_png(const QrModules& qr, const std::string& path, int scale = 8);

}  // namespace yimen::kiosk
