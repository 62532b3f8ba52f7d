// i18n.hpp — the UI strings (assets/i18n/zh-CN.json primary, en.json), switchable at run time on the home screen.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace yimen::kiosk {

class I18n {
public:
    static Result<I18n> load(const std::string& assets_dir);
    // "zh-CN" or "en"; unknown languages keep the current one.
    void set_language(const std::string& lang);
    const std::string& language() const { return lang_; }
    // A missing key shows itself, so a gap is visible on screen rather than silently blank.
    const std::string& tr(const std::string& key) const;
    // tr() with {0}, {1}, … replaced.
    std::string fmt(const std::string& key, const std::vector<std::string>& args) const;
    // Whether the current language (or zh-CN) has `key`.
    bool has(const std::string& key) const;
    // The words for an Error from a lower library (policy/, printer/, sync/, the store), by its code: in zh-CN the
    // library's own sentence (it may name the digit to check); in another language the table's
    // "err.<scope>.<code>" (scope: "id", "receipt", "print", "sync", "store", …); with no such key, the library's
    // sentence — so a code the tables do not know still says something rather than nothing.
    std::string error(const std::string& scope, const Error& e) const;
    const std::map<std::string, std::string>& table(const std::string& lang) const;
    std::vector<std::string> languages() const;
    // Every string of every language: the glyphs the atlas must hold at every size.
    std::string all_text() const;

private:
    std::map<std::string, std::map<std::string, std::string>> tables_;
    std::string lang_ = "zh-CN";
};

}  // namespace yimen::kiosk
