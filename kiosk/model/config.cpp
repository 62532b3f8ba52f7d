// config.cpp — TOML configuration (see config.hpp).
#include "kiosk/model/config.hpp"

#include <filesystem>
#include <toml++/toml.h>

namespace yimen::kiosk {

Result<KioskConfig> load_config_file(const std::string& path) {
    toml::table t;
    try {
        t = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return Error{"bad_toml", "配置文件 " + path + " 格式不对（第 " + std::to_string(e.source().begin.line) +  // zh-ok: a config-file error, printed at start
                                     " 行）：请改正后重新启动"};  // zh-ok: a config-file error, printed at start
    }
    KioskConfig c;
    c.kiosk_id = t["kiosk"]["id"].value_or(c.kiosk_id);
    c.kiosk_number = t["kiosk"]["number"].value_or(c.kiosk_number);
    c.township_code = t["kiosk"]["township_code"].value_or(c.township_code);
    c.township_name = t["kiosk"]["township_name"].value_or(c.township_name);
    c.hall_name = t["kiosk"]["hall_name"].value_or(c.hall_name);
    c.hotline = t["kiosk"]["hotline"].value_or(c.hotline);
    c.hall_address = t["kiosk"]["hall_address"].value_or(c.hall_address);
    c.hall_phone = t["kiosk"]["hall_phone"].value_or(c.hall_phone);
    c.county_url = t["county"]["url"].value_or(c.county_url);
    c.ca_bundle = t["county"]["ca_bundle"].value_or(c.ca_bundle);
    c.client_cert = t["county"]["client_cert"].value_or(c.client_cert);
    c.client_key = t["county"]["client_key"].value_or(c.client_key);
    c.bundle_public_key = t["county"]["bundle_public_key"].value_or(c.bundle_public_key);
    c.sealing_public_key = t["county"]["sealing_public_key"].value_or(c.sealing_public_key);
    c.printer_uri = t["printer"]["uri"].value_or(c.printer_uri);
    c.printer_profile = t["printer"]["profile"].value_or(c.printer_profile);
    c.id_card_port = t["id_card"]["port"].value_or(c.id_card_port);
    c.screen_width = t["screen"]["width"].value_or(c.screen_width);
    c.screen_height = t["screen"]["height"].value_or(c.screen_height);
    std::string orientation = t["screen"]["orientation"].value_or(std::string());
    if (orientation == "landscape" && c.screen_width < c.screen_height) std::swap(c.screen_width, c.screen_height);
    if (orientation == "portrait" && c.screen_width > c.screen_height) std::swap(c.screen_width, c.screen_height);
    c.window_width = t["screen"]["window_width"].value_or(c.window_width);
    c.window_height = t["screen"]["window_height"].value_or(c.window_height);
    c.show_cursor = t["screen"]["show_cursor"].value_or(c.show_cursor);
    c.idle_warn_seconds = t["idle"]["warn_seconds"].value_or(c.idle_warn_seconds);
    c.idle_countdown_seconds = t["idle"]["countdown_seconds"].value_or(c.idle_countdown_seconds);
    c.staff_idle_seconds = t["idle"]["staff_seconds"].value_or(c.staff_idle_seconds);
    c.scan_shows_status = t["status"]["scan_shows_status"].value_or(c.scan_shows_status);
    c.handwriting_model = t["input"]["handwriting_model"].value_or(c.handwriting_model);
    c.data_dir = t["paths"]["data_dir"].value_or(c.data_dir);
    c.assets_dir = t["paths"]["assets_dir"].value_or(c.assets_dir);
    c.font_path = t["paths"]["font"].value_or(c.font_path);
    if (c.township_code.size() != 9 || c.township_code.find_first_not_of("0123456789") != std::string::npos)
        return Error{"bad_value", "配置文件中的 kiosk.township_code 应为 9 位数字的乡镇代码"};  // zh-ok: a config-file error, printed at start
    if (c.kiosk_number < 1 || c.kiosk_number > 99)
        return Error{"bad_value", "配置文件中的 kiosk.number 应在 1 到 99 之间"};  // zh-ok: a config-file error, printed at start
    if (c.screen_width < 320 || c.screen_height < 320)
        return Error{"bad_value", "配置文件中的屏幕尺寸太小，请填写 1080×1920 或 1920×1080"};  // zh-ok: a config-file error, printed at start
    if (c.idle_warn_seconds < 5 || c.idle_countdown_seconds < 3)
        return Error{"bad_value", "配置文件中的无操作等待时间太短"};  // zh-ok: a config-file error, printed at start
    return c;
}

const std::vector<std::string>& pulled_config_keys() {
    static const std::vector<std::string> keys{
        "kiosk.hotline",      "kiosk.hall_name",        "kiosk.township_name", "kiosk.hall_address",
        "kiosk.hall_phone",   "idle.warn_seconds",      "idle.countdown_seconds", "idle.staff_seconds",
        "status.scan_shows_status"};
    return keys;
}

std::vector<ConfigOverride> apply_pulled_config(
    KioskConfig& cfg, const std::function<std::optional<nlohmann::json>(const std::string& key)>& lookup) {
    std::vector<ConfigOverride> out;
    for (const auto& key : pulled_config_keys()) {
        auto value = lookup(key);
        if (!value) continue;
        ConfigOverride o{key, false, ""};
        auto text = [&](std::string& field, bool may_be_empty) {
            if (!value->is_string()) return void(o.reason = "bad_type");
            auto v = value->get<std::string>();
            if ((!may_be_empty && v.empty()) || v.size() > 200 || v.find_first_of("\r\n") != std::string::npos)
                return void(o.reason = "bad_value");
            field = v;
            o.applied = true;
        };
        auto number = [&](int& field, int lo, int hi) {
            if (!value->is_number_integer()) return void(o.reason = "bad_type");
            auto v = value->get<std::int64_t>();
            if (v < lo || v > hi) return void(o.reason = "bad_value");
            field = static_cast<int>(v);
            o.applied = true;
        };
        if (key == "kiosk.hotline") text(cfg.hotline, false);
        else if (key == "kiosk.hall_name") text(cfg.hall_name, false);
        else if (key == "kiosk.township_name") text(cfg.township_name, false);
        else if (key == "kiosk.hall_address") text(cfg.hall_address, true);
        else if (key == "kiosk.hall_phone") text(cfg.hall_phone, true);
        else if (key == "idle.warn_seconds") number(cfg.idle_warn_seconds, 5, 3600);
        else if (key == "idle.countdown_seconds") number(cfg.idle_countdown_seconds, 3, 600);
        else if (key == "idle.staff_seconds") number(cfg.staff_idle_seconds, 30, 7200);
        else if (key == "status.scan_shows_status") {
            if (!value->is_boolean()) o.reason = "bad_type";
            else {
                cfg.scan_shows_status = value->get<bool>();
                o.applied = true;
            }
        }
        out.push_back(std::move(o));
    }
    return out;
}

bool prepare_data_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return false;
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    return !ec;
}

KioskConfig demo_config(const std::string& dir) {
    KioskConfig c;
    std::error_code ec;
    prepare_data_dir(dir);
    c.data_dir = std::filesystem::absolute(dir, ec).string();
    c.printer_uri = "dir:" + c.data_dir + "/receipts";
    c.hall_address = "宝清镇人民政府一楼社会救助窗口";  // zh-ok: demo hall data (receipts)
    c.hall_phone = "0469-5550104";  // a demonstration number (555)
    c.demo = true;
    return c;
}

std::string* ConfigArgs::value_for(const std::string& flag) {
    return flag == "--config" ? &config_path : flag == "--demo" ? &demo_dir : flag == "--printer" ? &printer_uri
         : flag == "--assets" ? &assets_dir : nullptr;
}

Result<KioskConfig> load_kiosk_config(const ConfigArgs& args) {
    KioskConfig cfg;
    if (!args.config_path.empty()) {
        auto c = load_config_file(args.config_path);
        if (!c) return c.error();
        cfg = std::move(c).value();
    } else {
        cfg = demo_config(args.demo_dir);
    }
    if (!args.printer_uri.empty()) cfg.printer_uri = args.printer_uri;
    if (!args.assets_dir.empty()) cfg.assets_dir = args.assets_dir;
    return cfg;
}

}  // namespace yimen::kiosk
