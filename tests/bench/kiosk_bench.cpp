// kiosk_bench — prints the kiosk's figures beside DESIGN.md's budgets: start to first interactive frame, resident
// memory at idle and after a complete intake, CPU over idle seconds, frame times p50/p99 at 1080×1920 on the
// busiest screens, atlas size and rebuild time. `--tiny` runs everything briefly (ctest keeps it from rotting).
#include <sys/resource.h>

#include <SDL.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "kiosk/ui/app.hpp"

using namespace yimen;
using namespace yimen::kiosk;

namespace {

double rss_mb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    return 0;
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct FrameStats {
    double p50 = 0, p99 = 0;
};

FrameStats time_frames(App& app, int n) {
    std::vector<double> ms;
    for (int i = 0; i < n; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        app.frame();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
    return {at(0.5), at(0.99)};
}

bool tap(App& app, const std::string& label) {
    if (!app.tap(label)) {
        std::fprintf(stderr, "kiosk_bench: no target “%s”\n", label.c_str());
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    bool tiny = argc > 1 && std::strcmp(argv[1], "--tiny") == 0;
    ::setenv("SDL_VIDEODRIVER", "offscreen", 0);
    auto dir = std::filesystem::temp_directory_path() / ("yimen-kiosk-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    AppOptions o;
    o.config = demo_config(dir.string());
    o.config.assets_dir = resolve_assets_dir();
    o.seed_demo = false;  // demo staff hashing (scrypt) is a first-run cost, not start-up
    App app(std::move(o));
    if (auto s = app.init(); !s) {
        std::fprintf(stderr, "kiosk_bench: %s\n", s.error().message.c_str());
        return 1;
    }
    if (!app.wait_ready(60000)) {
        std::fprintf(stderr, "kiosk_bench: the app did not become ready\n");
        return 1;
    }
    std::printf("kiosk_bench — video driver %s, renderer %s, SDL_HINT_FRAMEBUFFER_ACCELERATION=0, %dx%d\n",
                app.video_driver(), app.render_driver(), app.model().config().screen_width,
                app.model().config().screen_height);
    auto st = app.startup();
    std::printf("start → first frame            %8.1f ms\n", st.first_frame_ms);
    std::printf("start → first interactive frame%8.1f ms   (budget ≤ 500 ms)\n", st.first_interactive_ms);
    auto atlas = app.fonts().stats();
    std::printf("atlas                          %5d × %d px, %d glyphs, built in %.1f ms on a worker\n", atlas.width,
                atlas.height, atlas.glyphs, atlas.build_ms);
    app.frames(5);
    std::printf("resident memory at idle        %8.1f MB   (budget ≤ 150 MB)\n", rss_mb());

    // Idle CPU: the real loop, with nothing happening, for a while.
    int idle_s = tiny ? 1 : 10;
    std::thread quitter([idle_s] {
        std::this_thread::sleep_for(std::chrono::seconds(idle_s));
        SDL_Event e{};
        e.type = SDL_QUIT;
        SDL_PushEvent(&e);
    });
    double c0 = cpu_seconds();
    auto w0 = std::chrono::steady_clock::now();
    app.run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    double cpu = cpu_seconds() - c0;
    quitter.join();
    std::printf("CPU over %d idle s              %8.2f %% of one core   (budget ≤ 1 %%)\n", idle_s,
                100.0 * cpu / wall);

    int n = tiny ? 5 : 120;
    auto home = time_frames(app, n);
    std::printf("frame home                     p50 %6.1f ms  p99 %6.1f ms   (budget p99 ≤ 16 ms)\n", home.p50, home.p99);
    if (!tap(app, app.model().tr("home.policy"))) return 1;
    auto policy = time_frames(app, n);
    std::printf("frame policy list              p50 %6.1f ms  p99 %6.1f ms\n", policy.p50, policy.p99);
    if (!tap(app, "搜索")) return 1;
    app.type("shenqing");
    auto kb = time_frames(app, n);
    std::printf("frame pinyin keyboard          p50 %6.1f ms  p99 %6.1f ms\n", kb.p50, kb.p99);
    tap(app, "cand-1");
    tap(app, app.model().tr("nav.home"));

    // A complete intake, then memory again.
    tap(app, app.model().tr("home.apply"));
    tap(app, app.model().tr("need.dibao"));
    tap(app, "下一步");
    tap(app, "身份证号码");
    app.type("230523199001010012");
    tap(app, "姓名");
    app.type("ceshi");
    tap(app, "cand-1");
    tap(app, "家庭住址");
    app.type("yicun");
    tap(app, "cand-1");
    auto intake = time_frames(app, n);
    std::printf("frame intake with keyboard     p50 %6.1f ms  p99 %6.1f ms\n", intake.p50, intake.p99);
    tap(app, "下一步");
    tap(app, "下一步");
    tap(app, "下一步");
    tap(app, app.model().tr("hard.illness"));
    tap(app, "下一步");
    tap(app, app.model().tr("intake.rel_no"));
    tap(app, "下一步");
    tap(app, "下一步");
    tap(app, app.model().tr("intake.commit_button"));
    tap(app, app.model().tr("intake.auth_button"));
    tap(app, "下一步");
    // The submit itself: the application and its event in one transaction (synchronous=FULL) on the main thread.
    auto s0 = std::chrono::steady_clock::now();
    app.model().intake_next();
    double submit_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
    app.settle();
    app.frames(2);
    auto done = time_frames(app, n);
    std::printf("frame receipt with QR          p50 %6.1f ms  p99 %6.1f ms\n", done.p50, done.p99);
    std::printf("intake submitted               %s, commit of application + event %.2f ms (main thread)\n",
                app.model().intake.receipt_number.empty() ? "NO" : "yes", submit_ms);
    std::printf("resident memory after intake   %8.1f MB\n", rss_mb());

    // Rebuild: glyphs not in the atlas yet (a rare name character at the input size) force one.
    auto before = app.fonts().stats();
    for (char32_t c : {U'犇', U'淼', U'鑫', U'垚', U'赟'}) app.fonts().note_missing(c, FontRole::input);
    app.fonts().maybe_rebuild();
    app.fonts().wait_build();
    app.frames(2);
    auto after = app.fonts().stats();
    std::printf("atlas rebuild                  %8.1f ms on a worker (%d → %d builds), %d × %d px\n", after.build_ms,
                before.builds, after.builds, after.width, after.height);
    // Handwriting: 十 on a pad the size of the kiosk's; the first call loads the 27 MB model.
    {
        HandwritingRecognizer rec(app.model().config().handwriting_model);
        auto line = [](int x0, int y0, int x1, int y1) {
            InkStroke ink;
            for (int i = 0; i <= 24; ++i) ink.push_back({x0 + (x1 - x0) * i / 24, y0 + (y1 - y0) * i / 24});
            return ink;
        };
        std::vector<InkStroke> ten{line(60, 230, 600, 230), line(330, 30, 330, 430)};
        auto t0 = std::chrono::steady_clock::now();
        auto first = rec.classify(ten, 660, 460);
        double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::vector<double> ms;
        for (int i = 0; i < (tiny ? 3 : 50); ++i) {
            auto t1 = std::chrono::steady_clock::now();
            (void)rec.classify(ten, 660, 460);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count());
        }
        std::sort(ms.begin(), ms.end());
        std::printf("handwriting                    first (model load) %.1f ms, then p50 %.2f ms p99 %.2f ms, top-1 %s; "
                    "RSS %.1f MB\n",
                    load_ms, ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)],
                    first && !first->empty() ? first->front().c_str() : "?", rss_mb());
        rec.release();
        std::printf("handwriting model released     RSS %.1f MB (the kiosk releases it when a session ends)\n", rss_mb());
    }
    std::filesystem::remove_all(dir);
    return 0;
}
