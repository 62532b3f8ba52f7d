// app_fixture.hpp — a KioskApp on a scratch demo directory with the shipped policy data and string tables, a pinned
// clock and the real handwriting engine, for the model tests (model_test.cpp, print_ctl_test.cpp).
#pragma once
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "kiosk/devices/id_card_reader.hpp"
#include "kiosk/devices/input_ports.hpp"
#include "kiosk/devices/receipt_printer.hpp"
#include "base/seal.hpp"
#include "kiosk/model/kiosk_app.hpp"
#include "support.hpp"

namespace kiosk_test {

using namespace yimen;
using namespace yimen::kiosk;

struct Fixture {
    std::string dir;
    FixedClock clock{kiosk_test::test_now()};
    PolicyData data;
    std::unique_ptr<I18n> i18n;
    // Before the app: its ink lane may still run release() on the recogniser while the app shuts down.
    HandwritingRecognizer recognizer;
    ZinniaHandwriting ink{recognizer};
    std::unique_ptr<KioskApp> app;
    KioskConfig cfg;
    // The county's sealing key pair: the kiosk gets the public half (as `pki issue-kiosk` gives it sealing.pub), the
    // tests open what the kiosk sealed with `county_keys`, as the county would.
    seal::KeyRing county_keys;

    explicit Fixture(const std::string& name, const std::string& printer_uri = "", const std::string& profile = "")
        : Fixture(name, [&](KioskConfig& c) {
              if (!printer_uri.empty()) c.printer_uri = printer_uri;
              if (!profile.empty()) c.printer_profile = profile;
          }) {}

    // `adjust` changes the demo configuration before the app starts (scanner, idle times, printer, …).
    // `id_card`: the reader the app polls (tests wrap the real one to count its polls); none given, a reader on
    // cfg.id_card_port as hall-kiosk wires it.
    Fixture(const std::string& name, const std::function<void(KioskConfig&)>& adjust,
            std::unique_ptr<IdCardPort> id_card = nullptr)
        : dir(kiosk_test::scratch_dir(name)) {
        auto d = load_policy_data(kiosk_test::assets_dir());
        REQUIRE(d.ok());
        data = std::move(d).value();
        auto t = I18n::load(kiosk_test::assets_dir());
        REQUIRE(t.ok());
        i18n = std::make_unique<I18n>(std::move(t).value());
        cfg = demo_config(dir);
        cfg.idle_warn_seconds = 60;
        cfg.idle_countdown_seconds = 20;
        auto county = seal::generate_key_pair();
        REQUIRE(county.ok());
        county_keys.add(*county);
        cfg.sealing_public_key = dir + "/sealing.pub";
        {
            std::ofstream out(cfg.sealing_public_key);
            out << *seal::public_key_pem(county->pub);
        }
        adjust(cfg);
        auto store = KioskStore::open(cfg.db_path(), cfg.kiosk_id, clock);
        REQUIRE(store.ok());
        KioskDeps deps;
        deps.config = cfg;
        deps.data = &data;
        deps.i18n = i18n.get();
        deps.clock = &clock;
        deps.store = std::move(store).value();
        deps.printer = open_receipt_printer(cfg.printer_uri, cfg.printer_profile);
        deps.sync = std::make_unique<OfflineSyncService>("not_configured");
        deps.handwriting = &ink;
        // As hall-kiosk wires it: a reader on the configured serial device (tests: idcard-sim's pty).
        if (id_card) deps.id_card = std::move(id_card);
        else if (!cfg.id_card_port.empty()) deps.id_card = std::make_unique<SerialIdCardReader>(cfg.id_card_port);
        app = std::make_unique<KioskApp>(std::move(deps));
    }

    void fill_dibao() {
        auto& m = app->intake;
        app->intake_start(false);
        m.choose_need("dibao");
        app->intake_next();  // programme → identity
        REQUIRE(m.step == IntakeStep::identity);
        m.id_number.value = "230523199001010012";
        m.name.value = "测试甲";
        m.phone.value = "13800001111";
        m.address.value = "宝清镇一村三组";
        app->intake_next();
        REQUIRE(m.step == IntakeStep::household);
        app->intake_next();
        m.wages.value = "300";
        m.area_kind = "rural";
        app->intake_next();
        m.hardship.value = "家人患重病";
        app->intake_next();
        m.close_relative = false;
        app->intake_next();
        REQUIRE(m.step == IntakeStep::materials);
        m.materials_have.insert("id_card");
        app->intake_next();
        REQUIRE(m.step == IntakeStep::consent);
    }
};

}  // namespace kiosk_test
