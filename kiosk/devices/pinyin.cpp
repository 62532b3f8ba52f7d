// pinyin.cpp — librime session handling (see pinyin.hpp).
#include "kiosk/devices/pinyin.hpp"

#include <rime_api.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace yimen::kiosk {
namespace {

RimeApi* api() { return rime_get_api(); }
std::once_flag g_setup;
// librime is set up once per process: later engines share the first user directory.
std::string g_user_dir;

}  // namespace

PinyinEngine::~PinyinEngine() {
    if (deploy_.joinable()) deploy_.join();
    if (session_ && ready_) api()->destroy_session(static_cast<RimeSessionId>(session_));
}

void PinyinEngine::start(const std::string& user_dir) {
    user_dir_ = user_dir;
    std::error_code ec;
    std::filesystem::create_directories(user_dir, ec);
    {
        std::ofstream d(user_dir + "/default.custom.yaml");
        d << "patch:\n  schema_list:\n    - schema: luna_pinyin_simp\n  menu/page_size: 8\n";
        std::ofstream s(user_dir + "/luna_pinyin_simp.custom.yaml");
        s << "patch:\n  translator/enable_user_dict: false\n";
    }
    if (!g_user_dir.empty()) user_dir_ = g_user_dir;
    deploy_ = std::thread([this] {
        static std::string shared = "/usr/share/rime-data";
        static std::string user;
        static std::string app = "rime.yimen-kiosk";
        bool ok = true;
        std::call_once(g_setup, [&] {
            user = user_dir_;
            g_user_dir = user;
            RIME_STRUCT(RimeTraits, t);
            t.shared_data_dir = shared.c_str();
            t.user_data_dir = user.c_str();
            t.app_name = app.c_str();
            t.min_log_level = 3;
            t.log_dir = user.c_str();
            api()->setup(&t);
            api()->initialize(&t);
            if (api()->start_maintenance(True)) api()->join_maintenance_thread();
        });
        if (!ok) failed_ = true;
        ready_ = true;
    });
}

bool PinyinEngine::wait_ready(int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!ready_ && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return ready_;
}

bool PinyinEngine::ensure_session() {
    if (!ready_) return false;
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
    if (!ensure_session()) return "";
    api()->process_key(static_cast<RimeSessionId>(session_), c, 0);
    return take_commit();
}

void PinyinEngine::backspace() {
    if (!ensure_session()) return;
    api()->process_key(static_cast<RimeSessionId>(session_), 0xff08, 0);  // XK_BackSpace
}

std::string PinyinEngine::preedit() {
    if (!ensure_session()) return "";
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
    if (!ensure_session()) return out;
    RIME_STRUCT(RimeContext, ctx);
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        for (int i = 0; i < ctx.menu.num_candidates; ++i)
            if (ctx.menu.candidates[i].text) out.emplace_back(ctx.menu.candidates[i].text);
        api()->free_context(&ctx);
    }
    return out;
}

bool PinyinEngine::has_next_page() {
    if (!ensure_session()) return false;
    RIME_STRUCT(RimeContext, ctx);
    bool more = false;
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        more = !ctx.menu.is_last_page && ctx.menu.num_candidates > 0;
        api()->free_context(&ctx);
    }
    return more;
}

bool PinyinEngine::has_prev_page() {
    if (!ensure_session()) return false;
    RIME_STRUCT(RimeContext, ctx);
    bool prev = false;
    if (api()->get_context(static_cast<RimeSessionId>(session_), &ctx)) {
        prev = ctx.menu.page_no > 0;
        api()->free_context(&ctx);
    }
    return prev;
}

void PinyinEngine::page(bool next) {
    if (!ensure_session()) return;
    api()->process_key(static_cast<RimeSessionId>(session_), next ? 0xff56 : 0xff55, 0);  // Page_Down / Page_Up
}

std::string PinyinEngine::select(int index_on_page) {
    if (!ensure_session()) return "";
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
    if (!ensure_session()) return "";
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
    if (!ready_ || !session_) return;
    api()->destroy_session(static_cast<RimeSessionId>(session_));
    session_ = 0;
}

bool PinyinEngine::composing() { return !preedit().empty(); }

}  // namespace yimen::kiosk
