// test_support.cpp — helpers shared by the printer tests.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "printer/templates.hpp"
#include "support/qr_reader.hpp"

namespace yimen::printer::test {

std::string assets() { return default_assets_dir(); }

Font& font() {
    static std::shared_ptr<Font> f = [] {
        auto r = Font::shared(FontConfig{});
        REQUIRE(r.ok());
        return *r;
    }();
    return *f;
}

PrinterProfile profile(const std::string& name) {
    auto p = load_profile(assets(), name);
    REQUIRE(p.ok());
    return *p;
}

std::vector<std::string> template_names() {
    std::vector<std::string> names;
    for (const auto& t : list_templates(assets())) names.push_back(t.name);
    return names;
}

Document sample_document(const std::string& tmpl) {
    auto data = load_sample(assets(), tmpl);
    REQUIRE(data.ok());
    auto d = render_template(assets(), tmpl, *data);
    if (!d) FAIL(d.error().message);
    return *d;
}

std::vector<std::string> decode_qr(const Bitmap& b) {
    // Gray picture with a white margin: zbar needs a quiet zone at the paper's edge too.
    const int pad = 16, w = b.width + 2 * pad, h = b.height + 2 * pad;
    std::vector<unsigned char> gray(static_cast<std::size_t>(w * h), 255);
    for (int y = 0; y < b.height; ++y)
        for (int x = 0; x < b.width; ++x)
            if (b.ink(x, y)) gray[static_cast<std::size_t>((y + pad) * w + x + pad)] = 0;
    return yimen::test::read_qr_codes(gray.data(), w, h);
}

std::string temp_dir(const std::string& tag) {
    std::random_device rd;
    auto p = std::filesystem::temp_directory_path() / ("yimen-printer-" + tag + "-" + std::to_string(rd()));
    std::filesystem::create_directories(p);
    return p.string();
}

}  // namespace yimen::printer::test
