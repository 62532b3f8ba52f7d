// test_support.hpp — shared helpers for the printer tests: assets, the font, QR decoding with zbar, journals.
#pragma once
#include <string>
#include <vector>

#include "printer/bitmap.hpp"
#include "printer/document.hpp"
#include "printer/font.hpp"
#include "printer/layout.hpp"
#include "printer/profile.hpp"

namespace yimen::printer::test {

std::string assets();
Font& font();
PrinterProfile profile(const std::string& name);
std::vector<std::string> template_names();
Document sample_document(const std::string& tmpl);
// Every QR symbol zbar finds in the picture, as decoded text.
std::vector<std::string> decode_qr(const Bitmap& b);
std::string temp_dir(const std::string& tag);

}  // namespace yimen::printer::test
