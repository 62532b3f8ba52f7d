// pinyin.hpp — Chinese text entry for the on-screen keyboard: librime with `luna_pinyin_simp`, the user dictionary
// switched off (RECIPES.md §10 1e) so one resident's name never becomes the next resident's candidate.
//
// Start-up costs nothing here. librime's own check of its schemas (start_maintenance) takes ~0.6 s even when nothing
// changed, so it never runs on a normal start: the schemas are deployed once, into the kiosk's user directory, by
// `scripts/deploy-rime.sh` at install or by the first open that finds the build missing or older than its sources
// (deploy_needed()). The engine opens lazily, on a worker, the first time the kiosk leaves the home screen or
// changes focus (clear() asks for it); the home screen never needs it.
// librime is process-global: one setup per process; later engines share the first user directory.
#pragma once
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace yimen::kiosk {

class PinyinEngine {
public:
    PinyinEngine() = default;
    ~PinyinEngine();
    PinyinEngine(const PinyinEngine&) = delete;
    PinyinEngine& operator=(const PinyinEngine&) = delete;

    // Writes the schema patches into user_dir (only when they differ, so the deployed build stays current). Fast:
    // librime is not touched until open() or the first use.
    void start(const std::string& user_dir);
    // Usable: started and not failed. It may still be opening; a key then waits for the open (the open is asked
    // for when a field takes focus, so by the first key it has long finished).
    bool ready() const { return started_ && !failed_.load(); }
    bool failed() const { return failed_.load(); }
    // librime is set up and the session exists.
    bool opened() const { return opened_.load(); }
    // Starts opening on a worker (no-op when open or opening). Deploys first when deploy_needed().
    void open();
    // Opens and waits (tests, the bench). False when the open failed or timed out.
    bool wait_ready(int timeout_ms);
    // How long the open took on its worker, and whether it had to deploy first (the bench).
    double open_ms() const { return open_ms_.load(); }
    bool deployed_on_open() const { return deployed_on_open_.load(); }

    // The explicit deploy step (install, first boot, scripts/deploy-rime.sh): true when `user_dir/build` is missing
    // or older than any of its sources (the patches written by start() and the shared schema and dictionary).
    static bool deploy_needed(const std::string& user_dir);
    // The patches start() writes, as {file name, contents}.
    static std::vector<std::pair<std::string, std::string>> patches();

    // Returns committed text (usually empty until a candidate is chosen). Waits for an open in progress.
    std::string key(char c);
    void backspace();
    // Queries never wait: before the engine is open they answer "nothing composed".
    std::string preedit();
    std::vector<std::string> candidates();   // the current page
    bool has_next_page();
    bool has_prev_page();
    void page(bool next);
    std::string select(int index_on_page);
    // Commits the raw letters (the resident wants latin text).
    std::string commit_raw();
    // Ends the session: its composition and context are gone (idle wipe, focus change). Also asks for the open.
    void clear();
    bool composing();
    const std::string& user_dir() const { return user_dir_; }

private:
    bool ensure_session(bool wait);
    std::string take_commit();

    std::string user_dir_;
    bool started_ = false;
    std::mutex open_mu_;                 // guards opener_ (main thread and destructor)
    std::thread opener_;
    std::atomic<bool> opening_{false};
    std::atomic<bool> opened_{false};
    std::atomic<bool> failed_{false};
    std::atomic<double> open_ms_{0};
    std::atomic<bool> deployed_on_open_{false};
    std::uintptr_t session_ = 0;         // main thread once opened_ (the opener hands it over)
};

}  // namespace yimen::kiosk
