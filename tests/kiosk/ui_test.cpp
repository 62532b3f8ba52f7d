// ui_test.cpp — the real app under SDL's offscreen driver, driven only by injected SDL events: taps on the app's own
// touch targets (addressed by label), keystrokes of a scanner, drags. Each flow asserts its journal event; the
// screens are written as PNG and checked for blank or duplicate images and against a few references.
#include <catch2/catch.hpp>

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "kiosk/model/text.hpp"
#include "kiosk/script/driver.hpp"
#include "kiosk/ui/app.hpp"
#include "policy/receipt_number.hpp"
#include "support.hpp"
#include "support/qr_reader.hpp"
#include "support/files.hpp"

using namespace yimen;
using namespace yimen::kiosk;
namespace fs = std::filesystem;

namespace {

using yimen::test::slurp;

std::string shots_dir() { return std::string(YIMEN_BIN_DIR) + "/../kiosk-screenshots"; }

// A county that answers status queries (the online path).
class FakeCounty final : public SyncService {
public:
    explicit FakeCounty(CaseRecord r) : record_(std::move(r)) {}
    SyncSnapshot snapshot() override { return {true, 0, ""}; }
    void sync_now() override {}
    RemoteStatus query_status(const std::string& receipt, const std::string& last4) override {
        if (receipt == record_.receipt_number && last4 == "0012") return {true, record_};
        return {true, std::nullopt};
    }

private:
    CaseRecord record_;
};

std::string decode_qr(const unsigned char* grey, int w, int h) {
    auto codes = yimen::test::read_qr_codes(grey, w, h);
    return codes.empty() ? std::string() : codes.front();
}

std::string decode_qr_png(const std::string& path) {
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(path.c_str(), &w, &h, &n, 1);
    if (!px) return "";
    auto s = decode_qr(px, w, h);
    stbi_image_free(px);
    return s;
}

struct Kiosk {
    std::string dir;
    std::unique_ptr<App> app;
    std::unique_ptr<ScriptDriver> drive;  // fingers and screenshots, as the touch script has them

    // Screenshots go to BUILD/kiosk-screenshots (for people to look at) unless `shots` names another directory.
    explicit Kiosk(const std::string& name, std::unique_ptr<SyncService> sync = nullptr, bool landscape = false,
                   const std::string& shots = "") {
        ::setenv("SDL_VIDEODRIVER", "offscreen", 1);
        dir = kiosk_test::scratch_dir(name);
        AppOptions o;
        o.config = demo_config(dir);
        o.config.assets_dir = kiosk_test::assets_dir();
        o.config.idle_warn_seconds = 60;
        o.config.idle_countdown_seconds = 20;
        if (landscape) {
            o.config.screen_width = 1920;
            o.config.screen_height = 1080;
        }
        o.fixed_time = kiosk_test::test_now();
        o.seed_demo = true;
        o.sync = std::move(sync);
        app = std::make_unique<App>(std::move(o));
        auto s = app->init();
        INFO((s.ok() ? std::string() : s.error().message));
        REQUIRE(s.ok());
        REQUIRE(app->wait_ready(60000));
        drive = std::make_unique<ScriptDriver>(*app, shots.empty() ? shots_dir() : shots);
    }
    KioskApp& m() { return app->model(); }
    void tap(const std::string& label) {
        INFO("tap " << label << " on " << screen_name(m().screen()));
        REQUIRE(drive->tap(label));
    }
    void type(const std::string& text) {
        INFO("type " << text);
        REQUIRE(drive->type(text));
    }
    // Pinyin letters, then a candidate (1-based) from the bar.
    void pinyin(const std::string& letters, int candidate = 1) {
        type(letters);
        tap("cand-" + std::to_string(candidate));
    }
    std::string shot(const std::string& name) {
        auto r = drive->screenshot(name);
        REQUIRE(r.ok());
        return r.value();
    }
    const TouchTarget* first_with_prefix(const std::string& prefix) {
        for (auto& t : app->targets())
            if (t.label.rfind(prefix, 0) == 0) return &t;
        return nullptr;
    }

    // The whole self-service 低保 application through the screens; returns the receipt number on screen.
    std::string apply_dibao(bool take_shots) {
        tap(m().tr("home.apply"));
        if (take_shots) shot("intake-need");
        tap(m().tr("need.dibao"));
        if (take_shots) shot("intake-programme");
        tap("下一步");
        tap("身份证号码");
        type("230523199001010012");
        tap("姓名");
        pinyin("wang");
        pinyin("xiao");
        pinyin("hong");
        tap("家庭住址");
        pinyin("yicun");
        tap("key-done");
        if (take_shots) shot("intake-identity");
        tap("下一步");
        REQUIRE(m().intake.step == IntakeStep::household);
        tap(m().tr("intake.add_member"));
        tap(m().tr("rel.child"));
        tap("成员姓名");
        pinyin("wang");
        pinyin("ming");
        tap("成员身份证号码");
        type("230523201501010027");
        tap("key-done");
        tap(m().tr("intake.student"));
        if (take_shots) shot("intake-household");
        tap(m().tr("intake.save_member"));
        INFO(m().intake.error);
        REQUIRE(m().intake.members.size() == 1);
        tap("下一步");
        tap("工资性收入");
        type("800");
        tap("key-done");
        if (take_shots) shot("intake-income");
        tap("下一步");
        tap(m().tr("hard.illness"));
        if (take_shots) shot("intake-hardship");
        tap("下一步");
        tap(m().tr("intake.rel_no"));
        tap("下一步");
        tap(m().data().rules.document_name("id_card"));
        if (take_shots) shot("intake-materials");
        tap("下一步");
        tap(m().tr("intake.commit_button"));
        tap(m().tr("intake.auth_button"));
        if (take_shots) shot("intake-consent");
        tap("下一步");
        REQUIRE(m().intake.step == IntakeStep::review);
        if (take_shots) shot("intake-review");
        tap(m().tr("nav.submit"));
        INFO(m().intake.error);
        REQUIRE(m().intake.step == IntakeStep::done);
        app->settle();
        if (take_shots) shot("intake-done");
        return m().intake.receipt_number;
    }
};

double diff_fraction(const std::string& a, const std::string& b, int tolerance) {
    int wa, ha, na, wb, hb, nb;
    unsigned char* pa = stbi_load(a.c_str(), &wa, &ha, &na, 3);
    unsigned char* pb = stbi_load(b.c_str(), &wb, &hb, &nb, 3);
    double out = 1.0;
    if (pa && pb && wa == wb && ha == hb) {
        long differing = 0;
        long n = static_cast<long>(wa) * ha;
        for (long i = 0; i < n; ++i)
            for (int c = 0; c < 3; ++c)
                if (std::abs(pa[i * 3 + c] - pb[i * 3 + c]) > tolerance) {
                    ++differing;
                    break;
                }
        out = static_cast<double>(differing) / static_cast<double>(n);
    }
    if (pa) stbi_image_free(pa);
    if (pb) stbi_image_free(pb);
    return out;
}

bool blank(const std::string& path) {
    int w, h, n;
    unsigned char* p = stbi_load(path.c_str(), &w, &h, &n, 3);
    if (!p) return true;
    long distinct = 0;
    for (long i = 1; i < static_cast<long>(w) * h; ++i)
        if (p[i * 3] != p[0] || p[i * 3 + 1] != p[1] || p[i * 3 + 2] != p[2]) ++distinct;
    stbi_image_free(p);
    return distinct < 1000;
}

}  // namespace

TEST_CASE("UI: a self-service application prints a QR that equals the number on screen", "[kiosk][ui]") {
    Kiosk ui("ui-apply");
    std::ostringstream captured;
    struct Restore {
        std::streambuf* old;
        ~Restore() { std::cerr.rdbuf(old); }
    } restore{std::cerr.rdbuf(captured.rdbuf())};
    std::string number = ui.apply_dibao(true);
    auto rn = parse_receipt_number(number);
    REQUIRE(rn.ok());
    // The event, with the number.
    auto evs = ui.m().store().events().events_of_type(records::type::application_submitted);
    REQUIRE(evs.size() == 1);
    auto sub = evs[0].payload.get<records::ApplicationSubmitted>();
    CHECK(sub.receipt_number == number);
    CHECK(sub.members.size() == 1);
    CHECK(sub.income.wages_fen == 80000);
    CHECK(!sub.commitment_at.empty());
    CHECK(!sub.authorisation_at.empty());
    // The printed QR and the QR on screen both decode to it.
    REQUIRE(ui.m().printing.ok);
    CHECK(decode_qr_png(ui.m().printing.last_artifact) == number);
    int w = 0, h = 0;
    auto px = ui.app->pixels(w, h);
    std::vector<unsigned char> grey(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = px[i * 4 + 1];
    CHECK(decode_qr(grey.data(), w, h) == number);
    CHECK(ui.m().store().events().events_of_type(records::type::receipt_printed).size() == 1);

    // No name or full ID number outside the database, except masked.
    std::string name = sub.applicant.name;
    std::string id = sub.applicant.id_number;
    REQUIRE(utf8::length(name) >= 2);
    CHECK(captured.str().find(name) == std::string::npos);
    CHECK(captured.str().find(id) == std::string::npos);
    for (auto& entry : fs::recursive_directory_iterator(ui.dir)) {
        if (!entry.is_regular_file()) continue;
        auto p = entry.path().string();
        if (p.find(".db") != std::string::npos) continue;  // the database itself (sealing comes with sync)
        auto content = slurp(p);
        INFO(p);
        CHECK(content.find(name) == std::string::npos);
        CHECK(content.find(id) == std::string::npos);
        CHECK(content.find(sub.members[0].id_number) == std::string::npos);
    }
    // Every text field of the print journal: the kiosk's document, the driver's document, the message.
    auto st = ui.m().store().db().prepare(
        "SELECT message || document || printer_document || printer_template || printer FROM kiosk_print_jobs");
    int rows = 0;
    while (st.step() == SQLITE_ROW) {
        ++rows;
        CHECK(st.text(0).find(name) == std::string::npos);
        CHECK(st.text(0).find(id) == std::string::npos);
        CHECK(st.text(0).find(mask_resident_id(id)) != std::string::npos);
    }
    CHECK(rows >= 1);
}

TEST_CASE("UI: a referral issues a 转办单", "[kiosk][ui]") {
    Kiosk ui("ui-referral");
    ui.tap(ui.m().tr("home.apply"));
    ui.tap(ui.m().tr("need.ref_yiliao"));
    ui.shot("referral-programme");
    ui.tap("下一步");
    ui.tap("姓名");
    ui.pinyin("li");
    ui.pinyin("hua");
    ui.tap("需要的帮助");
    ui.pinyin("zhuyuan");
    ui.tap("key-done");
    ui.shot("referral-form");
    ui.tap(ui.m().tr("nav.issue_referral"));
    REQUIRE(ui.m().intake.step == IntakeStep::referral_done);
    ui.shot("referral-done");
    auto evs = ui.m().store().events().events_of_type(records::type::referral_issued);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].payload["programme"] == "ref_yiliao");
    CHECK(evs[0].payload["receipt_number"] == ui.m().intake.receipt_number);
}

TEST_CASE("UI: staff log in then accept an application and reprint its receipt", "[kiosk][ui]") {
    Kiosk ui("ui-staff");
    std::string number = ui.apply_dibao(false);
    ui.tap(ui.m().tr("nav.finish"));
    ui.tap(ui.m().tr("home.staff"));
    ui.tap("工号");
    ui.type("1001");
    ui.tap("密码");
    ui.type("123456");
    ui.tap("key-done");
    ui.shot("staff-login");
    ui.tap(ui.m().tr("staff.login"));
    REQUIRE(ui.m().staff.logged());
    CHECK(ui.m().store().events().events_of_type(records::type::staff_login).size() == 1);
    ui.shot("staff-menu");
    ui.tap(ui.m().tr("staff.accept"));
    ui.tap(group4(number));
    const auto& rules = ui.m().data().rules;
    ui.tap(rules.document_name("hukou"));
    ui.tap(rules.document_name("statement"));
    ui.shot("staff-accept");
    ui.tap(ui.m().tr("staff.do_accept"));
    INFO(ui.m().staff.error);
    auto acc = ui.m().store().events().events_of_type(records::type::application_accepted);
    REQUIRE(acc.size() == 1);
    CHECK(acc[0].payload["operator_id"] == "1001");
    CHECK(acc[0].actor.id == "1001");
    ui.app->settle();
    CHECK(ui.m().printing.ok);  // the 受理回执, filled from printer/'s acceptance template
    REQUIRE_FALSE(ui.m().store().print_jobs().empty());
    CHECK(ui.m().store().print_jobs().front().template_name == "acceptance");
    // Reprint.
    ui.tap(ui.m().tr("nav.back"));
    ui.tap(ui.m().tr("staff.reprint"));
    ui.tap("补打办件编号");
    ui.type(number);
    ui.tap("key-done");
    std::size_t before = ui.m().store().events().events_of_type(records::type::receipt_printed).size();
    ui.tap(ui.m().tr("staff.do_reprint"));
    ui.app->settle();
    CHECK(ui.m().store().events().events_of_type(records::type::receipt_printed).size() == before + 1);
    CHECK(ui.m().printing.ok);
    CHECK(decode_qr_png(ui.m().printing.last_artifact) == number);  // the reprinted page carries the same number
    ui.shot("staff-reprint");
    ui.tap(ui.m().tr("nav.back"));
    ui.tap(ui.m().tr("staff.sync"));
    ui.shot("staff-sync");
    ui.tap(ui.m().tr("nav.back"));
    ui.tap(ui.m().tr("staff.summary"));
    ui.shot("staff-summary");
    ui.tap(ui.m().tr("nav.back"));
    ui.tap(ui.m().tr("staff.logout"));
    CHECK(ui.m().store().events().events_of_type(records::type::staff_logout).size() == 1);
    CHECK(ui.m().screen() == Screen::home);
}

TEST_CASE("UI: status query offline shows the local copy with its age", "[kiosk][ui]") {
    Kiosk ui("ui-status-offline");
    auto rn = make_receipt_number(ReceiptType::application, 230523100, 0,
                                  ui.m().clock().today().plus_days(-10), 7);
    REQUIRE(rn.ok());
    ui.tap(ui.m().tr("home.status"));
    ui.tap("办件编号");
    ui.type(rn.value().text);
    ui.tap("身份证后四位");
    ui.type("0012");
    ui.tap("key-done");
    ui.shot("status-entry");
    ui.tap(ui.m().tr("status.query"));
    REQUIRE(ui.m().status.phase == StatusPhase::result);
    CHECK_FALSE(ui.m().status.online);
    ui.shot("status-offline");
    auto q = ui.m().store().events().events_of_type(records::type::status_queried);
    REQUIRE(q.size() == 1);
    CHECK(q[0].payload["source"] == "offline");
}

TEST_CASE("UI: status query online from the county", "[kiosk][ui]") {
    auto today = county_date_at(kiosk_test::test_now());
    auto rn = make_receipt_number(ReceiptType::application, 230523100, 3, today.plus_days(-30), 12);
    REQUIRE(rn.ok());
    CaseRecord r;
    r.receipt_number = rn.value().text;
    r.programme = "dibao";
    r.masked_name = "赵*";
    auto d0 = today.plus_days(-30);
    r.history = {{"applied", d0, "resident", "", nlohmann::json::object(), {}},
                 {"accepted", d0, "township", "", nlohmann::json::object(), {}},
                 {"investigation_started", d0.plus_days(1), "township", "", nlohmann::json::object(), {}}};
    Kiosk ui("ui-status-online", std::make_unique<FakeCounty>(r));
    ui.tap(ui.m().tr("home.status"));
    ui.tap("办件编号");
    ui.type(rn.value().text);
    ui.tap("身份证后四位");
    ui.type("0012");
    ui.tap(ui.m().tr("status.query"));
    REQUIRE(ui.m().status.phase == StatusPhase::result);
    CHECK(ui.m().status.online);
    CHECK(ui.m().status.evaluated.overdue);  // 30 days after acceptance: past 20 working days
    ui.shot("status-online-overdue");
    auto q = ui.m().store().events().events_of_type(records::type::status_queried);
    REQUIRE(q.size() == 1);
    CHECK(q[0].payload["source"] == "online");
}

TEST_CASE("UI: a rating with the quiz", "[kiosk][ui]") {
    Kiosk ui("ui-rating");
    ui.tap(ui.m().tr("home.rating"));
    ui.tap(ui.m().data().rating.level_name(4));
    ui.tap(ui.m().data().rating.sub_indicators()[1].name + " 5");
    ui.shot("rating");
    ui.tap(ui.m().tr("rating.submit"));
    REQUIRE(ui.m().rating.phase == RatingPhase::quiz);
    auto given = ui.m().store().events().events_of_type(records::type::rating_given);
    REQUIRE(given.size() == 1);
    CHECK(given[0].payload["level"] == 4);
    int n = static_cast<int>(ui.m().rating.questions.size());
    for (int i = 0; i < n; ++i) {
        const TouchTarget* a = ui.first_with_prefix("A ");
        REQUIRE(a);
        ui.drive->tap_xy(a->cx(), a->cy());
        if (i == 0) ui.shot("quiz-explained");
        ui.tap(i + 1 < n ? ui.m().tr("quiz.next") : ui.m().tr("quiz.finish"));
    }
    CHECK(ui.m().rating.phase == RatingPhase::done);
    ui.shot("rating-done");
    auto quiz = ui.m().store().events().events_of_type(records::type::quiz_answered);
    REQUIRE(quiz.size() == 1);
    CHECK(quiz[0].payload["answers"].size() == static_cast<std::size_t>(n));
}

TEST_CASE("UI: a complaint prints its receipt with the query code", "[kiosk][ui]") {
    Kiosk ui("ui-complaint");
    ui.tap(ui.m().tr("home.complaint"));
    ui.tap(ui.m().tr("complaint.cat.slow"));
    ui.tap("投诉内容");
    ui.pinyin("tai");
    ui.pinyin("man");
    ui.tap("key-done");
    ui.shot("complaint");
    ui.tap(ui.m().tr("complaint.submit"));
    REQUIRE(ui.m().complaint.phase == ComplaintPhase::done);
    ui.app->settle();
    ui.shot("complaint-done");
    auto evs = ui.m().store().events().events_of_type(records::type::complaint_filed);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].payload["category"] == "slow");
    CHECK(evs[0].payload["anonymous"] == true);
    auto jobs = ui.m().store().print_jobs();
    REQUIRE_FALSE(jobs.empty());
    CHECK(jobs.front().template_name == "complaint");
    CHECK(jobs.front().outcome == "printed");
}

TEST_CASE("UI: typing shenqing and the first candidate commits 申请", "[kiosk][ui]") {
    Kiosk ui("ui-pinyin");
    ui.tap(ui.m().tr("home.policy"));
    ui.tap("搜索");
    ui.type("shenqing");
    auto cands = ui.m().candidates();
    REQUIRE_FALSE(cands.empty());
    CHECK(cands[0] == "申请");
    ui.shot("keyboard-pinyin");
    ui.tap("cand-1");
    CHECK(ui.m().policy.query.value == "申请");
    ui.tap(ui.m().tr("policy.search"));
    CHECK_FALSE(ui.m().policy.hits.empty());
    ui.shot("policy-results");
}

TEST_CASE("UI: a drag scrolls lists and articles without counting as a tap", "[kiosk][ui]") {
    Kiosk ui("ui-drag");
    ui.tap(ui.m().tr("home.policy"));
    ui.shot("policy");
    REQUIRE(ui.m().policy.hits.size() > 5);
    // Drag on the list of article cards: it scrolls and opens nothing.
    ui.drive->drag(540, 1500, 540, 700);
    CHECK(ui.m().policy.open_article.empty());
    CHECK(ui.app->view_state().scroll["policy"] > 300);
    // Open the first visible card, then drag the article.
    const TouchTarget* card = nullptr;
    for (auto& t : ui.app->targets())
        for (auto& h : ui.m().policy.hits)
            if (t.label == h.title && t.y0 > 300 && !card) card = &t;
    REQUIRE(card);
    ui.drive->tap_xy(card->cx(), card->cy());
    REQUIRE_FALSE(ui.m().policy.open_article.empty());
    std::string id = ui.m().policy.open_article;
    ui.shot("policy-article");
    ui.drive->drag(540, 1400, 540, 600);
    CHECK(ui.app->view_state().scroll["article:" + id] > 300);
    CHECK(ui.m().policy.open_article == id);
    ui.shot("policy-article-scrolled");
}

TEST_CASE("UI: a scanner burst on the home screen opens the status result", "[kiosk][ui]") {
    Kiosk ui("ui-scanner");
    auto rn = make_receipt_number(ReceiptType::application, 230523100, 0,
                                  ui.m().clock().today().plus_days(-10), 7);
    REQUIRE(rn.ok());
    CHECK(ui.m().screen() == Screen::home);
    ui.drive->scan(rn.value().text);
    REQUIRE(ui.m().screen() == Screen::status);
    // The case is in the kiosk's synced copy: the paper in hand shows its status without the last four.
    REQUIRE(ui.m().status.phase == StatusPhase::result);
    CHECK(ui.m().status.scanned);
    CHECK(ui.m().status.record->receipt_number == rn.value().text);
    ui.shot("status-scanned");
    auto q = ui.m().store().events().events_of_type(records::type::status_queried);
    REQUIRE(q.size() == 1);
    CHECK(q[0].payload["source"] == "scan");
    CHECK(q[0].payload["found"] == true);

    // A receipt this kiosk knows nothing about: the number is filled in and the last four are asked for.
    ui.tap(ui.m().tr("nav.home"));
    auto other = make_receipt_number(ReceiptType::application, 230523100, 0, ui.m().clock().today(), 99);
    REQUIRE(other.ok());
    ui.drive->scan(other.value().text);
    REQUIRE(ui.m().screen() == Screen::status);
    CHECK(ui.m().status.phase == StatusPhase::entry);
    CHECK(ui.m().status.receipt.value == other.value().text);
    CHECK(ui.m().focused() == &ui.m().status.last4);
    ui.shot("status-scanned-unknown");
}

TEST_CASE("UI: an idle timeout wipes a half-filled form with the rime session and the ImGui context", "[kiosk][ui]") {
    Kiosk ui("ui-idle");
    auto clean = ui.shot("home-clean");
    ui.tap(ui.m().tr("home.apply"));
    ui.tap(ui.m().tr("need.dibao"));
    ui.tap("下一步");
    ui.tap("姓名");
    ui.pinyin("zhou");
    ui.pinyin("miao", 3);
    std::string name = ui.m().intake.name.value;
    REQUIRE(utf8::length(name) == 2);
    ui.type("zhoumiao");  // composing, not committed, when the resident walks away
    auto* ctx_before = ui.app->imgui_context();
    ui.drive->advance(61 * 1000);
    CHECK(ui.m().idle_warning());
    ui.shot("idle-warning");
    ui.drive->advance(20 * 1000);
    CHECK(ui.m().screen() == Screen::home);
    CHECK(ui.m().intake.name.value.empty());
    CHECK(ui.m().focused() == nullptr);
    CHECK(ui.app->imgui_context() != nullptr);
    (void)ctx_before;
    // The wiped screen is the clean home screen (the notice line aside, which says why it was cleared).
    ui.m().notice.clear();
    ui.app->frames(3);
    auto after = ui.shot("home-after-wipe");
    CHECK(diff_fraction(clean, after, 0) == 0.0);
    // The name is not a candidate for its pinyin, nor anywhere in rime's user files.
    ui.tap(ui.m().tr("home.policy"));
    ui.tap("搜索");
    ui.type("zhoumiao");
    for (auto& c : ui.m().candidates()) CHECK(c != name);
    for (auto& e : fs::recursive_directory_iterator(ui.app->pinyin().user_dir())) {
        if (!e.is_regular_file()) continue;
        INFO(e.path());
        CHECK(slurp(e.path().string()).find(name) == std::string::npos);
    }
}

TEST_CASE("UI: every screenshot is distinct and not blank and a few match references", "[kiosk][ui]") {
    // Its own screens in its own directory: nothing another test wrote (or is writing) is read.
    const std::string own = kiosk_test::scratch_dir("ui-shots-own");
    Kiosk ui("ui-shots", nullptr, false, own);
    ui.shot("home");
    ui.tap(ui.m().tr("home.elderly"));
    ui.shot("home-elderly");
    ui.tap(ui.m().tr("home.elderly"));
    ui.tap("English");
    ui.shot("home-en");
    ui.tap("中文");
    ui.tap(ui.m().tr("home.policy"));
    ui.shot("policy");
    ui.tap(ui.m().tr("nav.home"));
    ui.tap(ui.m().tr("home.status"));
    ui.shot("status-entry");
    ui.tap(ui.m().tr("nav.home"));
    ui.tap(ui.m().tr("home.staff"));
    ui.shot("staff-login-empty");
    std::vector<std::string> pngs;
    for (auto& e : fs::directory_iterator(own))
        if (e.path().extension() == ".png") pngs.push_back(e.path().string());
    std::sort(pngs.begin(), pngs.end());
    CHECK(pngs.size() == 6);
    for (auto& p : pngs) {
        INFO(p);
        CHECK_FALSE(blank(p));
    }
    for (std::size_t i = 0; i < pngs.size(); ++i)
        for (std::size_t j = i + 1; j < pngs.size(); ++j) {
            auto stem_i = fs::path(pngs[i]).stem().string(), stem_j = fs::path(pngs[j]).stem().string();
            INFO(stem_i << " vs " << stem_j);
            CHECK(diff_fraction(pngs[i], pngs[j], 0) > 0.0005);
        }
    // References (regenerate with YIMEN_UPDATE_REFS=1): a small per-channel tolerance for font rasteriser drift.
    std::string refs = std::string(YIMEN_SOURCE_ASSETS_DIR) + "/../tests/kiosk/ref";
    for (const char* name : {"home", "home-elderly", "staff-login-empty"}) {
        std::string ref = refs + "/" + name + ".png", got = own + "/" + name + ".png";
        if (std::getenv("YIMEN_UPDATE_REFS")) {
            fs::create_directories(refs);
            fs::copy_file(got, ref, fs::copy_options::overwrite_existing);
        }
        INFO(name);
        REQUIRE(fs::exists(ref));
        CHECK(diff_fraction(ref, got, 24) < 0.002);
    }
}

TEST_CASE("UI: writing 十 on the handwriting pad types it into the search box", "[kiosk][ui][handwriting]") {
    Kiosk ui("ui-handwriting");
    ui.tap(ui.m().tr("home.policy"));
    ui.tap("搜索");
    REQUIRE(ui.m().focused() == &ui.m().policy.query);
    ui.tap("key-handwriting");
    REQUIRE(ui.m().handwriting.on);
    REQUIRE(ui.drive->stroke_on_pad({{10, 50}, {90, 50}}));
    REQUIRE(ui.drive->stroke_on_pad({{50, 8}, {50, 92}}));
    // Writing is neither a tap nor a scroll: the same field keeps the focus, both strokes are on the pad.
    CHECK(ui.m().focused() == &ui.m().policy.query);
    REQUIRE(ui.m().handwriting.strokes.size() == 2);
    auto& cands = ui.m().handwriting.candidates;
    auto it = std::find(cands.begin(), cands.end(), "十");
    REQUIRE(it != cands.end());
    ui.shot("keyboard-handwriting");
    ui.tap("cand-" + std::to_string(it - cands.begin() + 1));
    CHECK(ui.m().policy.query.value == "十");
    CHECK(ui.m().handwriting.strokes.empty());
    // Back to the letter keys.
    ui.tap("key-handwriting");
    CHECK_FALSE(ui.m().handwriting.on);
}

TEST_CASE("UI: landscape 1920×1080 — home, the keyboard under its field, the handwriting pad, every target on screen", "[kiosk][ui][landscape]") {
    Kiosk ui("ui-landscape", nullptr, true);
    auto on_screen = [&](const char* where) {
        INFO(where);
        for (auto& t : ui.app->targets()) {
            INFO(t.label);
            CHECK(t.x0 >= 0);
            CHECK(t.y0 >= 0);
            CHECK(t.x1 <= 1920);
            CHECK(t.y1 <= 1080);
            if (t.label.rfind("key-", 0) == 0 || t.label.rfind("cand-", 0) == 0) CHECK(t.y1 - t.y0 >= 64);
        }
    };
    on_screen("home");
    ui.shot("landscape-home");
    ui.tap(ui.m().tr("home.apply"));
    ui.tap(ui.m().tr("need.dibao"));
    ui.tap("下一步");
    ui.tap("姓名");
    ui.type("wang");
    on_screen("pinyin keyboard");
    ui.shot("landscape-keyboard");
    REQUIRE_FALSE(ui.m().candidates().empty());
    const std::string first = ui.m().candidates()[0];
    ui.tap("cand-1");
    ui.tap("key-handwriting");
    REQUIRE(ui.drive->stroke_on_pad({{10, 50}, {90, 50}}));
    REQUIRE(ui.drive->stroke_on_pad({{50, 8}, {50, 92}}));
    on_screen("handwriting pad");
    ui.shot("landscape-handwriting");
    auto& cands = ui.m().handwriting.candidates;
    auto it = std::find(cands.begin(), cands.end(), "十");
    REQUIRE(it != cands.end());
    ui.tap("cand-" + std::to_string(it - cands.begin() + 1));
    CHECK(ui.m().intake.name.value == first + "十");
}
