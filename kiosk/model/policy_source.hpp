// policy_source.hpp — where the kiosk's policy content comes from at start: the installed, signed policy bundle
// (sync/bundle.hpp, installed by the county link under <data_dir>/policy-bundles/current) when one is installed and
// verifies against the county's bundle-signing key and loads; otherwise the shipped assets. The choice, its reason
// and the pulled configuration keys that apply are written to <data_dir>/policy-in-force.json for kiosk-ctl status.
//
// A bundle is an overlay of the shipped assets tree: each file it carries replaces the shipped file at the same path
// (rules/programmes.json, keys/sealing.pub, rules/county.programmes.json, rules/standards.json, rules/rating.json,
// calendar/holidays-cn.json, quiz/quiz.json). Articles go as a set: when the bundle carries any article
// (policy/articles/*.md, or articles/*.md as `county-server bundle publish --from assets/policy` builds it), the
// bundle's articles replace all shipped ones, so the county can withdraw an article. Other files are ignored.
// Everything is parsed from the bytes that were verified, never re-read from disk after the check.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/seal.hpp"
#include "kiosk/model/config.hpp"
#include "kiosk/model/i18n.hpp"
#include "policy/policy_data.hpp"

namespace yimen::kiosk {

struct PolicySource {
    bool from_bundle = false;             // false: the shipped assets
    std::string version;                  // the bundle's version when from_bundle
    std::string created;                  // the bundle's creation time (RFC 3339) when from_bundle
    // What the bundle supplied: rules, standards, rating, calendar, quiz, articles.
    std::vector<std::string> components;
    // Why the shipped assets are in force although a bundle is installed ("" when none is installed or it is used):
    // no_key, unreadable, the codes of sync::bundle::verify (bad_key, bad_signature, bad_manifest, unsafe_path,
    // missing_file, hash_mismatch, extra_file), nothing_to_load, or the loader's code (e.g. unknown_placeholder).
    std::string fallback_code;
    std::string fallback_detail;          // the error's words (no personal data: bundles carry none)
    std::string refused_version;          // the installed version that was not used
    // keys/sealing.pub of the bundle in force ("" when it carries none): the county's current sealing key, which
    // replaces [county] sealing_public_key (a rotation reaches kiosks this way, signed like the rules).
    std::string sealing_key_pem;
};

struct LoadedPolicy {
    PolicyData data;
    PolicySource source;
};

// Where a signed bundle carries the county's sealing public key.
inline constexpr const char* kBundleSealingKeyPath = "keys/sealing.pub";

// The key personal fields are sealed to: the bundle's (keys/sealing.pub) when the bundle in force carries one, else
// the file [county] sealing_public_key names; none when neither is set (events then stay schema 1, as before issue
// 11). Codes: "key_missing", "bad_key" (base/seal.hpp).
Result<std::optional<seal::SealingPublicKey>> resolve_sealing_key(const KioskConfig& cfg, const PolicySource& s);

// The selection above. Fails only when the shipped assets themselves do not load (as load_policy_data would).
Result<LoadedPolicy> load_policy(const KioskConfig& cfg, const std::string& shipped_assets_dir);

// One line for staff and the log: "county bundle 2026.1127.070000 (signature verified; rules, articles)", or the
// shipped assets with the reason an installed bundle is not used.
std::string describe_policy_source(const I18n& t, const PolicySource& s);

// The pulled configuration (sync::PulledStore in the kiosk's database) applied over cfg (see config.hpp); nothing
// when the database does not exist yet. Returns what was applied or refused.
std::vector<ConfigOverride> apply_stored_pulled_config(KioskConfig& cfg);

// What the kiosk put in force at its last start (policy-in-force.json), for kiosk-ctl status.
struct InForce {
    PolicySource source;
    std::vector<std::string> config_keys;  // pulled configuration keys applied
    std::string started;                   // RFC 3339
};
Status write_in_force(const KioskConfig& cfg, const PolicySource& source, const std::vector<ConfigOverride>& overrides,
                      UtcMillis now);
std::optional<InForce> read_in_force(const KioskConfig& cfg);
// The version installed now under <data_dir>/policy-bundles ("" when none): differs from the one in force until the
// next start.
std::string installed_bundle_version(const KioskConfig& cfg);

}  // namespace yimen::kiosk
