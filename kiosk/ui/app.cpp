// app.cpp — the SDL shell (see app.hpp).
#include "kiosk/ui/app.hpp"

#include "kiosk/devices/id_card_reader.hpp"
#include "kiosk/devices/input_ports.hpp"
#include "kiosk/devices/receipt_printer.hpp"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "kiosk/model/policy_source.hpp"
#include "kiosk/model/text.hpp"
#include "kiosk/ui/render.hpp"

namespace yimen::kiosk {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

double ms_since(std::uint64_t t0) {
    return static_cast<double>(SDL_GetPerformanceCounter() - t0) * 1000.0 /
           static_cast<double>(SDL_GetPerformanceFrequency());
}

}  // namespace

UtcMillis ScriptClock::now_utc_ms() const {
    if (fixed_) return *fixed_ + offset_;
    return SystemClock().now_utc_ms() + offset_;
}

Result<AppServices> local_services(const KioskConfig& cfg, const PolicyData& data, const Clock& clock, bool seed,
                                   std::unique_ptr<SyncService> sync) {
    AppServices out;
    auto store = KioskStore::open(cfg.db_path(), cfg.kiosk_id, clock);
    if (!store) return store.error();
    if (seed) {
        if (auto s = seed_demo(*store.value(), cfg, data, clock); !s) return s.error();
    }
    out.store = std::move(store).value();
    out.printer = open_receipt_printer(cfg.printer_uri, cfg.printer_profile);
    out.sync = sync ? std::move(sync)
                    : std::make_unique<OfflineSyncService>("not_configured");
    out.articles_db = cfg.data_dir + "/articles.db";
    return out;
}

App::App(AppOptions opt) : opt_(std::move(opt)) {
    clock_ = std::make_unique<ScriptClock>(opt_.fixed_time);
}

App::~App() {
    model_.reset();
    destroy_context();
    if (renderer_) SDL_DestroyRenderer(renderer_);
    if (window_) SDL_DestroyWindow(window_);
    if (window_) SDL_Quit();
}

const char* App::video_driver() const {
    const char* d = SDL_GetCurrentVideoDriver();
    return d ? d : "none";
}

const char* App::render_driver() const {
    static SDL_RendererInfo info;
    if (!renderer_ || SDL_GetRendererInfo(renderer_, &info) != 0) return "none";
    return info.name;
}

Status App::init() {
    t_start_ = SDL_GetPerformanceCounter();
    auto& cfg = opt_.config;
    if (!prepare_data_dir(cfg.data_dir)) return Error{"data_dir", "无法创建数据目录 " + cfg.data_dir + "，请检查权限"};  // zh-ok: a start-up error, printed to stderr

    // The county's pulled configuration over the local file, then the policy content: the installed signed bundle
    // when it verifies and loads, else the shipped assets (policy_source.hpp). Both take effect here, at start.
    const auto overrides = apply_stored_pulled_config(cfg);
    auto assets = resolve_assets_dir(cfg.assets_dir);
    auto i18n = I18n::load(assets);
    if (!i18n) return i18n.error();
    i18n_ = std::make_unique<I18n>(std::move(i18n).value());
    auto loaded = load_policy(cfg, assets);
    if (!loaded) return loaded.error();
    data_ = std::move(loaded.value().data);
    policy_source_ = loaded.value().source;
    std::cerr << "hall-kiosk: " << i18n_->tr("ctl.policy") << "  " << describe_policy_source(*i18n_, policy_source_)
              << "\n";
    for (auto& o : overrides)  // keys and codes only: the values are the county's, but logs carry no values
        std::cerr << "hall-kiosk: "
                  << i18n_->fmt(o.applied ? "policy.config_applied" : "policy.config_refused", {o.key, o.reason})
                  << "\n";
    if (auto w = write_in_force(cfg, policy_source_, overrides, clock_->now_utc_ms()); !w)
        std::cerr << "hall-kiosk: " << w.error().message << "\n";

    // Video and audio only: joystick and sensor subsystems can force polling (RECIPES.md §10 1a).
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) return Error{"sdl", std::string("无法初始化显示：") + SDL_GetError()};  // zh-ok: a start-up error, printed to stderr
    // Audio starts with the first read-aloud (Speech): SDL's audio back ends cost start-up and exit time.
    std::string driver = video_driver();
    real_wait_ = driver == "x11" || driver == "wayland";
    int lw = cfg.screen_width, lh = cfg.screen_height;
    int ww = cfg.window_width > 0 ? cfg.window_width : lw;
    int wh = cfg.window_height > 0 ? cfg.window_height : lh;
    scale_ = std::min(static_cast<float>(ww) / static_cast<float>(lw), static_cast<float>(wh) / static_cast<float>(lh));
    window_ = SDL_CreateWindow("一门 · 社会救助自助服务", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ww, wh,  // zh-ok: window title (full screen, never shown)
                               SDL_WINDOW_SHOWN);
    if (!window_) return Error{"sdl", std::string("无法创建窗口：") + SDL_GetError()};  // zh-ok: a start-up error, printed to stderr
    if (!cfg.show_cursor) SDL_ShowCursor(SDL_DISABLE);
    bool software = driver == "offscreen" || driver == "dummy" || driver == "x11";
    renderer_ = SDL_CreateRenderer(window_, -1, software ? SDL_RENDERER_SOFTWARE : 0);
    if (!renderer_) renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
    if (!renderer_) return Error{"sdl", std::string("无法创建渲染器：") + SDL_GetError()};  // zh-ok: a start-up error, printed to stderr
    if (SDL_RendererInfo info; SDL_GetRendererInfo(renderer_, &info) == 0)
        software_renderer_ = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    if (scale_ != 1.f) SDL_RenderSetScale(renderer_, scale_, scale_);
    input_.set_scale(scale_);
    input_.set_logical_size(static_cast<float>(lw), static_cast<float>(lh));
    wake_event_ = SDL_RegisterEvents(1);
    render();  // the first frame: the calm background and brand bar while the rest starts

    // The first frame does not wait: the atlas starts empty and takes the glyphs frames ask for, built on a worker
    // (fonts.hpp); rime opens when first needed (pinyin.hpp).
    fonts_.start(cfg.font_path, cfg.font_face, "");
    if (fonts_.failed()) return Error{"font", "找不到中文字体 " + cfg.font_path + "，请安装 fonts-noto-cjk"};  // zh-ok: a start-up error, printed to stderr
    pinyin_.start(cfg.rime_dir());

    auto services = opt_.wire ? opt_.wire(cfg, data_, *clock_)
                              : local_services(cfg, data_, *clock_, opt_.seed_demo || cfg.demo, std::move(opt_.sync));
    if (!services) return services.error();
    KioskDeps deps;
    deps.config = cfg;
    deps.data = &data_;
    deps.i18n = i18n_.get();
    deps.clock = clock_.get();
    deps.store = std::move(services.value().store);
    deps.printer = std::move(services.value().printer);
    deps.sync = std::move(services.value().sync);
    pinyin_port_ = std::make_unique<RimePinyin>(pinyin_);
    deps.policy_source = policy_source_;
    deps.pinyin = pinyin_port_.get();
    handwriting_ = std::make_unique<HandwritingRecognizer>(cfg.handwriting_model);
    ink_port_ = std::make_unique<ZinniaHandwriting>(*handwriting_);
    deps.handwriting = ink_port_.get();
    if (!cfg.id_card_port.empty()) deps.id_card = std::make_unique<SerialIdCardReader>(cfg.id_card_port);
    model_ = std::make_unique<KioskApp>(std::move(deps));
    std::uint32_t wake = wake_event_;
    model_->set_wake([wake] {
        SDL_Event e{};
        e.type = wake;
        SDL_PushEvent(&e);
    });
    // The article index is built off the frame too (on the records lane, beside the kiosk's own database work).
    articles_path_ = services.value().articles_db;
    using Index = std::shared_ptr<ArticleIndex>;
    model_->runner().submit<Index>(
        Lane::records,
        [articles = data_.articles, path = articles_path_]() -> Index {
            auto idx = ArticleIndex::open(path);
            if (!idx || !idx.value()->replace_all(articles)) return nullptr;
            return Index(std::move(idx).value());
        },
        [this](Index shared) {
            if (!shared) return;  // search then runs over the shipped articles in memory
            articles_ = shared;
            model_->set_article_index(articles_.get());
        });
    ui_ = std::make_unique<Ui>(fonts_, input_);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    return Ok{};
}

void App::create_context() {
    ctx_ = ImGui::CreateContext(fonts_.atlas());
    ImGui::SetCurrentContext(ctx_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.FontDefault = fonts_.font(FontRole::body);
    ImGui::GetStyle().WindowPadding = ImVec2(0, 0);
    ImGui_ImplSDL2_InitForSDLRenderer(window_);
    ImGui_ImplSDLRenderer_Init(renderer_);
}

void App::destroy_context() {
    if (!ctx_) return;
    ImGui::SetCurrentContext(ctx_);
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext(ctx_);  // the shared atlas stays
    ctx_ = nullptr;
}

void App::handle(const SDL_Event& e) {
    if (e.type == SDL_QUIT) {
        quit_ = true;
        return;
    }
    if (e.type == wake_event_) return;
    if (input_.handle(e)) {
        model_->touched();
        return;
    }
    if (e.type == SDL_TEXTINPUT) {
        model_->touched();
        model_->physical_text(e.text.text, e.text.timestamp);
    } else if (e.type == SDL_KEYDOWN) {
        model_->touched();
        if (e.key.keysym.sym == SDLK_RETURN || e.key.keysym.sym == SDLK_KP_ENTER) model_->physical_enter(e.key.timestamp);
        else if (e.key.keysym.sym == SDLK_BACKSPACE) model_->backspace();
    }
}

void App::render() {
    if (!ctx_) {
        // Before the atlas: the calm background and the brand bar, nothing to read yet.
        SDL_SetRenderDrawColor(renderer_, 0xF4, 0xF6, 0xF9, 0xFF);
        SDL_RenderClear(renderer_);
        SDL_SetRenderDrawColor(renderer_, 0x1F, 0x4E, 0x8C, 0xFF);
        SDL_Rect bar{0, 0, opt_.config.screen_width, 300};
        SDL_RenderFillRect(renderer_, &bar);
        SDL_RenderPresent(renderer_);
        if (startup_.first_frame_ms < 0) startup_.first_frame_ms = ms_since(t_start_);
        ++frames_drawn_;
        return;
    }
    ImGui::SetCurrentContext(ctx_);
    ImGui_ImplSDL2_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    float lw = static_cast<float>(opt_.config.screen_width), lh = static_cast<float>(opt_.config.screen_height);
    io.DisplaySize = ImVec2(lw, lh);
    io.DisplayFramebufferScale = ImVec2(1, 1);
    input_.apply();
    bool began = false;
    try {
        ImGui::NewFrame();
        began = true;
        vs_.want_frame = false;
        vs_.focus_seen = false;
        vs_.ink_area = false;
        vs_.ink_live = &input_.live_stroke();
        ui_->begin(lw, lh, vs_.elderly);
        ViewCtx c{*ui_, *model_, *model_, vs_};
        switch (model_->screen()) {
            case Screen::home: draw_home(c); break;
            case Screen::intake: draw_intake(c); break;
            case Screen::policy: draw_policy(c); break;
            case Screen::status: draw_status(c); break;
            case Screen::rating: draw_rating(c); break;
            case Screen::complaint: draw_complaint(c); break;
            case Screen::staff: draw_staff(c); break;
        }
        draw_idle_warning(c);
        ui_->end();
        if (vs_.ink_area) input_.set_ink_area(vs_.ink_x0, vs_.ink_y0, vs_.ink_x1, vs_.ink_y1);
        else input_.clear_ink_area();
        if (!vs_.speak_request.empty()) {
            // 朗读: the screen's title now; the control stays on so each new screen is read as well.
            // On the voice lane: speaking first stops (joins) the previous utterance's thread, never on the frame.
            Speech* voice = &speech_;
            if (vs_.reading)
                model_->runner().run(Lane::voice, [voice, text = vs_.speak_request] { voice->speak(text); });
            else
                model_->runner().run(Lane::voice, [voice] { voice->stop(); });
            vs_.speak_request.clear();
        }
        ImGui::Render();
        consecutive_failures_ = 0;
    } catch (const std::exception& ex) {
        // The frame guard: end this frame cleanly; many in a row end the process for the service manager.
        std::cerr << "hall-kiosk: 画面出错（" << ex.what() << "），已跳过这一帧\n";  // zh-ok: the log
        if (began) ImGui::EndFrame();
        if (++consecutive_failures_ >= 10) std::abort();
        return;
    }
    SDL_SetRenderDrawColor(renderer_, 0xF4, 0xF6, 0xF9, 0xFF);
    SDL_RenderClear(renderer_);
    render_draw_data(renderer_, ImGui::GetDrawData(), software_renderer_ ? SDL_GetWindowSurface(window_) : nullptr);
    SDL_RenderPresent(renderer_);
    ++frames_drawn_;
    if (startup_.first_interactive_ms < 0) startup_.first_interactive_ms = ms_since(t_start_);
    if (startup_.first_frame_ms < 0) startup_.first_frame_ms = startup_.first_interactive_ms;
}

void App::frame() {
    SDL_Event e;
    while (SDL_PollEvent(&e)) handle(e);
    for (auto& stroke : input_.take_strokes()) {
        // Pen strokes in pad pixels; the pad is where the last frame drew it.
        PenStroke ink;
        ink.reserve(stroke.size());
        for (auto& p : stroke)
            ink.push_back({static_cast<int>(std::lround(p.x - vs_.ink_x0)), static_cast<int>(std::lround(p.y - vs_.ink_y0))});
        model_->handwriting_stroke(std::move(ink), static_cast<int>(vs_.ink_x1 - vs_.ink_x0),
                                   static_cast<int>(vs_.ink_y1 - vs_.ink_y0));
    }
    model_->drain();
    model_->tick();
    if (fonts_.poll(renderer_) && !ctx_) create_context();
    if (model_->wipe_generation() != wipe_seen_) {
        // A new resident must not inherit anything: the ImGui context goes too (RECIPES.md §10 1e).
        wipe_seen_ = model_->wipe_generation();
        vs_ = ViewState{};
        if (ctx_) {
            destroy_context();
            create_context();
        }
    }
    render();
}

void App::frames(int n) {
    for (int i = 0; i < n; ++i) frame();
}

bool App::needs_frame() {
    return extra_frames_ > 0 || input_.pending() || vs_.want_frame || fonts_.building();
}

int App::run() {
    auto last_timer = SDL_GetTicks();
    while (!quit_ && !g_stop) {
        if (opt_.on_turn) opt_.on_turn();
        bool woke = false;
        SDL_Event e;
        if (!needs_frame()) {
            auto next = model_->next_timer_ms();
            int timeout = next < 0 ? 1000 : static_cast<int>(std::min<std::int64_t>(next + 5, 1000));
            if (real_wait_) {
                if (SDL_WaitEventTimeout(&e, timeout)) {
                    handle(e);
                    woke = true;
                }
            } else {
                // offscreen, dummy and KMS/DRM spin in SDL's wait: poll at ≤ 30 Hz instead.
                if (SDL_PollEvent(&e)) {
                    handle(e);
                    woke = true;
                } else {
                    SDL_Delay(33);
                }
            }
        }
        while (SDL_PollEvent(&e)) {
            handle(e);
            woke = true;
        }
        if (model_->drain()) woke = true;
        bool ticked = false;
        if (SDL_GetTicks() - last_timer >= 250) {
            ticked = model_->tick();
            last_timer = SDL_GetTicks();
        }
        if (fonts_.poll(renderer_)) {
            if (!ctx_) create_context();
            woke = true;
        }
        if (ticked || woke) extra_frames_ = std::max(extra_frames_, 2);
        if (startup_.first_frame_ms < 0 || needs_frame()) {
            if (model_->wipe_generation() != wipe_seen_) {
                wipe_seen_ = model_->wipe_generation();
                vs_ = ViewState{};
                if (ctx_) {
                    destroy_context();
                    create_context();
                }
            }
            render();
            if (extra_frames_ > 0) --extra_frames_;
        }
    }
    return 0;
}

bool App::wait_ready(int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
        frame();
        if (ctx_ && pinyin_.ready() && articles_ && !fonts_.building()) {
            frames(2);
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

void App::settle() {
    for (int round = 0; round < 50; ++round) {
        model_->settle();
        frames(2);
        if (fonts_.building()) {
            fonts_.wait_build();
            frames(2);
        }
        if (!input_.pending() && !vs_.want_frame && !fonts_.building()) break;
    }
    frames(1);
}

const TouchTarget* App::target(const std::string& label) const {
    for (auto& t : ui_->targets())
        if (t.label == label) return &t;
    return nullptr;
}

std::vector<unsigned char> App::pixels(int& w, int& h) {
    SDL_GetRendererOutputSize(renderer_, &w, &h);
    std::vector<unsigned char> buf(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    // Read back what the last frame drew: draw it again (the software renderer's target persists after present).
    SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_ABGR8888, buf.data(), w * 4);
    return buf;
}

}  // namespace yimen::kiosk
