// county_cli.cpp — county-server's commands (serve, pki, users, bundle, backup, stats, alerts, samples, scorecard,
// fleet, verify, migrate, demo-data) as a function, so the shipped binary (county_server.cpp) and the tests' fault-injecting twin
// (tests/county/fault_server.cpp) run the very same code; only the twin passes push hooks.
// Every command works on one directory D holding the PKI, county.db and an optional county.toml.
#include <CLI/CLI.hpp>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <filesystem>
#include <iostream>
#include <set>
#include <toml++/toml.h>
#include <unistd.h>

#include "county/tool/county_cli.hpp"
#include "county/demo_data.hpp"
#include "county/migrate.hpp"
#include "county/pki.hpp"
#include "county/pki_files.hpp"
#include "base/seal.hpp"
#include "county/server.hpp"
#include "county/stats.hpp"
#include "county/users.hpp"
#include "county/verify.hpp"
#include "base/canonical_json.hpp"
#include "sync/bundle.hpp"

using namespace yimen;
using namespace yimen::county;
using nlohmann::json;

namespace {

int fail(const Error& e) {
    std::cerr << "county-server: " << e.message << " (" << e.code << ")\n";
    return 1;
}

// county.toml (optional), every key with its default:
//   [server] host = "127.0.0.1", port = 8443, threads = 8, io_threads = 2, access_log = "-" (stderr) or a file
//   [limits] clock_skew_seconds = 120, earliest_event_date = "2020-01-01", status_failures_per_receipt = 5,
//            status_failures_per_kiosk = 30, handshake_seconds = 10, header_seconds = 10, body_seconds = 30,
//            max_connections = 2048, max_connections_per_address = 64, max_json_depth = 64
//   [auth]   token_hours = 12
//   [web]    session_idle_minutes = 30
//   [sync]   require_signature = false (true: refuse pushes without the kiosk's chain-head signature)
//   [pki]    hosts = [...], sealing_key_dir = "" (D/sealing-keys)
//   [store]  url = "" (D/county.db) | "postgresql://user@host:port/db" | "sqlite:PATH", pool_size = 8
struct PkiConfig {
    std::vector<std::string> hosts;
    std::string sealing_key_dir;
};
Status apply_config(const std::string& path, ServerConfig& cfg, PkiConfig& pki_cfg) {
    if (!std::filesystem::exists(path)) return Ok{};
    try {
        auto t = toml::parse_file(path);
        cfg.host = t["server"]["host"].value_or(cfg.host);
        cfg.port = t["server"]["port"].value_or(cfg.port);
        cfg.threads = t["server"]["threads"].value_or(cfg.threads);
        cfg.limits.io_threads = t["server"]["io_threads"].value_or(cfg.limits.io_threads);
        cfg.access_log = t["server"]["access_log"].value_or(cfg.access_log);
        cfg.clock_skew_limit_ms = t["limits"]["clock_skew_seconds"].value_or(cfg.clock_skew_limit_ms / 1000) * 1000;
        cfg.earliest_event_date = t["limits"]["earliest_event_date"].value_or(cfg.earliest_event_date);
        cfg.status_failures_per_receipt = t["limits"]["status_failures_per_receipt"].value_or(cfg.status_failures_per_receipt);
        cfg.status_failures_per_kiosk = t["limits"]["status_failures_per_kiosk"].value_or(cfg.status_failures_per_kiosk);
        auto seconds = [&](const char* key, std::chrono::milliseconds& v) {
            v = std::chrono::milliseconds(t["limits"][key].value_or<std::int64_t>(v.count() / 1000) * 1000);
        };
        seconds("handshake_seconds", cfg.limits.handshake);
        seconds("header_seconds", cfg.limits.header);
        seconds("body_seconds", cfg.limits.body);
        cfg.limits.max_connections = t["limits"]["max_connections"].value_or(cfg.limits.max_connections);
        cfg.limits.max_connections_per_peer =
            t["limits"]["max_connections_per_address"].value_or(cfg.limits.max_connections_per_peer);
        cfg.max_json_depth = t["limits"]["max_json_depth"].value_or(cfg.max_json_depth);
        cfg.token_ttl_ms = t["auth"]["token_hours"].value_or<std::int64_t>(cfg.token_ttl_ms / 3'600'000) * 3'600'000;
        cfg.session_idle_ms =
            t["web"]["session_idle_minutes"].value_or<std::int64_t>(cfg.session_idle_ms / 60'000) * 60'000;
        if (cfg.session_idle_ms <= 0) return Error{"bad_config", "[web] session_idle_minutes 须为正整数（分钟）。"};
        if (auto flag = t["sync"]["require_signature"]; flag && !flag.is_boolean())
            return Error{"bad_config", "[sync] require_signature 须为 true 或 false。"};
        cfg.require_signature = t["sync"]["require_signature"].value_or(cfg.require_signature);
        if (auto arr = t["pki"]["hosts"].as_array())
            for (auto& h : *arr)
                if (auto s = h.value<std::string>()) pki_cfg.hosts.push_back(*s);
        pki_cfg.sealing_key_dir = t["pki"]["sealing_key_dir"].value_or(pki_cfg.sealing_key_dir);
        cfg.store_url = t["store"]["url"].value_or(cfg.store_url);
        cfg.store_pool_size = t["store"]["pool_size"].value_or(cfg.store_pool_size);
        if (cfg.store_pool_size < 1 || cfg.store_pool_size > 256)
            return Error{"bad_config", "[store] pool_size 须为 1 到 256 之间的整数。"};
    } catch (const toml::parse_error& e) {
        return Error{"bad_config", "配置文件 " + path + " 有误：" + std::string(e.description())};
    }
    return Ok{};
}

bool split_listen(const std::string& listen, std::string& host, int& port) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) return false;
    host = listen.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
        return false;
    }
    return port >= 0 && port < 65536;
}

}  // namespace

int yimen::county::county_server_main(int argc, char** argv, const PushHooks& hooks) {
    CLI::App app{"county-server: the Yimen county service"};
    app.require_subcommand(1);
    std::string dir, config, assets;
    auto add_dir = [&](CLI::App* c) {
        c->add_option("--dir", dir, "the county directory (PKI, county.db, county.toml)")->required();
    };

    auto* serve = app.add_subcommand("serve", "serve kiosks and staff over HTTPS");
    add_dir(serve);
    std::string listen;
    serve->add_option("--listen", listen, "host:port (default 127.0.0.1:8443, or county.toml)");
    serve->add_option("--config", config, "configuration file (default D/county.toml)");
    serve->add_option("--assets", assets, "assets directory");

    auto* pki_cmd = app.add_subcommand("pki", "the county's certificate authority");
    pki_cmd->require_subcommand(1);
    auto* pki_init = pki_cmd->add_subcommand(
        "init", "create the CA, the server certificate, the bundle-signing key and the first sealing key pair");
    add_dir(pki_init);
    std::vector<std::string> hosts;
    pki_init->add_option("--host", hosts, "extra server name or address (repeatable)");
    std::string sealing_key_dir;
    const char* sealing_dir_help =
        "where the sealing private keys live (0700; default: [pki] sealing_key_dir of D/county.toml, else "
        "D/sealing-keys); a directory outside D, e.g. on another disk, keeps them out of D's backups — set the same "
        "path as [pki] sealing_key_dir so later commands find it";
    pki_init->add_option("--sealing-key-dir", sealing_key_dir, sealing_dir_help);
    auto* pki_issue = pki_cmd->add_subcommand("issue-kiosk", "issue a kiosk certificate and register the kiosk");
    add_dir(pki_issue);
    std::string kiosk_id, township;
    pki_issue->add_option("--kiosk", kiosk_id, "kiosk id, e.g. 230523104-01")->required();
    pki_issue->add_option("--township", township, "9-digit township code")->required();
    auto* pki_rotate_sealing = pki_cmd->add_subcommand(
        "rotate-sealing-key", "make a new sealing key pair for kiosks to seal to; the old private keys are kept");
    add_dir(pki_rotate_sealing);
    pki_rotate_sealing->add_option("--sealing-key-dir", sealing_key_dir, sealing_dir_help);
    auto* pki_revoke = pki_cmd->add_subcommand("revoke", "revoke a kiosk at once (also for a running server)");
    add_dir(pki_revoke);
    pki_revoke->add_option("--kiosk", kiosk_id, "kiosk id")->required();

    auto* users = app.add_subcommand("users", "county users");
    users->require_subcommand(1);
    auto* users_add = users->add_subcommand("add", "create a user and print its API token once");
    add_dir(users_add);
    NewUser nu;
    bool read_pin = false;
    users_add->add_option("--name", nu.name, "name")->required();
    users_add->add_option("--role", nu.role, "county-admin | county-staff | township-staff")->required();
    users_add->add_option("--township", nu.township, "9-digit township code (township staff)");
    users_add->add_option("--id", nu.user_id, "staff number (default: generated)");
    users_add->add_flag("--pin", read_pin, "read a 6–12 digit kiosk PIN from standard input");
    bool read_password = false;
    users_add->add_flag("--password", read_password,
                        "read a back-office password (at least 10 characters) from standard input (after the PIN line)");
    std::string user_id;
    auto* users_disable = users->add_subcommand("disable", "stop a user at once: token refused, PIN removed from kiosks");
    auto* users_enable = users->add_subcommand("enable", "let a disabled user work again");
    auto* users_reset_pin = users->add_subcommand("reset-pin", "set a new 6–12 digit kiosk PIN read from standard input");
    auto* users_rotate = users->add_subcommand("rotate-token", "issue a new API token (the old one stops) and print it once");
    auto* users_passwd = users->add_subcommand("passwd", "set a new back-office password read from standard input");
    for (auto* c : {users_disable, users_enable, users_reset_pin, users_rotate, users_passwd}) {
        add_dir(c);
        c->add_option("--id", user_id, "the user's staff number")->required();
    }
    auto* users_list = users->add_subcommand("list", "every user with role, township, state and token expiry");
    add_dir(users_list);

    auto* bundle = app.add_subcommand("bundle", "signed policy bundles");
    bundle->require_subcommand(1);
    auto* publish = bundle->add_subcommand("publish", "build, sign and publish a policy bundle to every kiosk");
    add_dir(publish);
    std::string from, version;
    publish->add_option("--from", from, "directory to publish, e.g. assets/policy")->required();
    publish->add_option("--version", version, "bundle version (default: from the time, YYYY.MMDD.HHMMSS)");

    auto* backup = app.add_subcommand("backup", "consistent copy of the store while serving");
    add_dir(backup);
    std::string out;
    backup->add_option("--out", out, "backup file")->required();

    // The supervision figures (county/stats.hpp); every one prints --format table (default), csv (UTF-8 with BOM)
    // or json.
    std::string from_date, to_date, format = "table", month;
    auto add_format = [&](CLI::App* c) {
        c->add_option("--format", format, "table | csv | json")->check(CLI::IsMember({"table", "csv", "json"}));
        c->add_option("--township", township, "one 9-digit township code (default: the whole county)");
        c->add_option("--assets", assets, "assets directory (rules, calendar, quiz)");
    };
    auto add_period = [&](CLI::App* c) {
        c->add_option("--from", from_date, "first day, YYYY-MM-DD")->required();
        c->add_option("--to", to_date, "last day, YYYY-MM-DD")->required();
    };
    auto* stats = app.add_subcommand("stats", "supervision figures for a period (timeliness, satisfaction, awareness, …)");
    add_dir(stats);
    add_period(stats);
    add_format(stats);
    std::string county_code;
    stats->add_option("--county", county_code,
                      "one 6-digit county code: the figures of its townships (a city's store holds several counties)");
    auto* scorecard = app.add_subcommand("scorecard", "township scorecard: weighted parts from county.toml [stats.weights]");
    add_dir(scorecard);
    add_period(scorecard);
    add_format(scorecard);
    auto* fleet = app.add_subcommand("fleet", "kiosks: last push, clock offset, queue depth, printer, software version");
    add_dir(fleet);
    add_format(fleet);
    auto* alerts_cmd = app.add_subcommand("alerts", "alerts with their state; --evaluate runs the alert rules first");
    add_dir(alerts_cmd);
    add_format(alerts_cmd);
    bool evaluate = false;
    alerts_cmd->add_flag("--evaluate", evaluate, "raise the alerts whose conditions hold now");
    auto* samples = app.add_subcommand("samples", "monthly spot checks (抽查) of newly confirmed cases: the stored draw");
    samples->add_option("--dir", dir, "the county directory (PKI, county.db, county.toml)");
    add_format(samples);
    samples->add_option("--month", month, "YYYY-MM");
    auto* samples_draw = samples->add_subcommand("draw", "draw the month's sample with a seed from the OS generator");
    samples_draw->fallthrough();  // --dir, --month and --format belong to `samples`
    auto* samples_visits = samples->add_subcommand("visits", "the year's random home-visit list of current recipients per township");
    std::string year;
    samples_visits->add_option("--year", year, "YYYY")->required();
    samples_visits->fallthrough();

    auto* verify = app.add_subcommand(
        "verify", "re-check a kiosk's stored chain and every stored kiosk signature, offline (exit 0 ok, 1 failed, 2 usage)");
    add_dir(verify);
    verify->add_option("--kiosk", kiosk_id, "kiosk id, e.g. 230523104-01")->required();

    auto* migrate = app.add_subcommand(
        "migrate", "copy a county's SQLite store into an empty PostgreSQL database and verify the copy (exit 0 verified)");
    std::string migrate_from, migrate_to;
    migrate->add_option("--from", migrate_from, "the source store, sqlite:PATH (e.g. sqlite:/var/lib/yimen/county.db)")
        ->required();
    migrate->add_option("--to", migrate_to, "the empty target database, postgresql://user@host:port/db")->required();

    auto* demo = app.add_subcommand("demo-data", "fill a fresh county (right after pki init) with a demo year");
    add_dir(demo);
    long long demo_seed = -1;
    int demo_months = 12;
    std::string demo_scale = "full";
    demo->add_option("--seed", demo_seed, "seed of the generator (0 or more): the same seed gives the same data")->required();
    demo->add_option("--months", demo_months, "months ending today (1-24, default 12)");
    demo->add_option("--scale", demo_scale, "full (default), small (a quarter) or tiny (tests)");
    demo->add_option("--assets", assets, "assets directory");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "county-server: " << e.what() << "\nRun with --help for usage.\n";
        return 2;
    }

    SystemClock clock;
    // The store county.toml's [store] url names (D/county.db when it names none).
    auto store_config = [&]() {
        ServerConfig cfg;
        PkiConfig ignored;
        auto s = apply_config(dir + "/county.toml", cfg, ignored);
        return std::make_pair(s, cfg);
    };
    auto open_store = [&]() -> Result<std::unique_ptr<Store>> {
        auto [s, cfg] = store_config();
        if (!s) return s.error();
        return open_county_store(dir, cfg.store_url, cfg.store_pool_size);
    };
    // Operator actions at the shell are audited under the login that ran them.
    auto cli_actor = [&]() {
        ServerConfig cfg;
        PkiConfig ignored;
        (void)apply_config(dir + "/county.toml", cfg, ignored);
        const passwd* pw = getpwuid(getuid());
        return Actor{std::string("cli:") + (pw ? pw->pw_name : std::to_string(getuid())), clock.now_utc_ms(), cfg.token_ttl_ms};
    };
    auto read_secret_line = [](std::string& line) {
        std::getline(std::cin, line);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    };

    if (*pki_init) {
        ServerConfig cfg;
        PkiConfig pki_cfg;
        if (auto s = apply_config(dir + "/county.toml", cfg, pki_cfg); !s) return fail(s.error());
        hosts.insert(hosts.end(), pki_cfg.hosts.begin(), pki_cfg.hosts.end());
        pki::InitOptions opt;
        opt.hosts = hosts;
        opt.sealing_key_dir = sealing_key_dir.empty() ? pki_cfg.sealing_key_dir : sealing_key_dir;
        if (auto s = pki::init(dir, opt); !s) return fail(s.error());
        std::cout << "PKI created in " << dir << " (ca.crt, server.crt, bundle-signing.pub, sealing.pub; private keys 0600"
                  << "; sealing private keys in "
                  << (opt.sealing_key_dir.empty() ? pki::default_sealing_key_dir(dir) : opt.sealing_key_dir) << ")\n";
        if (!sealing_key_dir.empty() && sealing_key_dir != pki_cfg.sealing_key_dir)
            std::cout << "note: set [pki] sealing_key_dir = \"" << sealing_key_dir << "\" in " << dir
                      << "/county.toml so that later commands find the sealing keys\n";
        return 0;
    }
    if (*pki_rotate_sealing) {
        ServerConfig cfg;
        PkiConfig pki_cfg;
        if (auto s = apply_config(dir + "/county.toml", cfg, pki_cfg); !s) return fail(s.error());
        auto rotated = pki::rotate_sealing_key(dir, sealing_key_dir.empty() ? pki_cfg.sealing_key_dir : sealing_key_dir);
        if (!rotated) return fail(rotated.error());
        if (auto store = open_store())
            (void)(*store)->append_audit({0, clock.now_utc_ms(), cli_actor().id, "pki.sealing_rotated", rotated->key_id, ""});
        std::cout << "new sealing key " << rotated->key_id << " (" << rotated->private_key_path << "); " << dir
                  << "/sealing.pub replaced; " << rotated->ring_size << " sealing private keys kept\n"
                  << "kiosks issued from now on seal to it; installed kiosks keep their sealing.pub until they receive "
                     "the new one\n";
        return 0;
    }
    if (*pki_issue) {
        auto store = open_store();
        if (!store) return fail(store.error());
        auto issued = pki::issue_kiosk(dir, kiosk_id, township);
        if (!issued) return fail(issued.error());
        if (auto s = (*store)->put_kiosk({issued->kiosk_id, issued->township, issued->fingerprint, issued->serial_hex, false, false});
            !s)
            return fail(s.error());
        (void)(*store)->append_audit({0, clock.now_utc_ms(), cli_actor().id, "kiosk.issued", kiosk_id, township});
        std::cout << "kiosk " << kiosk_id << " registered; its files are in " << issued->dir << "\n"
                  << "fingerprint " << issued->fingerprint << "\n";
        return 0;
    }
    if (*pki_revoke) {
        auto store = open_store();
        if (!store) return fail(store.error());
        if (auto s = (*store)->set_kiosk_revoked(kiosk_id); !s) return fail(s.error());
        (void)(*store)->append_audit({0, clock.now_utc_ms(), cli_actor().id, "kiosk.revoked", kiosk_id, ""});
        std::vector<std::string> serials;
        for (auto& k : (*store)->kiosks())
            if (k.revoked && !k.serial.empty()) serials.push_back(k.serial);
        if (auto s = pki::write_crl(dir, serials); !s) return fail(s.error());
        std::cout << "kiosk " << kiosk_id << " revoked (effective at once); " << dir << "/crl.pem updated\n";
        return 0;
    }
    // A password is taken as typed (spaces are part of it); only the line ending goes.
    auto read_password_line = [](std::string& line) {
        std::getline(std::cin, line);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    };

    if (*users_add) {
        if (read_pin) {
            std::string pin;
            read_secret_line(pin);
            nu.pin = pin;
        }
        std::optional<std::string> password;
        if (read_password) {
            password.emplace();
            read_password_line(*password);
        }
        auto store = open_store();
        if (!store) return fail(store.error());
        auto created = add_user(**store, nu, cli_actor(), password);
        if (!created) return fail(created.error());
        std::cout << "user " << created->user.user_id << " (" << created->user.role << ") created\n"
                  << "token " << created->token << "\n"
                  << "(the token is shown only now and expires " << format_rfc3339(created->user.token_expires_ms)
                  << "; renew it with POST /api/v1/auth/renew or issue a new one with users rotate-token)\n";
        return 0;
    }
    if (*users_disable || *users_enable || *users_reset_pin) {
        auto store = open_store();
        if (!store) return fail(store.error());
        Status s = Ok{};
        if (*users_disable) s = disable_user(**store, user_id, cli_actor());
        else if (*users_enable) s = enable_user(**store, user_id, cli_actor());
        else {
            std::string pin;
            read_secret_line(pin);
            s = reset_pin(**store, user_id, pin, cli_actor());
        }
        if (!s) return fail(s.error());
        std::cout << "user " << user_id << (*users_disable ? " disabled (token refused at once; PIN removed from kiosks at their next pull)"
                                            : *users_enable ? " enabled"
                                                            : ": PIN reset (reaches the township's kiosks at their next pull)")
                  << "\n";
        return 0;
    }
    if (*users_passwd) {
        std::string password;
        read_password_line(password);
        auto store = open_store();
        if (!store) return fail(store.error());
        if (auto s = set_password(**store, user_id, password, cli_actor()); !s) return fail(s.error());
        std::cout << "user " << user_id << ": password set (sign in at /login; a lock-out is lifted)\n";
        return 0;
    }
    if (*users_rotate) {
        auto store = open_store();
        if (!store) return fail(store.error());
        auto token = rotate_token(**store, user_id, cli_actor());
        if (!token) return fail(token.error());
        std::cout << "user " << user_id << " has a new token (the old one no longer works)\n"
                  << "token " << *token << "\n";
        return 0;
    }
    if (*users_list) {
        auto store = open_store();
        if (!store) return fail(store.error());
        const UtcMillis now = clock.now_utc_ms();
        std::printf("%-10s %-14s %-10s %-9s %-9s %-4s %s\n", "id", "role", "township", "state", "token", "PIN", "name");
        for (auto& u : (*store)->users())
            std::printf("%-10s %-14s %-10s %-9s %-9s %-4s %s\n", u.user_id.c_str(), u.role.c_str(),
                        u.township.empty() ? "-" : u.township.c_str(), u.active ? "active" : "disabled",
                        u.token_expires_ms > now ? "valid" : "expired", u.pin_hash.empty() ? "no" : "yes", u.name.c_str());
        return 0;
    }
    if (*publish) {
        if (version.empty()) {
            const auto iso = format_rfc3339(clock.now_utc_ms());  // 2026-11-27T07:04:46.123Z
            version = iso.substr(0, 4) + "." + iso.substr(5, 2) + iso.substr(8, 2) + "." + iso.substr(11, 2) +
                      iso.substr(14, 2) + iso.substr(17, 2);
        }
        // The county's current sealing key rides along (keys/sealing.pub): a rotation reaches every kiosk signed,
        // with the next bundle (sync/PROTOCOL.md §4.13).
        std::map<std::string, std::string> extra;
        std::string sealing_note;
        if (auto pem = pki::files::read_file(dir + "/sealing.pub")) {
            auto pub = seal::public_key_from_pem(*pem);
            if (!pub) return fail(pub.error());
            extra["keys/sealing.pub"] = *pem;
            sealing_note = ", sealing key " + pub->id;
        }
        auto b = sync::bundle::build(from, version, format_rfc3339(clock.now_utc_ms()), dir + "/bundle-signing.key", extra);
        if (!b) return fail(b.error());
        auto store = open_store();
        if (!store) return fail(store.error());
        if (auto s = (*store)->transaction([&] {
                if (auto a = (*store)->append_audit({0, clock.now_utc_ms(), cli_actor().id, "bundle.published", version, from}); !a)
                    return a;
                return (*store)->append_change({0, "*", "bundle", version, sync::bundle::to_json(*b)});
            });
            !s)
            return fail(s.error());
        std::cout << "bundle " << version << " published (" << b->files.size() << " files" << sealing_note << ")\n";
        return 0;
    }
    if (*backup) {
        auto store = open_store();
        if (!store) return fail(store.error());
        if (auto s = (*store)->backup_to(out); !s) return fail(s.error());
        std::cout << "backup written to " << out << " (mode 0600: it holds personal data)\n";
        return 0;
    }
    if (*stats || *scorecard || *fleet || *alerts_cmd || *samples) {
        auto bad_argument = [](const std::string& message) {
            std::cerr << "county-server: " << message << "\n";
            return 2;
        };
        if (!township.empty() && (township.size() != 9 || township.find_first_not_of("0123456789") != std::string::npos))
            return bad_argument("--township 须为 9 位乡镇代码。");
        if (!county_code.empty() &&
            (county_code.size() != 6 || county_code.find_first_not_of("0123456789") != std::string::npos))
            return bad_argument("--county 须为 6 位县级代码，例如 --county 230523。");
        if (!county_code.empty() && !township.empty())
            return bad_argument("--county 和 --township 只能选一个：乡镇代码已经包含了所在的县。");
        StatsQuery q;
        if (*stats || *scorecard) {
            auto f = CivilDate::parse(from_date);
            auto t = CivilDate::parse(to_date);
            if (!f || !t || from_date.size() != 10 || to_date.size() != 10)
                return bad_argument("--from 和 --to 须为 YYYY-MM-DD 日期。");
            if (*t < *f) return bad_argument("--from 不能晚于 --to。");
            q = {*f, *t, county_code.empty() ? township : county_code};
        }
        if (dir.empty()) return bad_argument("须指定 --dir。");
        if (*samples && !*samples_visits && (month.size() != 7 || !CivilDate::parse(month + "-01")))
            return bad_argument("--month 须为 YYYY-MM。");
        auto stats_cfg = load_stats_config(dir + "/county.toml");
        if (!stats_cfg) return fail(stats_cfg.error());
        if (store_config().second.store_url.empty() && !std::filesystem::exists(dir + "/county.db"))
            return bad_argument("目录里没有 county.db：" + dir);
        auto store = open_store();
        if (!store) return fail(store.error());
        auto policy = load_policy_data(resolve_assets_dir(assets));
        if (!policy) return fail(policy.error());
        Figures figures(**store, *policy, *stats_cfg, clock.today());
        auto print = [&](const json& j, const std::vector<std::vector<std::string>>& rows) {
            if (format == "json") std::cout << j.dump(2) << "\n";
            else if (format == "csv") std::cout << to_csv(rows);
            else std::cout << to_table(rows);
            return 0;
        };
        if (*stats) {
            auto answer = figures.summary(q);
            if (!answer) return fail(answer.error());
            json summary = std::move(answer).value();
            // A city's store: each county's own figures beside the total (only when there are several, so a county's
            // output stays as it was).
            std::set<std::string> counties;
            for (auto& t : summary["townships"]) counties.insert(t["code"].get<std::string>().substr(0, 6));
            if (q.township.empty() && counties.size() > 1) {
                json per_county = json::array();
                for (auto& code : counties) {
                    StatsQuery cq = q;
                    cq.township = code;
                    auto c = figures.summary(cq);
                    if (!c) return fail(c.error());
                    per_county.push_back(std::move(c).value());
                }
                summary["counties"] = per_county;
            }
            return print(summary, summary_rows(summary));
        }
        if (*scorecard) {
            auto s = figures.scorecard(q);
            if (!s) return fail(s.error());
            return print(*s, scorecard_rows(*s));
        }
        if (*fleet) {
            json f = figures.fleet(township, clock.now_utc_ms());
            return print(f, fleet_rows(f));
        }
        if (*alerts_cmd) {
            if (evaluate) {
                auto n = figures.evaluate_alerts(clock.now_utc_ms());
                if (!n) return fail(n.error());
                std::cerr << "预警规则已运行：新增或重复 " << *n << " 条\n";
            }
            std::vector<json> all;
            for (std::int64_t after = 0;;) {
                auto page = (*store)->alerts(after, 1000, township);
                if (page.empty()) break;
                after = page.back()["id"].get<std::int64_t>();
                for (auto& a : page) {
                    StatsActor county{"cli", "county-admin", ""};
                    auto full = alert_with_history(**store, county, a["id"].get<std::int64_t>(), clock.today());
                    all.push_back(full ? *full : a);
                }
            }
            return print(json{{"alerts", all}}, alert_rows(all));
        }
        if (*samples_visits) {
            auto v = home_visits(**store, *stats_cfg, year, cli_actor().id, clock.now_utc_ms(), township, true);
            if (!v) return fail(v.error());
            if (format != "json")
                std::cerr << year << " 年入户核查：种子 " << (*v)["seed"].get<std::string>() << "，在保对象 " << (*v)["candidates"]
                          << " 户，抽中 " << (*v)["samples"].size() << " 户\n";
            std::vector<std::vector<std::string>> rows = {{"年份", "种子", "办件编号", "项目", "乡镇"}};
            for (auto& x : (*v)["samples"]) rows.push_back({year, (*v)["seed"], x["receipt_number"], x["programme"], x["township"]});
            return print(*v, rows);
        }
        if (*samples_draw) {
            auto d = draw_spot_checks(**store, *stats_cfg, month, cli_actor().id, clock.now_utc_ms());
            if (!d) return fail(d.error());
            if (format != "json")
                std::cerr << month << " 抽查：种子 " << (*d)["seed"].get<std::string>() << "，候选 " << (*d)["candidates"]
                          << " 件，抽中 " << (*d)["drawn"] << " 件\n";
            return print(*d, sample_rows(*d));
        }
        auto d = spot_checks(**store, *stats_cfg, month, township);
        if (!d) return fail(d.error());
        return print(*d, sample_rows(*d));
    }
    if (*demo) {
        auto scale = parse_demo_scale(demo_scale);
        if (demo_seed < 0 || demo_months < 1 || demo_months > 24 || !scale) {
            std::cerr << "county-server: demo-data 需要 --seed（0 或正整数）、--months（1 到 24）和 --scale（full、small 或 tiny）。\n";
            return 2;
        }
        if (!std::filesystem::exists(dir + "/ca.key")) {
            std::cerr << "county-server: " << dir << " 中没有县级证书，请先运行 pki init。\n";
            return 1;
        }
        auto policy = load_policy_data(resolve_assets_dir(assets));
        if (!policy) return fail(policy.error());
        auto store = open_store();
        if (!store) return fail(store.error());
        if (has_demo_data(**store)) {
            std::cerr << "county-server: " << dir << " 中已有演示数据，不能重复生成。请换一个新目录（pki init 之后）再运行。\n";
            return 1;
        }
        const auto started = std::chrono::steady_clock::now();
        auto summary = generate_demo_data(dir, **store, *policy,  clock,
                                          {static_cast<std::uint64_t>(demo_seed), demo_months, *scale});
        if (!summary) return fail(summary.error());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::printf("demo data: %s to %s, %d townships, seed %lld, scale %s, written in %.1f s\n",
                    summary->first_day.c_str(), summary->last_day.c_str(), summary->townships, demo_seed,
                    demo_scale.c_str(), seconds);
        for (auto& [kind, n] : summary->counts) std::printf("  %-34s %lld\n", kind.c_str(), static_cast<long long>(n));
        std::printf("(demo staff D<township>010 and D523001/D523002 have no valid token: issue one with users rotate-token)\n");
        return 0;
    }
    if (*migrate) {
        std::string report, problem;
        const int rc = run_migrate(migrate_from, migrate_to, report, problem);
        std::cout << report;
        if (!problem.empty()) std::cerr << "county-server: " << problem << "\n";
        return rc;
    }
    if (*verify) {
        std::string report, problem;
        const int rc = run_verify(dir, kiosk_id, report, problem, store_config().second.store_url);
        std::cout << report;
        if (!problem.empty()) std::cerr << "county-server: " << problem << "\n";
        return rc;
    }
    if (*serve) {
        ServerConfig cfg;
        cfg.dir = dir;
        PkiConfig cfg_pki;
        if (auto s = apply_config(config.empty() ? dir + "/county.toml" : config, cfg, cfg_pki); !s) return fail(s.error());
        cfg.sealing_key_dir = cfg_pki.sealing_key_dir;
        auto stats_cfg = load_stats_config(config.empty() ? dir + "/county.toml" : config);
        if (!stats_cfg) return fail(stats_cfg.error());
        cfg.stats = *stats_cfg;
        if (!listen.empty() && !split_listen(listen, cfg.host, cfg.port)) {
            std::cerr << "county-server: --listen must be host:port\n";
            return 2;
        }
        cfg.push_hooks = hooks;
        auto policy = load_policy_data(resolve_assets_dir(assets));
        if (!policy) return fail(policy.error());
        // Every connection costs a descriptor: raise the soft limit to the hard one, and keep the connection cap
        // below it so the caps, not EMFILE, decide who is closed under a flood.
        rlimit files{};
        if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
            files.rlim_cur = files.rlim_max;
            (void)setrlimit(RLIMIT_NOFILE, &files);
            (void)getrlimit(RLIMIT_NOFILE, &files);
            const long room = static_cast<long>(std::min<rlim_t>(files.rlim_cur, 1u << 20)) - 64;
            if (room < cfg.limits.max_connections) cfg.limits.max_connections = static_cast<int>(std::max(16L, room));
        }
        auto server = CountyServer::create(cfg, std::move(policy).value(), clock);
        if (!server) return fail(server.error());
        // SIGTERM/SIGINT are taken by a thread of their own (sigwait), never in a signal handler, so the graceful
        // stop can wait for in-flight requests: nothing is answered half-written.
        std::signal(SIGPIPE, SIG_IGN);  // a closed stdout or peer must not kill the service
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGINT);
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
        auto port = (*server)->start();
        if (!port) return fail(port.error());
        std::cout << "county-server listening on https://" << cfg.host << ":" << *port << " (pid " << getpid() << ")"
                  << std::endl;
        CountyServer* srv = server->get();
        std::thread waiter([&stop_signals, srv] {
            int sig = 0;
            sigwait(&stop_signals, &sig);
            std::cerr << "county-server: signal " << sig << ", finishing in-flight requests" << std::endl;
            srv->stop();
        });
        (*server)->serve_blocking_after_start();
        waiter.join();  // the only way out of serving is through this thread's stop()
        std::cout << "county-server stopped" << std::endl;
        return 0;
    }
    return 2;
}
