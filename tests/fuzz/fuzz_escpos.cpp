// fuzz_escpos.cpp — the virtual printer's ESC/POS reader (printer::PrinterEngine, which virtual-printer's socket
// and pty loops feed) on any byte stream. The first byte picks the paper, the roll length and the chunk size
// the stream arrives in (commands split across reads must decode the same); the rest is the stream.
#include "fuzz_support.hpp"
#include "printer/engine.hpp"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static const std::shared_ptr<printer::Font> font = [] {
        auto f = printer::Font::shared(printer::FontConfig{});
        if (!f) {
            std::fprintf(stderr, "fuzz: %s\n", f.error().message.c_str());
            std::abort();
        }
        return *f;
    }();
    const std::uint8_t mode = data[0];
    printer::EngineOptions opt;
    opt.paper = (mode & 1) ? printer::PaperWidth::mm58 : printer::PaperWidth::mm80;
    opt.paper_out_after_lines = (mode & 2) ? 40 : -1;
    opt.near_end_after_lines = (mode & 2) ? 30 : -1;
    opt.max_job_rows = 4'000;  // the cap's logic at a size that keeps executions fast (default: 64 000)
    const std::size_t chunk = 1u + ((mode >> 2) & 63u) * 7u;
    printer::PrinterEngine engine(opt, font);
    std::size_t jobs = 0;
    engine.on_job = [&](const printer::Bitmap&) { ++jobs; };

    fuzz::reached();
    const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::size_t taken = 0;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
        (void)engine.feed(stream.substr(i, chunk));
        for (const auto& job : engine.take_jobs()) {  // taken as the socket loop would, so memory stays per job
            fuzz::check(job.height <= opt.max_job_rows + 65'535, "a job's picture stays bounded");
            ++taken;
        }
    }
    engine.end_of_stream();
    taken += engine.take_jobs().size();
    fuzz::check(taken == jobs, "every finished job is announced once");
    return 0;
}
