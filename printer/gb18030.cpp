// gb18030.cpp — UTF-8 decoding and GB18030/GBK/GB2312 conversion through glibc iconv.
#include "printer/gb18030.hpp"

#include <iconv.h>

#include <cstring>

namespace yimen::printer {

char32_t normalise_for_print(char32_t cp) {
    if (cp == 0x00A5) return 0xFFE5;
    if (cp == U'\t') return U' ';
    return cp;
}

namespace {
iconv_t as_cd(void* p) { return static_cast<iconv_t>(p); }
void* open_cd(const char* to, const char* from) {
    iconv_t cd = iconv_open(to, from);
    return cd == reinterpret_cast<iconv_t>(-1) ? nullptr : static_cast<void*>(cd);
}
// Converts `in` fully or returns false (iconv refused a character).
bool convert(void* cd, const char* in, std::size_t len, std::string& out) {
    out.clear();
    if (!cd) return false;
    iconv(as_cd(cd), nullptr, nullptr, nullptr, nullptr);
    char buf[16];
    char* src = const_cast<char*>(in);
    std::size_t left = len;
    char* dst = buf;
    std::size_t room = sizeof buf;
    if (iconv(as_cd(cd), &src, &left, &dst, &room) == static_cast<std::size_t>(-1)) return false;
    if (iconv(as_cd(cd), nullptr, nullptr, &dst, &room) == static_cast<std::size_t>(-1)) return false;
    out.assign(buf, static_cast<std::size_t>(dst - buf));
    return true;
}
}  // namespace

Gb18030::Gb18030()
    : to_gb_(open_cd("GB18030", "UTF-8")), to_gbk_(open_cd("UTF-8", "GBK")), to_gb2312_(open_cd("UTF-8", "EUC-CN")),
      from_gb_(open_cd("UTF-8", "GB18030")) {}

Gb18030::~Gb18030() {
    for (void* cd : {to_gb_, to_gbk_, to_gb2312_, from_gb_})
        if (cd) iconv_close(as_cd(cd));
}

std::string Gb18030::encode(char32_t cp) {
    if (cp < 0x80) return std::string(1, static_cast<char>(cp));
    const std::string u = utf8::encode(cp);
    std::string out;
    if (!convert(to_gb_, u.data(), u.size(), out)) out.clear();
    return out;
}

bool Gb18030::covered(char32_t cp, Coverage cov) {
    if (cov == Coverage::none) return false;
    if (cp >= 0x20 && cp < 0x7F) return true;
    if (cp < 0x80) return false;
    const std::uint64_t key = (static_cast<std::uint64_t>(cp) << 1) | (cov == Coverage::gbk ? 1u : 0u);
    if (auto it = covered_cache_.find(key); it != covered_cache_.end()) return it->second;
    const std::string gb = encode(cp);
    bool ok = false;
    if (gb.size() == 2) {
        // The printer's font holds a glyph at this code when its own charset assigns the code to a real character
        // (not a private-use slot). GB2312 maps A1 A4 to U+30FB where GB18030 has U+00B7: the same middle dot.
        std::string back;
        if (convert(cov == Coverage::gbk ? to_gbk_ : to_gb2312_, gb.data(), gb.size(), back)) {
            const std::u32string cps = utf8::decode(back);
            ok = cps.size() == 1 && !(cps[0] >= 0xE000 && cps[0] <= 0xF8FF) && cps[0] != 0xFFFD;
        }
    }
    covered_cache_.emplace(key, ok);
    return ok;
}

char32_t Gb18030::decode(std::string_view bytes) {
    if (bytes.size() == 1 && static_cast<unsigned char>(bytes[0]) < 0x80) return static_cast<unsigned char>(bytes[0]);
    std::string u;
    if (!convert(from_gb_, bytes.data(), bytes.size(), u)) return 0xFFFD;
    const std::u32string cps = utf8::decode(u);
    return cps.size() == 1 ? cps[0] : 0xFFFD;
}

}  // namespace yimen::printer
