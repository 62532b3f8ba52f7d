// script.cpp — see script.hpp.
#include "kiosk/script/script.hpp"

#include <cstdlib>
#include <sstream>

#include "kiosk/model/text.hpp"

namespace yimen::kiosk {
namespace {

// ${NAME} → the environment variable NAME (empty when unset).
std::string expand_env(const std::string& line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '$' && i + 1 < line.size() && line[i + 1] == '{') {
            const auto close = line.find('}', i + 2);
            if (close != std::string::npos) {
                const char* v = std::getenv(line.substr(i + 2, close - i - 2).c_str());
                out += v ? v : "";
                i = close;
                continue;
            }
        }
        out.push_back(line[i]);
    }
    return out;
}

}  // namespace

Result<std::vector<ScriptCommand>> parse_script(const std::string& text) {
    std::vector<ScriptCommand> out;
    std::istringstream in(text);
    std::string raw;
    int n = 0;
    while (std::getline(in, raw)) {
        ++n;
        auto line = trim(expand_env(raw));
        if (line.empty() || line[0] == '#') continue;
        auto sp = line.find(' ');
        ScriptCommand c;
        c.line = n;
        c.verb = line.substr(0, sp);
        std::string rest = sp == std::string::npos ? "" : trim(line.substr(sp + 1));
        auto bad = [&](const std::string& why) {
            return Error{"bad_script", "脚本第 " + std::to_string(n) + " 行：" + why};
        };
        if (c.verb == "tap" || c.verb == "tap-first" || c.verb == "type" || c.verb == "scan" || c.verb == "shot") {
            if (rest.empty()) return bad(c.verb + " 后面要写内容");
            c.text = rest;
        } else if (c.verb == "await") {
            std::istringstream words(rest);
            int ms = 0;
            if (!(words >> ms) || ms <= 0) return bad("await 需要毫秒数和按钮名，例如 await 5000 使用这些信息");
            c.numbers.push_back(ms);
            std::string label;
            std::getline(words, label);
            c.text = trim(label);
            if (c.text.empty()) return bad("await 后面要写按钮名");
        } else if (c.verb == "stroke") {
            std::istringstream nums(rest);
            int v = 0;
            while (nums >> v) c.numbers.push_back(v);
            if (c.numbers.size() < 4 || c.numbers.size() % 2 != 0)
                return bad("stroke 需要至少两个点（每个点两个数：在手写框里的横、纵百分比）");
        } else if (c.verb == "tap-xy" || c.verb == "drag" || c.verb == "wait" || c.verb == "idle" || c.verb == "sleep") {
            std::istringstream nums(rest);
            int v = 0;
            while (nums >> v) c.numbers.push_back(v);
            std::size_t want = c.verb == "tap-xy" ? 2 : c.verb == "drag" ? 4 : 1;
            if (c.numbers.size() != want) return bad(c.verb + " 需要 " + std::to_string(want) + " 个数字");
        } else {
            return bad("不认识的命令 “" + c.verb + "”");
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace yimen::kiosk
