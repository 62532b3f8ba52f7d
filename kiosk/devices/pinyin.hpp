// pinyin.hpp — Chinese text entry for the on-screen keyboard: librime with `luna_pinyin_simp`, the user dictionary
// switched off (RECIPES.md §10 1e) so one resident's name never becomes the next resident's candidate.
// librime is process-global: one engine per process; start() deploys on a worker, the session lives on the main thread.
#pragma once
#include <atomic>
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

    // Writes the schema patches into user_dir and deploys on a background thread.
    void start(const std::string& user_dir);
    bool ready() const { return ready_.load(); }
    bool failed() const { return failed_.load(); }
    // Waits for the deploy (tests, the bench).
    bool wait_ready(int timeout_ms);

    // Returns committed text (usually empty until a candidate is chosen).
    std::string key(char c);
    void backspace();
    std::string preedit();
    std::vector<std::string> candidates();   // the current page
    bool has_next_page();
    bool has_prev_page();
    void page(bool next);
    std::string select(int index_on_page);
    // Commits the raw letters (the resident wants latin text).
    std::string commit_raw();
    // Ends the session: its composition and context are gone (idle wipe).
    void clear();
    bool composing();
    const std::string& user_dir() const { return user_dir_; }

private:
    bool ensure_session();
    std::string take_commit();

    std::string user_dir_;
    std::thread deploy_;
    std::atomic<bool> ready_{false};
    std::atomic<bool> failed_{false};
    std::uintptr_t session_ = 0;
};

}  // namespace yimen::kiosk
