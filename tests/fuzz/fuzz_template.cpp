// fuzz_template.cpp — the two template fillers: printer::fill_template (receipt templates, `{{key}}` and
// `{{key|group4}}`, when/unless, item lists) followed by layout_document, and policy's expand_placeholders
// (the `{{name}}` of assets/policy/articles, with the real placeholder values).
// Input: {"template": <template object, or the name of one in assets/receipts>, "data": <any JSON>}; the raw
// bytes are also expanded as an article body.
#include "fuzz_support.hpp"
#include "policy/articles.hpp"
#include "printer/layout.hpp"
#include "printer/templates.hpp"

using namespace yimen;

namespace {

const std::map<std::string, std::string>& article_values() {
    static const auto v = placeholder_values(fuzz::policy().rules, &fuzz::policy().rating);
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    fuzz::reached();
    if (auto body = expand_placeholders(input, article_values()); body)
        fuzz::check(body->find("{{") == std::string::npos || input.find("{{") != std::string::npos,
                    "expansion introduces no placeholder the text did not have");

    auto j = fuzz::parse_bounded(input);
    if (!j || !j->is_object() || !j->contains("template")) return 0;
    const nlohmann::json& t = (*j)["template"];
    const nlohmann::json fill_data = j->value("data", nlohmann::json::object());
    nlohmann::json tmpl;
    if (t.is_string()) {
        auto loaded = printer::load_template(fuzz::assets_dir(), t.get<std::string>());
        if (!loaded) return 0;
        tmpl = *loaded;
    } else {
        tmpl = t;
    }
    auto doc = printer::fill_template(tmpl, fill_data);
    if (!doc) return 0;
    for (auto paper : {printer::PaperWidth::mm58, printer::PaperWidth::mm80}) {
        auto layout = printer::layout_document(*doc, paper);
        (void)layout;
    }
    return 0;
}
