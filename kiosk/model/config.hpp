// config.hpp — the kiosk's configuration (TOML, /etc/yimen/kiosk.toml) and the self-contained demo setup.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace yimen::kiosk {

struct KioskConfig {
    std::string kiosk_id = "230523100-01";
    int kiosk_number = 1;                        // KK in receipt numbers
    std::string township_code = "230523100";     // 9 digits
    std::string township_name = "宝清镇";  // zh-ok: default hall data (receipts)
    std::string hall_name = "宝清镇便民服务大厅";  // zh-ok: default hall data (receipts)
    std::string hotline = "12345";               // the county's service and supervision hotline
    std::string hall_address;                    // where the hall's window is, for receipts; empty: the hall's name
    std::string hall_phone;                      // the hall's own phone, for receipts; empty: the hotline
    std::string county_url;                      // empty: offline
    std::string ca_bundle, client_cert, client_key;
    std::string bundle_public_key;               // the county's bundle-signing key (PEM); empty: no bundle installs
    // The county's sealing public key (X25519 PEM, base/seal.hpp), `sealing.pub` of the kiosk's certificate bundle.
    // Personal fields will be sealed to it (issue 11); empty: none installed.
    std::string sealing_public_key;
    std::string printer_uri;                     // "dir:PATH", "usb:/dev/usb/lp0", "tcp:HOST:9100"
    std::string printer_profile = "generic-80";  // a profile in assets/printers/
    // The second-generation ID card reader's serial device (GA 467 module, 115200 8N1), e.g. /dev/ttyUSB0 or a
    // udev symlink; empty: no reader, residents type their details.
    std::string id_card_port;
    int screen_width = 1080;                     // the logical layout size
    int screen_height = 1920;
    int window_width = 0;                        // 0: same as the screen; otherwise scaled to fit
    int window_height = 0;
    bool show_cursor = true;  // [screen] show_cursor: false on a touch-only appliance (the packaged template)
    int idle_warn_seconds = 90;                  // no touch for this long → warning with countdown
    int idle_countdown_seconds = 30;             // then the session is wiped
    int staff_idle_seconds = 300;                // staff auto-logout
    int staff_max_failures = 5;
    int staff_lockout_seconds = 300;
    // A scanned receipt is the resident's paper in hand: show its last synced status at once instead of asking for
    // the ID's last four (typed numbers always need them). Off: a scan only fills in the number.
    bool scan_shows_status = true;
    std::string data_dir = "/var/lib/yimen/kiosk";
    std::string assets_dir;                      // empty: resolve_assets_dir()
    std::string font_path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    int font_face = 2;                           // SC in the .ttc
    std::string handwriting_model = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model";
    bool demo = false;

    bool landscape() const { return screen_width > screen_height; }
    std::string receipt_address() const { return hall_address.empty() ? hall_name + "社会救助窗口" : hall_address; }  // zh-ok: receipt data
    std::string receipt_phone() const { return hall_phone.empty() ? hotline : hall_phone; }
    std::string db_path() const { return data_dir + "/kiosk.db"; }
    std::string rime_dir() const { return data_dir + "/rime"; }
    // Where the county link installs signed policy bundles (sync::bundle::Installer) and the kiosk loads them from.
    std::string bundle_root() const { return data_dir + "/policy-bundles"; }
};

// Codes: unreadable, bad_toml, bad_value.
Result<KioskConfig> load_config_file(const std::string& path);
// Pulled configuration (the county's `config` changes, PROTOCOL.md §6.2): the change's key names a kiosk.toml key
// and its body is the value itself, e.g. key "kiosk.hotline", body "0469-12345". These keys apply over the local
// file (see kiosk/README.md); any other name is kept by the pull but not used here:
//   kiosk.hotline, kiosk.hall_name, kiosk.township_name, kiosk.hall_address, kiosk.hall_phone (strings),
//   idle.warn_seconds (5–3600), idle.countdown_seconds (3–600), idle.staff_seconds (30–7200) (integers),
//   status.scan_shows_status (bool).
// A value of the wrong type or out of range is refused and the local value stays.
struct ConfigOverride {
    std::string key;
    bool applied = false;
    std::string reason;  // when refused: bad_type | bad_value
};
const std::vector<std::string>& pulled_config_keys();
std::vector<ConfigOverride> apply_pulled_config(
    KioskConfig& cfg, const std::function<std::optional<nlohmann::json>(const std::string& key)>& lookup);

// Creates the data directory (with its parents) and makes it 0700, also when it existed with wider permissions:
// kiosk.db and the rest hold personal data. False when it cannot be created or narrowed.
bool prepare_data_dir(const std::string& dir);

// Everything under `dir` (created, 0700), printing to dir:DIR/receipts unless a printer is given, no county server.
KioskConfig demo_config(const std::string& dir);

// The command-line options hall-kiosk and kiosk-ctl share to find their configuration: `--config FILE` or
// `--demo DIR` (exactly one), then `--printer URI` and `--assets DIR` over it. Each program parses its own other
// options and prints its own usage.
struct ConfigArgs {
    std::string config_path;  // --config
    std::string demo_dir;     // --demo
    std::string printer_uri;  // --printer
    std::string assets_dir;   // --assets

    // The field the option `flag` sets, nullptr when it is not one of these four.
    std::string* value_for(const std::string& flag);
    // Exactly one of --config and --demo.
    bool one_source() const { return config_path.empty() != demo_dir.empty(); }
};
// load_config_file(--config) or demo_config(--demo), with --printer and --assets over it. The pulled configuration
// is not applied here (apply_stored_pulled_config in policy_source.hpp). Codes: those of load_config_file.
Result<KioskConfig> load_kiosk_config(const ConfigArgs& args);

}  // namespace yimen::kiosk
