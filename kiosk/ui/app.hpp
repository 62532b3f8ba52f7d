// app.hpp — the SDL shell: window and software renderer, the event-driven loop (sleeps unless input, a timer or a
// worker asks for a frame; polls at ≤ 30 Hz on drivers whose wait spins), the per-frame guard, the atlas on a
// worker, ImGui contexts recreated on the shared atlas at each session wipe, and the frames the touch-script driver (kiosk/script/) asks for.
// Tests drive it only with injected SDL events, through that driver.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/devices/handwriting.hpp"
#include "kiosk/devices/pinyin.hpp"
#include "kiosk/model/kiosk_app.hpp"
#include "kiosk/model/policy_source.hpp"
#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/input.hpp"
#include "kiosk/ui/speech.hpp"
#include "kiosk/ui/theme.hpp"
#include "kiosk/ui/views.hpp"
#include "policy/policy_data.hpp"

struct SDL_Window;
struct SDL_Renderer;
struct ImGuiContext;

namespace yimen::kiosk {

// Wall clock with an offset the script's `idle` and `wait` advance; tests pin the base for stable screenshots.
class ScriptClock final : public Clock {
public:
    explicit ScriptClock(std::optional<UtcMillis> fixed_base = std::nullopt) : fixed_(fixed_base) {}
    UtcMillis now_utc_ms() const override;
    void advance(std::int64_t ms) { offset_ += ms; }

private:
    std::optional<UtcMillis> fixed_;
    std::atomic<std::int64_t> offset_{0};  // read by the print and sync workers too
};

// What main wires into the app (kiosk/main.cpp): the kiosk's database, the receipt printer, the county link and where
// the policy-article index lives. Built once the assets are loaded (a demo's seed needs the rules and the clock).
struct AppServices {
    std::unique_ptr<KioskStore> store;
    std::unique_ptr<ReceiptPrinter> printer;
    std::unique_ptr<SyncService> sync;
    std::string articles_db;    // rebuilt from the assets at every start, on a lane
};
using AppWiring = std::function<Result<AppServices>(const KioskConfig&, const PolicyData&, const Clock&)>;

// The parts that need no county: the kiosk's own database (seeded with the demo's staff and case when `seed`), the
// configured printer, `sync` or an offline link. main.cpp builds on it; tests and benchmarks use it as it is.
Result<AppServices> local_services(const KioskConfig& cfg, const PolicyData& data, const Clock& clock, bool seed,
                                   std::unique_ptr<SyncService> sync = nullptr);

struct AppOptions {
    KioskConfig config;
    std::optional<UtcMillis> fixed_time;        // tests: a pinned clock
    AppWiring wire;                             // default: local_services(seed_demo, sync)
    std::unique_ptr<SyncService> sync;          // for the default wiring: default offline
    bool seed_demo = false;                     // for the default wiring
    // Called on every turn of run()'s loop (at least once a second, idle or not): the service watchdog's beat.
    std::function<void()> on_turn;
};

struct StartupTimes {
    double first_frame_ms = -1;
    double first_interactive_ms = -1;
};

class App {
public:
    explicit App(AppOptions opt);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    Status init();
    // The interactive loop, until the window closes (or SIGTERM). Returns the exit code.
    int run();

    // ---- driving (tests and the script driver in kiosk/script/) ------------------------------------------------
    void frame();                    // handles queued events and draws one frame
    void frames(int n);
    bool wait_ready(int timeout_ms); // atlas live, rime deployed
    void settle();                   // lanes done and a few frames drawn
    std::vector<unsigned char> pixels(int& w, int& h);
    const TouchTarget* target(const std::string& label) const;

    KioskApp& model() { return *model_; }
    const KioskConfig& config() const { return opt_.config; }
    const std::vector<TouchTarget>& targets() const { return ui_->targets(); }
    ScriptClock& clock() { return *clock_; }
    FontManager& fonts() { return fonts_; }
    PinyinEngine& pinyin() { return pinyin_; }
    ViewState& view_state() { return vs_; }
    const StartupTimes& startup() const { return startup_; }
    // Where the policy content in force came from (the installed bundle or the shipped assets, and why).
    const PolicySource& policy_source() const { return policy_source_; }
    int frames_drawn() const { return frames_drawn_; }
    const char* video_driver() const;
    const char* render_driver() const;
    ImGuiContext* imgui_context() const { return ctx_; }

private:
    void handle(const SDL_Event& e);
    void create_context();
    void destroy_context();
    void render();
    bool needs_frame();

    AppOptions opt_;
    std::unique_ptr<ScriptClock> clock_;
    PolicyData data_;
    PolicySource policy_source_;
    std::unique_ptr<I18n> i18n_;
    std::shared_ptr<ArticleIndex> articles_;
    PinyinEngine pinyin_;
    std::unique_ptr<HandwritingRecognizer> handwriting_;
    std::unique_ptr<PinyinPort> pinyin_port_;      // the engines behind the core's ports
    std::unique_ptr<HandwritingPort> ink_port_;
    FontManager fonts_;
    InputLayer input_;
    Speech speech_;
    std::unique_ptr<Ui> ui_;
    std::unique_ptr<KioskApp> model_;
    ViewState vs_;
    SDL_Window* window_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    ImGuiContext* ctx_ = nullptr;
    float scale_ = 1.f;
    bool software_renderer_ = false;  // SDL draws into the window surface, which render_draw_data may write too
    int wipe_seen_ = 0;
    int extra_frames_ = 2;
    int frames_drawn_ = 0;
    int consecutive_failures_ = 0;
    bool quit_ = false;
    bool real_wait_ = false;
    std::uint32_t wake_event_ = 0;
    std::uint64_t t_start_ = 0;
    StartupTimes startup_;
    std::string articles_path_;
};

}  // namespace yimen::kiosk
