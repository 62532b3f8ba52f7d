// qr_png.cpp — see qr_png.hpp. stb's PNG writer lives in Debian's libstb (no implementation macro here).
#include "kiosk/devices/qr_png.hpp"

#include <qrencode.h>
#include <stb/stb_image_write.h>

namespace yimen::kiosk {

QrModules make_qr(const std::string& text) {
    QrModules out;
    QRcode* q = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return out;
    out.width = q->width;
    out.dark.resize(static_cast<std::size_t>(q->width) * static_cast<std::size_t>(q->width));
    for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = q->data[i] & 1;
    QRcode_free(q);
    return out;
}

bool write_qr_png(const QrModules& qr, const std::string& path, int scale) {
    if (qr.width == 0) return false;
    const int quiet = 4;
    int side = (qr.width + 2 * quiet) * scale;
    std::vector<unsigned char> px(static_cast<std::size_t>(side) * static_cast<std::size_t>(side), 255);
    for (int y = 0; y < qr.width; ++y)
        for (int x = 0; x < qr.width; ++x) {
            if (!qr.dark[static_cast<std::size_t>(y * qr.width + x)]) continue;
            for (int dy = 0; dy < scale; ++dy)
                for (int dx = 0; dx < scale; ++dx)
                    px[static_cast<std::size_t>(((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx)] = 0;
        }
    return stbi_write_png(path.c_str(), side, side, 1, px.data(), side) != 0;
}

}  // namespace yimen::kiosk
