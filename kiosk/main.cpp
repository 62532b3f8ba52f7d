// main.cpp — hall-kiosk: `--config FILE` for a hall, `--demo DIR` for a self-contained kiosk with no county server,
// `--script FILE --screenshots DIR` to drive it with a touch script. The wiring is here: the kiosk's database (seeded
// in a demo), the printer and the article index from local_services(), and the county link when a county is
// configured.
#include <fstream>
#include <iostream>
#include <sstream>

#include "kiosk/devices/county_sync_service.hpp"
#include "kiosk/devices/service_notify.hpp"
#include "kiosk/script/driver.hpp"
#include "kiosk/ui/app.hpp"

int main(int argc, char** argv) {
    using namespace yimen;
    using namespace yimen::kiosk;
    // Six options: parsed by hand (CLI11's inlined string splitting trips GCC 12's -Wnull-dereference here).
    ConfigArgs args;
    std::string script_path, shots_dir;
    const char* usage =
        "usage: hall-kiosk (--config FILE | --demo DIR) [--script FILE --screenshots DIR] [--printer URI] "
        "[--assets DIR]\n";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << usage;
            return 0;
        }
        std::string* dest = a == "--script" ? &script_path : a == "--screenshots" ? &shots_dir : args.value_for(a);
        if (!dest || i + 1 >= argc) {
            std::cerr << "hall-kiosk: 不认识的参数或缺少取值：" << a << "\n" << usage;  // zh-ok: stderr, before the string tables load
            return 2;
        }
        *dest = argv[++i];
    }
    if (!args.one_source()) {
        std::cerr << "hall-kiosk: 请指定 --config FILE 或 --demo DIR（二选一）\n";  // zh-ok: stderr, before the string tables load
        return 2;
    }
    auto cfg = load_kiosk_config(args);
    if (!cfg) {
        std::cerr << "hall-kiosk: " << cfg.error().message << "\n";
        return 2;
    }
    std::vector<ScriptCommand> script;
    if (!script_path.empty()) {
        std::ifstream in(script_path);
        if (!in) {
            std::cerr << "hall-kiosk: 读不到脚本 " << script_path << "\n";  // zh-ok: stderr, before the string tables load
            return 2;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        auto s = parse_script(ss.str());
        if (!s) {
            std::cerr << "hall-kiosk: " << s.error().message << "\n";
            return 2;
        }
        script = s.value();
    }
    AppOptions opt;
    opt.config = std::move(cfg).value();
    opt.wire = [](const KioskConfig& c, const PolicyData& data, const Clock& clock) -> Result<AppServices> {
        auto services = local_services(c, data, clock, c.demo);
        if (!services || c.county_url.empty()) return services;
        // The county link opens its own connections to the database local_services() has just prepared.
        auto county = CountySyncService::start(c, clock);
        if (county) services.value().sync = std::move(county).value();
        else
            services.value().sync =
                std::make_unique<OfflineSyncService>("bad_settings", county.error().message);
        return services;
    };
    // Under systemd (yimen-kiosk.service, Type=notify, WatchdogSec=30): ready once the window is up, a beat per turn
    // of the frame loop, so a hung UI is restarted.
    ServiceNotifier notifier;
    opt.on_turn = [&notifier] { notifier.beat(); };
    App app(std::move(opt));
    if (auto s = app.init(); !s) {
        std::cerr << "hall-kiosk: " << s.error().message << "\n";
        return 1;
    }
    if (!script_path.empty()) {
        auto r = ScriptDriver(app, shots_dir).run(script);
        if (!r) {
            std::cerr << "hall-kiosk: " << r.error().message << "\n";
            return 1;
        }
        return 0;
    }
    notifier.ready();
    const int rc = app.run();
    notifier.stopping();
    return rc;
}
