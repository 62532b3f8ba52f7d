// policy_source.cpp — the installed signed bundle or the shipped assets (see policy_source.hpp).
#include "kiosk/model/policy_source.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/sqlite.hpp"
#include "base/seal.hpp"
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

Result<std::optional<seal::SealingPublicKey>> resolve_sealing_key(const KioskConfig& cfg, const PolicySource& s) {
    if (!s.sealing_key_pem.empty()) {
        auto k = seal::public_key_from_pem(s.sealing_key_pem);
        if (!k) return k.error();
        return std::optional<seal::SealingPublicKey>(*k);
    }
    if (cfg.sealing_public_key.empty()) return std::optional<seal::SealingPublicKey>();
    auto k = seal::load_public_key(cfg.sealing_public_key);
    if (!k) return k.error();
    return std::optional<seal::SealingPublicKey>(*k);
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
            auto data = load_policy_data(shipped_assets_dir, &b->files, &components);
            std::string sealing_key_pem;
            if (auto k = b->files.find(kBundleSealingKeyPath); k != b->files.end() && data) {
                if (auto pub = seal::public_key_from_pem(k->second); !pub) data = pub.error();
                sealing_key_pem = k->second;
                components.push_back("sealing_key");
            }
            if (!data) fallback(data.error());
            else if (components.empty())
                fallback(Error{"nothing_to_load", "the bundle carries no rules, articles or quiz the kiosk loads"});
            else {
                out.data = std::move(data).value();
                out.source.from_bundle = true;
                out.source.version = m->version;
                out.source.created = m->created;
                out.source.components = std::move(components);
                out.source.sealing_key_pem = std::move(sealing_key_pem);
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
    sqlite::OpenOptions opt;
    opt.private_file = true;
    auto db = sqlite::Database::open(cfg.db_path(), opt);
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
