// templates.cpp — template loading and filling.
#include "printer/templates.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace yimen::printer {

namespace fs = std::filesystem;

namespace {

Result<nlohmann::json> read_json(const fs::path& p, const std::string& what) {
    std::ifstream in(p);
    if (!in) return Error{"not_found", "找不到" + what + "文件 " + p.filename().string() + "，请检查 assets/receipts/ 目录。"};
    try {
        nlohmann::json j;
        in >> j;
        return j;
    } catch (const std::exception&) {
        return Error{"bad_json", what + "文件 " + p.filename().string() + " 格式有误，请改正。"};
    }
}

bool truthy(const nlohmann::json& data, const std::string& key) {
    if (!data.contains(key)) return false;
    const auto& v = data.at(key);
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string()) return !v.get<std::string>().empty();
    if (v.is_array() || v.is_object()) return !v.empty();
    return true;
}

std::string group4(const std::string& s) {
    std::string o;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i && i % 4 == 0) o += ' ';
        o += s[i];
    }
    return o;
}

Result<std::string> value_text(const nlohmann::json& data, const std::string& key, const std::string& tmpl_name) {
    if (!data.contains(key))
        return Error{"missing_field", "回执模板 " + tmpl_name + " 需要的数据 " + key + " 没有提供，请补上后再打印。"};
    const auto& v = data.at(key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_boolean()) return std::string(v.get<bool>() ? "是" : "否");
    return Error{"bad_field", "回执模板 " + tmpl_name + " 的数据 " + key + " 应是文字，请改正。"};
}

Result<std::string> substitute(const std::string& s, const nlohmann::json& data, const std::string& tmpl_name) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto open = s.find("{{", i);
        if (open == std::string::npos) { out.append(s, i); break; }
        const auto close = s.find("}}", open + 2);
        if (close == std::string::npos) { out.append(s, i); break; }
        out.append(s, i, open - i);
        std::string key = s.substr(open + 2, close - open - 2);
        std::string filter;
        if (auto bar = key.find('|'); bar != std::string::npos) {
            filter = key.substr(bar + 1);
            key.resize(bar);
        }
        auto v = value_text(data, key, tmpl_name);
        if (!v) return v.error();
        out += filter == "group4" ? group4(*v) : *v;
        i = close + 2;
    }
    return out;
}

}  // namespace

std::vector<TemplateInfo> list_templates(const std::string& assets_dir) {
    std::vector<TemplateInfo> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(assets_dir) / "receipts", ec)) {
        if (e.path().extension() != ".json") continue;
        auto j = read_json(e.path(), "回执模板");
        if (!j) continue;
        out.push_back({e.path().stem().string(), j->value("title", ""), j->value("description", "")});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

Result<nlohmann::json> load_template(const std::string& assets_dir, const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name.find('.') != std::string::npos)
        return Error{"bad_template", "回执模板名 " + name + " 不对，可用 receipt templates 查看。"};
    return read_json(fs::path(assets_dir) / "receipts" / (name + ".json"), "回执模板");
}

Result<nlohmann::json> load_sample(const std::string& assets_dir, const std::string& name) {
    return read_json(fs::path(assets_dir) / "receipts" / "samples" / (name + ".json"), "样例数据");
}

Result<Document> fill_template(const nlohmann::json& tmpl, const nlohmann::json& data) {
    Document d;
    try {
        d.template_name = tmpl.value("name", "");
        d.title = tmpl.value("title", "");
        for (const auto& bj : tmpl.at("blocks")) {
            if (bj.contains("when") && !truthy(data, bj.at("when").get<std::string>())) continue;
            if (bj.contains("unless") && truthy(data, bj.at("unless").get<std::string>())) continue;
            nlohmann::json filled = bj;
            filled.erase("when");
            filled.erase("unless");
            for (const char* field : {"text", "key"}) {
                if (!bj.contains(field)) continue;
                auto s = substitute(bj.at(field).get<std::string>(), data, d.template_name);
                if (!s) return s.error();
                filled[field] = *s;
            }
            if (bj.value("type", "") == "title") {
                filled["type"] = "text";
                filled["size"] = 2;
                filled["bold"] = true;
                filled["align"] = "center";
            }
            if (bj.contains("items") && bj.at("items").is_array()) {
                std::vector<std::string> items;
                for (const auto& it : bj.at("items")) {
                    auto s = substitute(it.get<std::string>(), data, d.template_name);
                    if (!s) return s.error();
                    items.push_back(*s);
                }
                filled["items"] = items;
            }
            if (bj.contains("items") && bj.at("items").is_string()) {
                const std::string key = bj.at("items").get<std::string>();
                std::vector<std::string> items;
                if (data.contains(key)) {
                    if (!data.at(key).is_array())
                        return Error{"bad_field", "回执模板 " + d.template_name + " 的数据 " + key + " 应是一组文字。"};
                    for (const auto& it : data.at(key)) items.push_back(it.is_string() ? it.get<std::string>() : it.dump());
                }
                if (items.empty() && bj.contains("empty")) {
                    auto s = substitute(bj.at("empty").get<std::string>(), data, d.template_name);
                    if (!s) return s.error();
                    items.push_back(*s);
                }
                filled["items"] = items;
                filled.erase("empty");
            }
            nlohmann::json one{{"blocks", nlohmann::json::array({filled})}};
            auto parsed = document_from_json(one);
            if (!parsed) return parsed.error();
            d.blocks.push_back(parsed->blocks.at(0));
        }
    } catch (const std::exception&) {
        return Error{"bad_template", "回执模板格式有误，请改正模板文件。"};
    }
    return d;
}

Result<Document> render_template(const std::string& assets_dir, const std::string& name, const nlohmann::json& data) {
    auto t = load_template(assets_dir, name);
    if (!t) return t.error();
    auto d = fill_template(*t, data);
    if (d.ok()) d.value().template_name = name;
    return d;
}

}  // namespace yimen::printer
