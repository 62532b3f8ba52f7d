// templates.hpp — receipt templates are data in assets/receipts/<name>.json; filling one with a record gives a
// Document. `{{key}}` takes data[key] (`{{key|group4}}` shows a receipt number in groups of four), a list's
// "items" names an array in the data, and "when"/"unless" keep a block only if data[key] is (not) truthy.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "printer/document.hpp"

namespace yimen::printer {

struct TemplateInfo {
    std::string name;
    std::string title;
    std::string description;
};

std::vector<TemplateInfo> list_templates(const std::string& assets_dir);
Result<nlohmann::json> load_template(const std::string& assets_dir, const std::string& name);
Result<nlohmann::json> load_sample(const std::string& assets_dir, const std::string& name);
Result<Document> fill_template(const nlohmann::json& tmpl, const nlohmann::json& data);
// load_template + fill_template.
Result<Document> render_template(const std::string& assets_dir, const std::string& name, const nlohmann::json& data);

}  // namespace yimen::printer
