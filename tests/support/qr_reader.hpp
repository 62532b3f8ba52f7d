// qr_reader.hpp — zbar, a reader independent of the code that drew the QR, over an 8-bit grey picture (0 = ink):
// the payloads a phone would read, in zbar's order. QR only, binary mode, so a UTF-8 payload comes back as bytes.
#pragma once
#include <zbar.h>

#include <string>
#include <vector>

namespace yimen::test {

inline std::vector<std::string> read_qr_codes(const unsigned char* grey, int w, int h) {
    using namespace zbar;
    zbar_image_scanner_t* scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
    zbar_image_t* img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, static_cast<unsigned>(w), static_cast<unsigned>(h));
    zbar_image_set_data(img, grey, static_cast<unsigned long>(w) * static_cast<unsigned long>(h), nullptr);
    std::vector<std::string> out;
    if (zbar_scan_image(scanner, img) > 0)
        for (const zbar_symbol_t* s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s))
            out.emplace_back(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s));
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(scanner);
    return out;
}

}  // namespace yimen::test
