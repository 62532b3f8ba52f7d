// programmes.cpp — loads and checks the catalogue, so a county override with a typo fails at load, not mid-case.
#include "policy/programmes.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace yimen {
namespace {

using nlohmann::json;

std::vector<std::string> strings(const json& j, const char* key) {
    std::vector<std::string> out;
    if (j.contains(key) && j[key].is_array())
        for (auto& s : j[key]) out.push_back(s.get<std::string>());
    return out;
}

StageDef parse_stage(const json& s) {
    StageDef st;
    st.id = s.at("id").get<std::string>();
    st.name = s.value("name", st.id);
    st.actor = s.value("actor", "township");
    st.from = strings(s, "from");
    st.initial = s.value("initial", false);
    st.clock_start = s.value("clock_start", false);
    st.decision = s.value("decision", false);
    st.terminal = s.value("terminal", false);
    st.reason_required = s.value("reason", false);
    st.extends = s.value("extends", false);
    st.settled = s.value("settled", false);
    st.once = s.value("once", false);
    st.notice = s.value("notice", false);
    st.requires_stages = strings(s, "requires");
    st.documents = strings(s, "documents");
    if (s.contains("fields"))
        for (auto& f : s["fields"])
            st.fields.push_back({f.at("name").get<std::string>(), f.value("type", "text"), f.value("required", true),
                                 f.value("min", 0), f.value("check", ""), f.value("ceiling", ""), f.value("approval", ""),
                                 strings(f, "options"), f.value("max_fact", "")});
    if (s.contains("limit") && s["limit"].is_object()) {
        const json& l = s["limit"];
        StageLimit lim;
        lim.working_days = l.contains("wd");
        if (l.contains("hours")) {
            lim.hours = l["hours"].get<int>();
            lim.working_days = false;
        } else {
            lim.days = lim.working_days ? l["wd"].get<int>() : l.at("cd").get<int>();
        }
        lim.after = strings(l, "after");
        lim.figure = l.value("figure", "");
        lim.confidence = l.value("confidence", "");
        lim.source = l.value("source", "");
        st.limit = lim;
    }
    return st;
}

std::string read_file(const std::string& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = static_cast<bool>(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

const StageDef* Programme::stage(const std::string& sid) const {
    for (auto& s : stages)
        if (s.id == sid) return &s;
    return nullptr;
}

const StageDef* Programme::initial_stage() const {
    for (auto& s : stages)
        if (s.initial) return &s;
    return nullptr;
}

const StageDef* Programme::clock_start_stage() const {
    for (auto& s : stages)
        if (s.clock_start) return &s;
    return nullptr;
}

const nlohmann::json* Programme::figure(const std::string& figure_name) const {
    auto it = figures.find(figure_name);
    return it == figures.end() ? nullptr : &it->second;
}

bool Programme::has_material(const std::string& code) const {
    for (auto& m : materials)
        if (m.code == code) return true;
    return false;
}

Result<Rules> Rules::from_json(const std::string& base, const std::string& county_patch) {
    json j = json::parse(base, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Error{"bad_rules", "办事规则数据文件格式错误。"};
    if (!county_patch.empty()) {
        json patch = json::parse(county_patch, nullptr, false);
        if (patch.is_discarded()) return Error{"bad_rules", "县级规则覆盖文件格式错误。"};
        j.merge_patch(patch);
    }
    Rules r;
    try {
        r.version_ = j.value("version", "");
        for (auto& [code, name] : j.at("documents").items()) r.documents_[code] = name.get<std::string>();
        for (auto& [name, f] : j.at("facts").items())
            r.facts_[name] = Fact{f.at("value"), f.value("confidence", ""), f.value("source", "")};
        for (auto& [key, h] : j.at("hotlines").items()) r.hotlines_[key] = h.at("number").get<std::string>();
        for (auto& [code, name] : j.at("extension_reasons").items()) r.extension_reasons_[code] = name.get<std::string>();
        r.examples_ = j.value("examples", json::object());
        const json templates = j.value("stage_templates", json::object());
        for (auto& p : j.at("programmes")) {
            Programme prog;
            prog.id = p.at("id").get<std::string>();
            prog.name = p.at("name").get<std::string>();
            prog.short_name = p.value("short", prog.name);
            prog.kind = p.value("kind", "assistance");
            prog.department = p.value("department", "");
            prog.who = p.value("who", "");
            prog.confidence = p.value("confidence", "");
            prog.bring = strings(p, "bring");
            prog.close_relative_requires = strings(p, "close_relative_requires");
            prog.close_relative_before = strings(p, "close_relative_before");
            if (prog.close_relative_before.empty()) prog.close_relative_before = {"confirmed"};
            for (auto& m : p.at("materials")) {
                Material mat{m.at("code").get<std::string>(), "", m.value("when", ""), m.value("confidence", "")};
                auto it = r.documents_.find(mat.code);
                if (it == r.documents_.end())
                    return Error{"bad_rules", "材料代码未在文书目录中定义：" + mat.code};
                mat.name = it->second;
                prog.materials.push_back(std::move(mat));
            }
            if (p.contains("overall") && p["overall"].is_object()) {
                const json& o = p["overall"];
                prog.overall = OverallLimit{o.at("wd").get<int>(), o.value("extended_wd", o.at("wd").get<int>()),
                                            o.value("from", "accepted"), o.value("confidence", ""), o.value("source", "")};
            }
            if (p.contains("figures"))
                for (auto& [name, f] : p["figures"].items()) prog.figures[name] = f;
            const json& stages = p.at("stages").is_string() ? templates.at(p["stages"].get<std::string>()) : p["stages"];
            for (auto& s : stages) prog.stages.push_back(parse_stage(s));
            // min_period refers to a fact (公示 days) so the figure lives in one place.
            for (std::size_t i = 0; i < prog.stages.size(); ++i) {
                const json& s = stages[i];
                if (s.contains("min_period")) {
                    const auto fact = s["min_period"].at("fact").get<std::string>();
                    auto f = r.facts_.find(fact);
                    if (f == r.facts_.end()) return Error{"bad_rules", "未定义的期限：" + fact};
                    prog.stages[i].min_calendar_days = {f->second.value.get<int>(),
                                                        s["min_period"].at("after").get<std::string>()};
                }
            }
            r.programmes_.push_back(std::move(prog));
        }
    } catch (const json::exception& e) {
        return Error{"bad_rules", std::string("办事规则数据缺少必要内容：") + e.what()};
    }
    // Every reference between stages must resolve.
    for (auto& p : r.programmes_) {
        std::set<std::string> ids;
        for (auto& s : p.stages) ids.insert(s.id);
        auto check = [&](const std::string& id) { return id == "*" || ids.count(id); };
        int initial = 0;
        for (auto& s : p.stages) {
            initial += s.initial;
            for (auto& f : s.from)
                if (!check(f)) return Error{"bad_rules", p.id + "." + s.id + " 引用了不存在的环节 " + f};
            for (auto& f : s.requires_stages)
                if (!check(f)) return Error{"bad_rules", p.id + "." + s.id + " 引用了不存在的环节 " + f};
            if (s.limit)
                for (auto& f : s.limit->after)
                    if (!check(f)) return Error{"bad_rules", p.id + "." + s.id + " 的时限引用了不存在的环节 " + f};
            for (auto& d : s.documents)
                if (!r.documents_.count(d)) return Error{"bad_rules", p.id + "." + s.id + " 引用了未定义的文书 " + d};
            for (auto& f : s.fields) {
                if (!f.approval.empty() && !check(f.approval))
                    return Error{"bad_rules", p.id + "." + s.id + " 的审批环节不存在：" + f.approval};
                if (!f.ceiling.empty() && !p.figure(f.ceiling))
                    return Error{"bad_rules", p.id + "." + s.id + " 引用了未定义的额度：" + f.ceiling};
                if (!f.max_fact.empty() && !r.facts_.count(f.max_fact))
                    return Error{"bad_rules", p.id + "." + s.id + " 引用了未定义的期限：" + f.max_fact};
            }
        }
        for (auto& f : p.close_relative_requires)
            if (!check(f)) return Error{"bad_rules", p.id + " 的近亲属备案要求引用了不存在的环节 " + f};
        if (initial != 1) return Error{"bad_rules", p.id + " 必须有且只有一个起始环节"};
    }
    return r;
}

Result<Rules> Rules::load(const std::string& assets_dir) {
    bool ok = false;
    const std::string base = read_file(assets_dir + "/rules/programmes.json", ok);
    if (!ok) return Error{"rules_missing", "找不到办事规则数据文件：" + assets_dir + "/rules/programmes.json"};
    bool has_patch = false;
    const std::string patch = read_file(assets_dir + "/rules/county.programmes.json", has_patch);
    return from_json(base, has_patch ? patch : "");
}

const Programme* Rules::programme(const std::string& id) const {
    for (auto& p : programmes_)
        if (p.id == id) return &p;
    return nullptr;
}

std::string Rules::document_name(const std::string& code) const {
    auto it = documents_.find(code);
    return it == documents_.end() ? code : it->second;
}

const Fact* Rules::fact(const std::string& name) const {
    auto it = facts_.find(name);
    return it == facts_.end() ? nullptr : &it->second;
}

int Rules::fact_int(const std::string& name, int fallback) const {
    const Fact* f = fact(name);
    return f && f->value.is_number_integer() ? f->value.get<int>() : fallback;
}

std::string Rules::hotline(const std::string& key) const {
    auto it = hotlines_.find(key);
    return it == hotlines_.end() ? "" : it->second;
}

}  // namespace yimen
