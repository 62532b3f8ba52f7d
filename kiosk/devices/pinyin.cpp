// pinyin.cpp — librime session handling (see pinyin.hpp).
#include "kiosk/devices/pinyin.hpp"

#include <rime_api.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace yimen::kiosk {
namespace {

RimeApi* api() { return rime_get_api(); }
constexpr const char* kShared = "/usr/share/rime-data";
std::once_flag g_setup;
std::mutex g_mu;          // guards g_user_dir
// librime is set up once per process: later engines share the first user directory.
std::string g_user_dir;

namespace fs = std::filesystem;

// Writes `text` to `path` unless it already holds exactly that (a rewrite would make the deployed build look stale).
void write_if_changed(const fs::path& path, const std::string& text) {
    std::ifstream in(path, std::ios::binary);
    std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in && old == text) return;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> PinyinEngine::patches() {
    // scripts/deploy-rime.sh writes the same two files before running rime_deployer.
    return {{"default.custom.yaml", "patch:\n  schema_list:\n    - schema: luna_pinyin_simp\n  menu/page_size: 8\n"},
            {"luna_pinyin_simp.custom.yaml", "patch:\n  translator/enable_user_dict: false\n"}};
}

bool PinyinEngine::deploy_needed(const std::string& user_dir) {
    // What librime writes into user_dir/build for this schema, and what it builds them from.
    const fs::path user(user_dir), shared(kShared);
    const fs::path outputs[] = {user / "build/default.yaml", user / "build/luna_pinyin_simp.schema.yaml",
                                user / "build/luna_pinyin_simp.prism.bin"};
    const fs::path sources[] = {user / "default.custom.yaml", user / "luna_pinyin_simp.custom.yaml",
                                shared / "default.yaml", shared / "luna_pinyin_simp.schema.yaml",
                                shared / "luna_pinyin.schema.yaml", shared / "luna_pinyin.dict.yaml",
                                shared / "build/luna_pinyin.table.bin", shared / "build/luna_pinyin.prism.bin"};
    std::error_code ec;
    fs::file_time_type oldest_output = fs::file_time_type::max();
    for (const auto& o : outputs) {
        auto t = fs::last_write_time(o, ec);
        if (ec) return true;  // missing
        oldest_output = std::min(oldest_output, t);
    }
    for (const auto& s : sources) {
        auto t = fs::last_write_time(s, ec);
        if (ec) continue;  // an optional source (the prebuilt tables)
        if (t > oldest_output) return true;
    }
    return false;
}

PinyinEngine::~PinyinEngine() {
    {
        std::lock_guard lk(open_mu_);
        if (opener_.joinable()) opener_.join();
    }
    if (session_ && opened_) api()->destroy_session(static_cast<RimeSessionId>(session_));
}

void PinyinEngine::start(const std::string& user_dir) {
    user_dir_ = user_dir;
    std::error_code ec;
    fs::create_directories(user_dir, ec);
    for (const auto& [name, text] : patches()) write_if_changed(fs::path(user_dir) / name, text);
    {
        std::lock_guard lk(g_mu);
        if (!g_user_dir.empty()) user_dir_ = g_user_dir;
    }
    started_ = true;
}

void PinyinEngine::open() {
    if (!started_ || opened_ || failed_ || opening_.exchange(true)) return;
    std::lock_guard lk(open_mu_);
    if (opener_.joinable()) opener_.join();
    opener_ = std::thread([this] {
        const auto t0 = std::chrono::steady_clock::now();
        static std::string shared = kShared;
        static std::string user;
        static std::string app = "rime.yimen-kiosk";
        std::call_once(g_setup, [&] {
            {
                std::lock_guard g(g_mu);
                if (g_user_dir.empty()) g_user_dir = user_dir_;
                user = g_user_dir;
            }
            RIME_STRUCT(RimeTraits, t);
            t.shared_data_dir = shared.c_str();
            t.user_data_dir = user.c_str();
            t.app_name = app.c_str();
            t.min_log_level = 3;
            t.log_dir = user.c_str();
            api()->setup(&t);
            api()->initialize(&t);
            // The full check costs ~0.6 s even when nothing changed: only when the build is missing or stale.
            if (deploy_needed(user)) {
                deployed_on_open_ = true;
                if (api()->start_maintenance(True)) api()->join_maintenance_thread();
            }
        });
        // The session is made here too, so the schema and its dictionaries are loaded off the frame thread.
        RimeSessionId s = api()->create_session();
        if (!s || !api()->select_schema(s, "luna_pinyin_simp")) {
            if (s) api()->destroy_session(s);
            failed_ = true;
        } else {
            session_ = static_cast<std::uintptr_t>(s);
            opened_ = true;
        }
        open_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        opening_ = false;
    });
}

bool PinyinEngine::wait_ready(int timeout_ms) {
    open();
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!opened_ && !failed_ && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return opened_;
}

bool PinyinEngine::ensure_session(bool wait) {
    if (!opened_) {
        if (!ready()) return false;
        open();
        if (!wait) return false;
        std::lock_guard lk(open_mu_);
        if (opener_.joinable()) opener_.join();  // the resident typed within the open's first ~100 ms
        if (!opened_) return false;
    }
    if (session_ && api()->find_session(static_cast<RimeSessionId>(session_))) return true;
    session_ = static_cast<std::uintptr_t>(api()->create_session());
    if (!session_) return false;
    api()->select_schema(static_cast<RimeSessionId>(session_), "luna_pinyin_simp");
    return true;
}

std::string PinyinEngine::take_commit() {
    RIME_STRUCT(RimeCommit, commit);
    std::string out;
    if (api()->get_commit(static_cast<RimeSessionId>(session_), &commit)) {
        if (commit.text) out = commit.text;
        api()->free_commit(&commit);
    }
    return out;
}

std::string PinyinEngine::key(char c) {
    if (!ensure_session(true)) return "";
    api()->process_key(static_cast<RimeSessionId>(session_), c, 0);
    return take_commit();
}

void PinyinEngine::backspace() {
    if (!ensure_session(true)) return;
    api()->process_key(static_cast<RimeSessionId>(session_), 0xff08, 0);  // XK_BackSpace
}

std::string PinyinEngine::preedit() {
    if (!ensure_session(false)) return "";
    RIME_STRUCT(RimeContext, ctx);
    std::string out;
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        if (ctx.composition.preedit) out = ctx.composition.preedit;
        api()->free_context(&ctx);
    }
    return out;
}

std::vector<std::string> PinyinEngine::candidates() {
    std::vector<std::string> out;
    if (!ensure_session(false)) return out;
    RIME_STRUCT(RimeContext, ctx);
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        for (int i = 0; i < ctx.menu.num_candidates; ++i)
            if (ctx.menu.candidates[i].text) out.emplace_back(ctx.menu.candidates[i].text);
        api()->free_context(&ctx);
    }
    return out;
}

bool PinyinEngine::has_next_page() {
    if (!ensure_session(false)) return false;
    RIME_STRUCT(RimeContext, ctx);
    bool more = false;
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        more = !ctx.menu.is_last_page && ctx.menu.num_candidates > 0;
        api()->free_context(&ctx);
    }
    return more;
}

bool PinyinEngine::has_prev_page() {
    if (!ensure_session(false)) return false;
    RIME_STRUCT(RimeContext, ctx);
    bool prev = false;
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        prev = ctx.menu.page_no > 0;
        api()->free_context(&ctx);
    }
    return prev;
}

void PinyinEngine::page(bool next) {
    if (!ensure_session(true)) return;
    api()->process_key(static_cast<RimeSessionId>(session_), next ? 0xff56 : 0xff55, 0);  // Page_Down / Page_Up
}

std::string PinyinEngine::select(int index_on_page) {
    if (!ensure_session(true)) return "";
    RIME_STRUCT(RimeContext, ctx);
    int page_no = 0, page_size = 8;
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        page_no = ctx.menu.page_no;
        page_size = ctx.menu.page_size;
        api()->free_context(&ctx);
    }
    api()->select_candidate(static_cast<RimeSessionId>(session_),
                            static_cast<size_t>(page_no * page_size + index_on_page));
    return take_commit();
}

std::string PinyinEngine::commit_raw() {
    if (!ensure_session(true)) return "";
    RIME_STRUCT(RimeContext, ctx);
    std::string raw;
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        if (ctx.composition.preedit) raw = ctx.composition.preedit;
        api()->free_context(&ctx);
    }
    api()->clear_composition(static_cast<RimeSessionId>(session_));
    std::string out;
    for (char c : raw)
        if (c != ' ') out += c;
    return out;
}

void PinyinEngine::clear() {
    open();  // a field took focus or the home screen was left: the engine will be wanted soon
    if (!opened_ || !session_) return;
    api()->destroy_session(static_cast<RimeSessionId>(session_));
    session_ = 0;
}

bool PinyinEngine::composing() { return !preedit().empty(); }

}  // namespace yimen::kiosk
