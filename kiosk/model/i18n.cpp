// i18n.cpp — loads the flat key → string tables (see i18n.hpp).
#include "kiosk/model/i18n.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace yimen::kiosk {

Result<I18n> I18n::load(const std::string& assets_dir) {
    I18n out;
    for (const char* lang : {"zh-CN", "en"}) {
        std::string path = assets_dir + "/i18n/" + lang + ".json";
        std::ifstream in(path);
        if (!in) return Error{"missing_strings", "找不到界面文字文件 " + path + "，请重新安装程序的资源文件"};  // zh-ok: the tables themselves are missing
        std::stringstream ss;
        ss << in.rdbuf();
        auto j = nlohmann::json::parse(ss.str(), nullptr, false);
        if (j.is_discarded() || !j.is_object()) return Error{"bad_strings", "界面文字文件格式不对：" + path};  // zh-ok: the tables themselves are broken
        auto& table = out.tables_[lang];
        for (auto& [k, v] : j.items())
            if (v.is_string()) table[k] = v.get<std::string>();
    }
    return out;
}

void I18n::set_language(const std::string& lang) {
    if (tables_.count(lang)) lang_ = lang;
}

const std::string& I18n::tr(const std::string& key) const {
    auto t = tables_.find(lang_);
    if (t != tables_.end()) {
        auto it = t->second.find(key);
        if (it != t->second.end()) return it->second;
    }
    auto z = tables_.find("zh-CN");
    if (z != tables_.end()) {
        auto it = z->second.find(key);
        if (it != z->second.end()) return it->second;
    }
    return key;
}

std::string I18n::fmt(const std::string& key, const std::vector<std::string>& args) const {
    std::string s = tr(key);
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string ph = "{" + std::to_string(i) + "}";
        for (auto pos = s.find(ph); pos != std::string::npos; pos = s.find(ph, pos + args[i].size()))
            s.replace(pos, ph.size(), args[i]);
    }
    return s;
}

bool I18n::has(const std::string& key) const {
    for (const char* lang : {lang_.c_str(), "zh-CN"}) {
        auto t = tables_.find(lang);
        if (t != tables_.end() && t->second.count(key)) return true;
    }
    return false;
}

std::string I18n::error(const std::string& scope, const Error& e) const {
    const std::string key = "err." + scope + "." + e.code;
    if (lang_ == "zh-CN" && !e.message.empty()) return e.message;
    if (has(key)) return tr(key);
    return e.message.empty() ? key : e.message;
}

const std::map<std::string, std::string>& I18n::table(const std::string& lang) const {
    static const std::map<std::string, std::string> empty;
    auto t = tables_.find(lang);
    return t == tables_.end() ? empty : t->second;
}

std::vector<std::string> I18n::languages() const {
    std::vector<std::string> out;
    for (auto& [k, v] : tables_) out.push_back(k);
    return out;
}

std::string I18n::all_text() const {
    std::string out;
    for (auto& [lang, table] : tables_)
        for (auto& [k, v] : table) out += v;
    return out;
}

}  // namespace yimen::kiosk
