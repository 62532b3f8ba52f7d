// policy_source.cpp — the installed signed bundle or the shipped assets (see policy_source.hpp).
#include "kiosk/model/policy_source.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/sqlite.hpp"
#include "sync/bundle.hpp"
#include "sync/pulled_store.hpp"

namespace yimen::kiosk {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<std::string> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return ss.str();
}

// The installed folder as a Bundle, to verify exactly what is on disk: every file in it counts (an added file is
// an extra_file), a symlink or special file makes it unsafe.
Result<sync::bundle::Bundle> read_installed(const fs::path& dir) {
    sync::bundle::Bundle b;
    auto manifest = read_file(dir / ".manifest.json");
    auto signature = read_file(dir / ".signature");
    if (!manifest || !signature) return Error{"unreadable", "the installed bundle's manifest or signature is missing"};
    b.manifest_bytes = std::move(*manifest);
    b.signature = std::move(*signature);
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
    if (ec) return Error{"unreadable", "the installed bundle's folder cannot be read"};
    for (; it != end; it.increment(ec)) {
        if (ec) return Error{"unreadable", "the installed bundle's folder cannot be read"};
        const auto st = it->symlink_status(ec);
        const auto rel = fs::relative(it->path(), dir, ec).generic_string();
        if (fs::is_symlink(st)) return Error{"unsafe_path", "a symlink in the installed bundle: " + rel};
        if (fs::is_directory(st)) continue;
        if (!fs::is_regular_file(st)) return Error{"unsafe_path", "a special file in the installed bundle: " + rel};
        if (rel == ".manifest.json" || rel == ".signature") continue;
        auto bytes = read_file(it->path());
        if (!bytes) return Error{"unreadable", "cannot read " + rel + " of the installed bundle"};
        b.files.emplace(rel, std::move(*bytes));
    }
    return b;
}

// PolicyData from the verified bundle's files over the shipped assets (the same steps as load_policy_data).
Result<PolicyData> load_overlay(const std::map<std::string, std::string>& bundle, const std::string& shipped,
                                std::vector<std::string>& components) {
    auto text = [&](const std::string& rel, const char* component) -> std::optional<std::string> {
        if (auto it = bundle.find(rel); it != bundle.end()) {
            if (std::find(components.begin(), components.end(), component) == components.end())
                components.push_back(component);
            return it->second;
        }
        return read_file(fs::path(shipped) / rel);
    };
    auto missing = [&](const std::string& rel) {
        return Error{"asset_missing", "找不到数据文件：" + rel};  // zh-ok: a content-loading error like policy/'s own; logged and shown to staff by its code
    };

    auto base = text("rules/programmes.json", "rules");
    if (!base) return missing("rules/programmes.json");
    auto patch = text("rules/county.programmes.json", "rules");
    auto rules = Rules::from_json(*base, patch ? *patch : "");
    if (!rules) return rules.error();
    auto cal_text = text("calendar/holidays-cn.json", "calendar");
    if (!cal_text) return missing("calendar/holidays-cn.json");
    auto cal = WorkCalendar::from_json(*cal_text);
    if (!cal) return cal.error();
    auto std_text = text("rules/standards.json", "standards");
    if (!std_text) return missing("rules/standards.json");
    auto standards = StandardTable::from_json(*std_text);
    if (!standards) return standards.error();
    auto rating_text = text("rules/rating.json", "rating");
    if (!rating_text) return missing("rules/rating.json");
    auto rating = RatingModel::from_json(*rating_text);
    if (!rating) return rating.error();
    const auto values = placeholder_values(*rules, &*rating);

    auto quiz_text = text("quiz/quiz.json", "quiz");
    if (!quiz_text) return missing("quiz/quiz.json");
    auto qexpanded = expand_placeholders(*quiz_text, values);
    if (!qexpanded) return qexpanded.error();
    auto quiz = Quiz::from_json(*qexpanded);
    if (!quiz) return quiz.error();

    // Articles as a set: the bundle's (policy/articles/ or, from `--from assets/policy`, articles/) or the shipped.
    std::map<std::string, const std::string*> articles;  // file name → bytes, in name order as load_articles reads
    for (const char* prefix : {"policy/articles/", "articles/"}) {
        const std::string pre = prefix;
        for (auto& [path, bytes] : bundle) {
            if (path.rfind(pre, 0) != 0) continue;
            const auto name = path.substr(pre.size());
            if (name.find('/') != std::string::npos || name == "README.md" || fs::path(name).extension() != ".md")
                continue;
            articles.emplace(name, &bytes);
        }
        if (!articles.empty()) break;
    }
    std::vector<Article> list;
    if (articles.empty()) {
        auto shipped_articles = load_articles(shipped + "/policy/articles", values);
        if (!shipped_articles) return shipped_articles.error();
        list = std::move(shipped_articles).value();
    } else {
        components.push_back("articles");
        for (auto& [name, bytes] : articles) {
            auto expanded = expand_placeholders(*bytes, values);
            if (!expanded) return Error{expanded.error().code, name + "：" + expanded.error().message};  // zh-ok: a content-loading error like policy/'s own; logged and shown to staff by its code
            auto a = parse_article(*expanded);
            if (!a) return Error{a.error().code, name + "：" + a.error().message};  // zh-ok: a content-loading error like policy/'s own; logged and shown to staff by its code
            list.push_back(std::move(a).value());
        }
    }
    return PolicyData{shipped,
                      std::move(rules).value(),
                      std::move(cal).value(),
                      std::move(standards).value(),
                      std::move(rating).value(),
                      std::move(quiz).value(),
                      std::move(list)};
}

std::string in_force_path(const KioskConfig& cfg) { return cfg.data_dir + "/policy-in-force.json"; }

}  // namespace

std::string describe_policy_source(const I18n& t, const PolicySource& s) {
    if (s.from_bundle) {
        std::string parts;
        for (auto& c : s.components)
            parts += (parts.empty() ? "" : t.tr("policy.part_separator")) + t.tr("policy.part." + c);
        return t.fmt("policy.bundle", {s.version, parts});
    }
    if (!s.fallback_code.empty()) return t.fmt("policy.shipped_fallback", {s.refused_version, s.fallback_code});
    return t.tr("policy.shipped");
}

std::string installed_bundle_version(const KioskConfig& cfg) {
    return sync::bundle::Installer(cfg.bundle_root()).current_version();
}

Result<LoadedPolicy> load_policy(const KioskConfig& cfg, const std::string& shipped_assets_dir) {
    LoadedPolicy out;
    const std::string version = installed_bundle_version(cfg);
    if (!version.empty()) {
        auto fallback = [&](const Error& e) {
            out.source = PolicySource{};
            out.source.fallback_code = e.code;
            out.source.fallback_detail = e.message;
            out.source.refused_version = version;
        };
        const std::string dir = sync::bundle::Installer(cfg.bundle_root()).current_dir();
        std::optional<std::string> key;
        if (!cfg.bundle_public_key.empty()) key = read_file(cfg.bundle_public_key);
        if (cfg.bundle_public_key.empty()) fallback(Error{"no_key", "no bundle-signing key is configured"});
        else if (!key) fallback(Error{"no_key", "the bundle-signing key " + cfg.bundle_public_key + " cannot be read"});
        else if (dir.empty()) fallback(Error{"unreadable", "the installed bundle's folder is missing"});
        else if (auto b = read_installed(dir); !b) fallback(b.error());
        else if (auto v = sync::bundle::verify(*b, *key); !v) fallback(v.error());
        else if (auto m = sync::bundle::parse_manifest(b->manifest_bytes); !m) fallback(m.error());
        // A signed older bundle copied into a newer folder would roll the rules back: the names must agree.
        else if (m->version != version)
            fallback(Error{"bad_manifest", "the bundle in folder " + version + " is version " + m->version});
        else {
            std::vector<std::string> components;
            auto data = load_overlay(b->files, shipped_assets_dir, components);
            if (!data) fallback(data.error());
            else if (components.empty())
                fallback(Error{"nothing_to_load", "the bundle carries no rules, articles or quiz the kiosk loads"});
            else {
                out.data = std::move(data).value();
                out.source.from_bundle = true;
                out.source.version = m->version;
                out.source.created = m->created;
                out.source.components = std::move(components);
                return out;
            }
        }
    }
    auto shipped = load_policy_data(shipped_assets_dir);
    if (!shipped) return shipped.error();
    out.data = std::move(shipped).value();
    return out;
}

std::vector<ConfigOverride> apply_stored_pulled_config(KioskConfig& cfg) {
    std::error_code ec;
    if (!fs::exists(cfg.db_path(), ec)) return {};
    auto db = sqlite::Database::open(cfg.db_path());
    if (!db) return {};
    auto store = sync::PulledStore::open(**db);
    if (!store) return {};
    return apply_pulled_config(cfg, [&](const std::string& key) -> std::optional<json> {
        auto v = (*store)->config(key);
        if (v && v->is_discarded()) return std::nullopt;
        return v;
    });
}

Status write_in_force(const KioskConfig& cfg, const PolicySource& s, const std::vector<ConfigOverride>& overrides,
                      UtcMillis now) {
    json j{{"from_bundle", s.from_bundle},
           {"version", s.version},
           {"created", s.created},
           {"components", s.components},
           {"fallback_code", s.fallback_code},
           {"fallback_detail", s.fallback_detail},
           {"refused_version", s.refused_version},
           {"started", format_rfc3339(now)}};
    json keys = json::array();
    for (auto& o : overrides)
        if (o.applied) keys.push_back(o.key);
    j["config_keys"] = keys;
    const std::string path = in_force_path(cfg);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << j.dump(2) << "\n";
        if (!out.flush()) return Error{"io_error", "cannot write " + tmp};
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) return Error{"io_error", "cannot write " + path};
    return Ok{};
}

std::optional<InForce> read_in_force(const KioskConfig& cfg) {
    auto text = read_file(in_force_path(cfg));
    if (!text) return std::nullopt;
    auto j = json::parse(*text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    InForce f;
    try {
        f.source.from_bundle = j.value("from_bundle", false);
        f.source.version = j.value("version", "");
        f.source.created = j.value("created", "");
        f.source.components = j.value("components", std::vector<std::string>{});
        f.source.fallback_code = j.value("fallback_code", "");
        f.source.fallback_detail = j.value("fallback_detail", "");
        f.source.refused_version = j.value("refused_version", "");
        f.config_keys = j.value("config_keys", std::vector<std::string>{});
        f.started = j.value("started", "");
    } catch (const json::exception&) {
        return std::nullopt;  // not what the kiosk writes
    }
    return f;
}

}  // namespace yimen::kiosk
