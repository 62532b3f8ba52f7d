// qr.cpp — see qr.hpp.
#include "base/qr.hpp"

#include <qrencode.h>

#include <algorithm>
#include <memory>

namespace yimen::qr {

bool needs_eci(const std::string& payload) {
    return std::any_of(payload.begin(), payload.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

Result<Matrix> encode(const std::string& payload) {
    const Error broken{"qr", "无法生成二维码，请联系技术人员。"};
    std::unique_ptr<QRinput, decltype(&QRinput_free)> in(QRinput_new2(0, QR_ECLEVEL_M), &QRinput_free);
    if (!in) return broken;
    if (needs_eci(payload) && QRinput_appendECIheader(in.get(), 26) != 0) return broken;
    if (QRinput_append(in.get(), QR_MODE_8, static_cast<int>(payload.size()),
                       reinterpret_cast<const unsigned char*>(payload.data())) != 0)
        return Error{"qr", "二维码内容太长，无法生成。", ErrorCategory::invalid_input};
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeInput(in.get()), &QRcode_free);
    if (!code) return broken;
    Matrix m;
    m.width = code->width;
    m.dark.resize(static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.width));
    for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
    return m;
}

}  // namespace yimen::qr
