// gb18030.hpp — GB18030 through glibc iconv with the printer-font coverage test
// (GB2312 or GBK): text mode sends only covered characters as text, the rest as raster.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/utf8.hpp"

namespace yimen::printer {

// UTF-8 itself is base/utf8.hpp (invalid bytes become U+FFFD so a bad record never stops a receipt).

// Characters swapped before layout in every mode, so preview, raster and text agree: `¥` U+00A5 is 4 bytes in
// GB18030 and prints as garbage on GBK-font printers, `￥` U+FFE5 is `A3 A4`.
char32_t normalise_for_print(char32_t cp);

// none: the printer has no usable Chinese font (or no GB18030 at all): nothing is covered, not even ASCII.
enum class Coverage { gb2312, gbk, none };

// One instance per thread (iconv descriptors are not shared).
class Gb18030 {
public:
    Gb18030();
    ~Gb18030();
    Gb18030(const Gb18030&) = delete;
    Gb18030& operator=(const Gb18030&) = delete;

    // GB18030 bytes of one character (1, 2 or 4 bytes); empty when iconv refuses it.
    std::string encode(char32_t cp);
    // True when a printer font with this coverage shows the character as sent: printable ASCII, or a 2-byte code
    // that the narrower charset assigns (€ is 0x80 in GBK but A2 E3 in GB18030: not covered; 4-byte: never).
    bool covered(char32_t cp, Coverage cov);
    // Decodes one GB18030 character from the bytes (1, 2 or 4 of them); U+FFFD when invalid.
    char32_t decode(std::string_view bytes);

private:
    void* to_gb_ = nullptr;
    void* to_gbk_ = nullptr;     // GBK → UTF-8
    void* to_gb2312_ = nullptr;  // EUC-CN → UTF-8
    void* from_gb_ = nullptr;
    std::unordered_map<std::uint64_t, bool> covered_cache_;
};

}  // namespace yimen::printer
