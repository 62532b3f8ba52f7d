// receipt_bench — per receipt: layout + ESC/POS encode time (budget ≤ 30 ms), time until the first bytes are
// handed to the transport (≤ 10 ms), and bytes in raster vs text mode. Prints figures; asserts nothing about time.
//   receipt_bench [--tiny] [--iterations N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "printer/escpos.hpp"
#include "printer/layout.hpp"
#include "printer/templates.hpp"

using namespace yimen::printer;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[i];
}

struct Run {
    double total_ms = 0, first_ms = 0;
    std::size_t bytes = 0;
};

Run one(const Document& doc, PaperWidth paper, const PrinterProfile& prof, Font& font, Mode mode) {
    Run r;
    const auto t0 = Clock::now();
    bool first = true;
    const Layout layout = layout_document(doc, paper);
    EncodeOptions opt;
    opt.mode = mode;
    (void)encode_job(layout, prof, font, opt, [&](std::string_view b) -> yimen::Status {
        if (first) {
            r.first_ms = ms(Clock::now() - t0);
            first = false;
        }
        r.bytes += b.size();
        return yimen::Ok{};
    });
    r.total_ms = ms(Clock::now() - t0);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int iterations = 200;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--tiny")) iterations = 3;
        else if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "用法：receipt_bench [--tiny] [--iterations N]\n");
            return 2;
        }
    }
    const std::string assets = default_assets_dir();
    auto font = Font::shared(FontConfig{});
    if (!font) {
        std::fprintf(stderr, "%s\n", font.error().message.c_str());
        return 1;
    }
    struct Paper {
        PaperWidth w;
        const char* profile;
    };
    const std::vector<TemplateInfo> templates = list_templates(assets);
    if (templates.empty()) {
        std::fprintf(stderr, "找不到回执模板，请设置 YIMEN_ASSETS。\n");
        return 1;
    }
    // The very first receipt in a process pays for opening the font and drawing each glyph once.
    {
        auto data = load_sample(assets, "intake");
        auto doc = data ? render_template(assets, "intake", *data) : yimen::Result<Document>(data.error());
        auto prof = load_profile(assets, "generic-80");
        if (doc && prof) {
            const Run cold = one(*doc, PaperWidth::mm80, *prof, **font, Mode::raster);
            std::printf("cold first receipt (intake, 80 mm, raster, empty glyph cache): layout+encode %.2f ms, first bytes %.2f ms\n",
                        cold.total_ms, cold.first_ms);
        }
    }
    std::printf("%d iterations per row; budget: layout+encode <= 30 ms, first bytes <= 10 ms\n", iterations);
    std::printf("%-11s %-5s %-7s %22s %22s %10s\n", "template", "paper", "mode", "layout+encode p50/p99", "first bytes p50/p99",
                "bytes");
    double worst_total = 0, worst_first = 0;
    for (const auto& t : templates) {
        auto data = load_sample(assets, t.name);
        if (!data) continue;
        auto doc = render_template(assets, t.name, *data);
        if (!doc) {
            std::fprintf(stderr, "%s: %s\n", t.name.c_str(), doc.error().message.c_str());
            return 1;
        }
        for (Paper p : {Paper{PaperWidth::mm80, "generic-80"}, Paper{PaperWidth::mm58, "generic-58"}}) {
            auto prof = load_profile(assets, p.profile);
            if (!prof) return 1;
            for (Mode mode : {Mode::raster, Mode::text}) {
                std::vector<double> total, first;
                std::size_t bytes = 0;
                for (int i = 0; i < iterations; ++i) {
                    const Run r = one(*doc, p.w, *prof, **font, mode);
                    total.push_back(r.total_ms);
                    first.push_back(r.first_ms);
                    bytes = r.bytes;
                }
                worst_total = std::max(worst_total, pct(total, 0.99));
                worst_first = std::max(worst_first, pct(first, 0.99));
                std::printf("%-11s %-5s %-7s %10.2f / %6.2f ms %10.2f / %6.2f ms %10zu\n", t.name.c_str(), to_string(p.w),
                            to_string(mode), pct(total, 0.5), pct(total, 0.99), pct(first, 0.5), pct(first, 0.99), bytes);
            }
        }
    }
    std::printf("worst p99: layout+encode %.2f ms (budget 30), first bytes %.2f ms (budget 10)\n", worst_total, worst_first);
    return 0;
}
