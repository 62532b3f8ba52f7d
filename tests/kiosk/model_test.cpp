// model_test.cpp — the kiosk's screen models and effects without ImGui or SDL: validation, wizard branching, the
// one-transaction submission with its journal event, idle wipe, one rating per case, the scanner burst, staff PINs.
// Printing, kiosk-ctl and the TOML configuration are in print_ctl_test.cpp; the fixture is app_fixture.hpp.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "app_fixture.hpp"
#include "kiosk/model/pin.hpp"
#include "kiosk/script/script.hpp"
#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "sync/sealed_payload.hpp"

using namespace yimen;
using namespace yimen::kiosk;
using kiosk_test::Fixture;

TEST_CASE("Intake validates the ID number with a plain message", "[kiosk][intake]") {
    Fixture f("intake-id");
    auto& m = f.app->intake;
    f.app->intake_start(false);
    m.choose_need("dibao");
    f.app->intake_next();
    m.id_number.value = "230523199001010013";  // wrong check digit
    m.name.value = "测试乙";
    m.address.value = "一村";
    f.app->intake_next();
    CHECK(m.step == IntakeStep::identity);
    CHECK_FALSE(m.error.empty());
    bool ok = true;
    CHECK_FALSE(m.id_feedback(f.clock.today(), *f.i18n, ok).empty());
    CHECK_FALSE(ok);
    m.id_number.value = "230523199001010012";
    CHECK(m.id_feedback(f.clock.today(), *f.i18n, ok).find("1990") != std::string::npos);
    CHECK(ok);
    m.phone.value = "12345";
    f.app->intake_next();
    CHECK(m.step == IntakeStep::identity);
    m.phone.value = "";
    f.app->intake_next();
    CHECK(m.step == IntakeStep::household);
}

TEST_CASE("Intake needs both consent taps before review", "[kiosk][intake]") {
    Fixture f("intake-consent");
    f.fill_dibao();
    auto& m = f.app->intake;
    f.app->intake_next();
    CHECK(m.step == IntakeStep::consent);
    CHECK_FALSE(m.error.empty());
    m.commitment_at = format_rfc3339(f.clock.now_utc_ms());
    f.app->intake_next();
    CHECK(m.step == IntakeStep::consent);
    m.authorisation_at = format_rfc3339(f.clock.now_utc_ms());
    f.app->intake_next();
    CHECK(m.step == IntakeStep::review);
}

TEST_CASE("A submitted application and its event commit together and the receipt prints", "[kiosk][intake]") {
    Fixture f("intake-submit");
    f.fill_dibao();
    auto& m = f.app->intake;
    m.commitment_at = m.authorisation_at = format_rfc3339(f.clock.now_utc_ms());
    f.app->intake_next();
    REQUIRE(m.step == IntakeStep::review);
    f.app->intake_next();
    f.app->settle();  // the record is written on the records lane
    REQUIRE(m.step == IntakeStep::done);
    auto rn = parse_receipt_number(m.receipt_number);
    REQUIRE(rn.ok());
    CHECK(rn.value().type == ReceiptType::application);
    CHECK(rn.value().date == f.clock.today());
    CHECK(m.name.value.empty());  // what the resident typed is gone once recorded
    auto stored = f.app->store().application(m.receipt_number);
    REQUIRE(stored);
    CHECK(stored->status == "submitted");
    CHECK(stored->masked_name == "测*甲");
    // The kiosk keeps the masked values its screens need, never the typed ones (issue 11).
    CHECK(stored->masked_id() == "230523********0012");
    CHECK(stored->payload.dump().find("测试甲") == std::string::npos);
    CHECK(stored->payload.dump().find("13800001111") == std::string::npos);
    auto evs = f.app->store().events().events_of_type(records::type::application_submitted);
    REQUIRE(evs.size() == 1);
    // Schema 2: the personal members are sealed to the county; only its private key gives them back.
    CHECK(evs[0].schema == 2);
    CHECK(evs[0].payload.dump().find("测试甲") == std::string::npos);
    CHECK_FALSE(evs[0].payload.contains("applicant"));
    auto opened = sync::open_payload(evs[0].type, evs[0].payload, f.county_keys);
    REQUIRE(opened.ok());
    auto sub = opened->get<records::ApplicationSubmitted>();
    CHECK(sub.receipt_number == m.receipt_number);
    CHECK(sub.channel == "self");
    CHECK(sub.applicant.name == "测试甲");
    CHECK(sub.applicant.id_number == "230523199001010012");
    CHECK(sub.applicant_key.empty());  // the county computes it
    CHECK(std::find(sub.materials_missing.begin(), sub.materials_missing.end(), "hukou") != sub.materials_missing.end());
    CHECK(sub.estimate_fen >= 0);
    f.app->settle();
    auto printed = f.app->store().events().events_of_type(records::type::receipt_printed);
    REQUIRE(printed.size() == 1);
    CHECK(printed[0].payload["outcome"] == "printed");
    auto jobs = f.app->store().print_jobs();
    REQUIRE(jobs.size() == 1);
    auto doc = f.app->store().last_document(m.receipt_number);
    REQUIRE(doc);
    CHECK(doc->second.find("测试甲") == std::string::npos);
    CHECK(doc->second.find("230523199001010012") == std::string::npos);
    CHECK(doc->second.find("230523********0012") != std::string::npos);
    // The kiosk prints printer/'s 申请回执 template: the journal keeps its name and its (masked) data.
    const auto kdoc = ReceiptDocument::from_json(nlohmann::json::parse(doc->second));
    CHECK(kdoc.template_name == "intake");
    CHECK(kdoc.receipt_number == m.receipt_number);
    CHECK_FALSE(kdoc.reprint);
    CHECK(kdoc.data["applicant_name_masked"] == "测*甲");
    CHECK(kdoc.data["township_name"] == f.cfg.hall_name);
    CHECK(kdoc.data["township_address"] == f.cfg.hall_address);
    CHECK(kdoc.data["township_hotline"] == f.cfg.hall_phone);
    CHECK(kdoc.data["county_hotline"] == f.cfg.hotline);
    const auto missing = kdoc.data["materials_missing"].get<std::vector<std::string>>();
    CHECK(std::find(missing.begin(), missing.end(), f.data.rules.document_name("hukou")) != missing.end());
    CHECK(ReceiptDocument::from_json(kdoc.to_json()).to_json() == kdoc.to_json());
    // The preview printer is printer/'s dir: transport: the page as printed, from the template.
    CHECK(f.app->printing.ok);
    CHECK(f.app->printing.last_artifact == f.cfg.data_dir + "/receipts/job-0001.png");
    CHECK(std::ifstream(f.app->printing.last_artifact).good());
    CHECK(jobs[0].template_name == "intake");
}

TEST_CASE("A referral programme issues a 转办单 instead of an application", "[kiosk][intake]") {
    Fixture f("intake-referral");
    auto& m = f.app->intake;
    f.app->intake_start(false);
    m.choose_need("ref_yiliao");
    f.app->intake_next();
    CHECK(m.step == IntakeStep::referral_identity);
    f.app->intake_next();
    CHECK(m.step == IntakeStep::referral_identity);
    CHECK_FALSE(m.error.empty());
    m.name.value = "测试丙";
    m.referral_need.value = "住院费用";
    f.app->intake_next();
    f.app->settle();
    REQUIRE(m.step == IntakeStep::referral_done);
    auto rn = parse_receipt_number(m.receipt_number);
    REQUIRE(rn.ok());
    CHECK(rn.value().type == ReceiptType::referral);
    auto evs = f.app->store().events().events_of_type(records::type::referral_issued);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].payload["department"] == "县医疗保障局");
    CHECK(f.app->store().events().events_of_type(records::type::application_submitted).empty());
    // The 转办单 prints from its template (the kiosk knows no department address: the template says whom to ask).
    f.app->settle();
    CHECK(f.app->printing.ok);
    auto doc = f.app->store().last_document(m.receipt_number);
    REQUIRE(doc);
    const auto kdoc = ReceiptDocument::from_json(nlohmann::json::parse(doc->second));
    CHECK(kdoc.template_name == "referral");
    CHECK(kdoc.data["department_name"] == "县医疗保障局");
    CHECK(kdoc.data["applicant_name_masked"] == "测*丙");
}

TEST_CASE("After the idle time the kiosk warns and then wipes the session", "[kiosk][session]") {
    Fixture f("idle");
    f.app->intake_start(false);
    f.app->intake.choose_need("dibao");
    f.app->intake.name.value = "测试丁";
    f.app->touched();
    CHECK_FALSE(f.app->idle_warning());
    f.clock.set(f.clock.now_utc_ms() + 61 * 1000);
    f.app->tick();
    CHECK(f.app->idle_warning());
    CHECK(f.app->idle_seconds_left() == 19);
    CHECK(f.app->screen() == Screen::intake);
    int gen = f.app->wipe_generation();
    f.clock.set(f.clock.now_utc_ms() + 20 * 1000);
    f.app->tick();
    CHECK(f.app->screen() == Screen::home);
    CHECK(f.app->intake.name.value.empty());
    CHECK(f.app->intake.programme.empty());
    CHECK(f.app->wipe_generation() == gen + 1);
    CHECK(f.app->focused() == nullptr);
}

TEST_CASE("A touch during the warning keeps the session", "[kiosk][session]") {
    Fixture f("idle-continue");
    f.app->go(Screen::complaint);
    f.app->complaint.text.value = "意见";
    f.clock.set(f.clock.now_utc_ms() + 65 * 1000);
    f.app->tick();
    CHECK(f.app->idle_warning());
    f.app->touched();
    CHECK_FALSE(f.app->idle_warning());
    f.clock.set(f.clock.now_utc_ms() + 30 * 1000);
    f.app->tick();
    CHECK(f.app->screen() == Screen::complaint);
    CHECK(f.app->complaint.text.value == "意见");
}

TEST_CASE("One rating per case and low grades ask for reasons", "[kiosk][rating]") {
    Fixture f("rating");
    auto rn = make_receipt_number(ReceiptType::application, 230523100, 1, f.clock.today(), 5);
    REQUIRE(rn.ok());
    f.app->go(Screen::rating);
    auto& r = f.app->rating;
    r.receipt.value = rn.value().text;
    f.app->rating_submit();
    CHECK_FALSE(r.error.empty());  // no level
    r.level = 2;
    f.app->rating_submit();
    CHECK(r.phase == RatingPhase::grade);  // low grade without a reason
    r.reasons.insert("slow");
    r.phone.value = "13900002222";
    f.app->rating_submit();
    f.app->settle();
    REQUIRE(r.phase == RatingPhase::quiz);
    auto evs = f.app->store().events().events_of_type(records::type::rating_given);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].payload["level"] == 2);
    CHECK(evs[0].payload["receipt_number"] == rn.value().text);
    CHECK(evs[0].payload["channel"] == "kiosk");
    // The quiz: answer each question; the explanation shows after each.
    int n = static_cast<int>(r.questions.size());
    CHECK(n >= 3);
    for (int i = 0; i < n; ++i) {
        f.app->rating_answer(0);
        CHECK(r.chosen == 0);
        f.app->rating_next();
    }
    f.app->settle();
    CHECK(r.phase == RatingPhase::done);
    auto quiz = f.app->store().events().events_of_type(records::type::quiz_answered);
    REQUIRE(quiz.size() == 1);
    CHECK(quiz[0].payload["answers"].size() == static_cast<std::size_t>(n));
    // Second rating of the same case is refused, before anything is written.
    f.app->go(Screen::rating);
    f.app->rating.receipt.value = rn.value().grouped();
    f.app->rating.level = 5;
    f.app->rating_submit();
    f.app->settle();
    CHECK(f.app->rating.phase == RatingPhase::grade);
    CHECK_FALSE(f.app->rating.error.empty());
    CHECK(f.app->store().events().events_of_type(records::type::rating_given).size() == 1);
}

TEST_CASE("A scanner burst opens the status query with the number and typing by hand does not", "[kiosk][scanner]") {
    ScannerDetector d;
    std::string number = "11000126111700074";
    std::int64_t t = 1000;
    for (char c : number) d.key(c, t += 5);
    auto burst = d.enter(t + 5);
    REQUIRE(burst);
    CHECK(*burst == number);
    for (char c : number) d.key(c, t += 300);
    CHECK_FALSE(d.enter(t + 300));

    Fixture f("scanner");
    auto rn = make_receipt_number(ReceiptType::application, 230523100, 1, f.clock.today(), 9);
    REQUIRE(rn.ok());
    CHECK(f.app->screen() == Screen::home);
    f.app->physical_text(rn.value().text, 5000);
    f.app->physical_enter(5010);
    CHECK(f.app->screen() == Screen::status);
    CHECK(f.app->status.receipt.value == rn.value().text);
    CHECK(f.app->focused() == &f.app->status.last4);
}

TEST_CASE("Status offline - the local copy with the right digits and one answer for everything else", "[kiosk][status]") {
    Fixture f("status");
    REQUIRE(seed_demo(f.app->store(), f.cfg, f.data, f.clock).ok());
    auto rn = make_receipt_number(ReceiptType::application, 230523100, 0, f.clock.today().plus_days(-10), 7);
    REQUIRE(rn.ok());
    f.app->go(Screen::status);
    f.app->status.receipt.value = rn.value().grouped();
    f.app->status.last4.value = "0012";
    f.app->status_query();
    f.app->settle();
    REQUIRE(f.app->status.phase == StatusPhase::result);
    CHECK_FALSE(f.app->status.online);
    CHECK(f.app->status.evaluated.accepted);
    CHECK(f.app->status.evaluated.overall_due.has_value());
    auto q = f.app->store().events().events_of_type(records::type::status_queried);
    REQUIRE(q.size() == 1);
    CHECK(q[0].payload["source"] == "offline");
    CHECK(q[0].payload["found"] == true);

    f.app->go_home();
    f.app->go(Screen::status);
    f.app->status.receipt.value = rn.value().text;
    f.app->status.last4.value = "9999";
    f.app->status_query();
    f.app->settle();
    CHECK(f.app->status.phase == StatusPhase::not_found);
    CHECK_FALSE(f.app->status.record.has_value());
}

TEST_CASE("Complaints get a type-3 receipt and a query code stored only hashed", "[kiosk][complaint]") {
    Fixture f("complaint");
    f.app->go(Screen::complaint);
    auto& c = f.app->complaint;
    f.app->complaint_submit();
    CHECK(c.phase == ComplaintPhase::form);
    c.category = "slow";
    c.text.value = "等了很久";
    c.anonymous = false;
    f.app->complaint_submit();
    CHECK(c.phase == ComplaintPhase::form);  // needs a phone when not anonymous
    c.anonymous = true;
    f.app->complaint_submit();
    f.app->settle();
    REQUIRE(c.phase == ComplaintPhase::done);
    CHECK(c.query_code.size() == 4);
    auto rn = parse_receipt_number(c.receipt_number);
    REQUIRE(rn.ok());
    CHECK(rn.value().type == ReceiptType::complaint);
    auto evs = f.app->store().events().events_of_type(records::type::complaint_filed);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].payload["query_code_hash"] == sha256_hex(c.query_code + c.receipt_number));
    CHECK(evs[0].payload.dump().find("\"" + c.query_code + "\"") == std::string::npos);
    // The 投诉回执 prints from its template with the query code, once.
    f.app->settle();
    CHECK(f.app->printing.ok);
    auto doc = f.app->store().last_document(c.receipt_number);
    REQUIRE(doc);
    const auto kdoc = ReceiptDocument::from_json(nlohmann::json::parse(doc->second));
    CHECK(kdoc.template_name == "complaint");
    CHECK(kdoc.data["query_code"] == c.query_code);
    CHECK(kdoc.data["anonymous"] == true);
}

TEST_CASE("Staff PINs - the shared scrypt format and lock-out after repeated failures", "[kiosk][staff]") {
    const std::string vector = "$scrypt$N=32768,r=8,p=1$eWltZW4tdGVzdC1zYWx0IQ==$M7q/5B1WhDIpM7pPWFBycyQN6NjmqhdCqDTQQGMm/UA=";
    CHECK(verify_pin(vector, "246810"));
    CHECK_FALSE(verify_pin(vector, "246811"));
    CHECK_FALSE(verify_pin("$scrypt$N=3,r=8,p=1$AA==$AA==", "1"));
    CHECK_FALSE(verify_pin("plain", "plain"));
    auto h = hash_pin("1357", 1024);
    CHECK(verify_pin(h, "1357"));

    Fixture f("staff");
    REQUIRE(f.app->store().upsert_staff({"2001", "测试员", hash_pin("1357", 1024)}).ok());
    f.app->go(Screen::staff);
    for (int i = 0; i < 5; ++i) {
        f.app->staff.staff_id.value = "2001";
        f.app->staff.pin.value = "0000";
        f.app->staff_login();
        f.app->settle();
        CHECK_FALSE(f.app->staff.logged());
    }
    f.app->staff.staff_id.value = "2001";
    f.app->staff.pin.value = "1357";
    f.app->staff_login();  // locked: refused even with the right PIN
    f.app->settle();
    CHECK_FALSE(f.app->staff.logged());
    CHECK(f.app->staff.error.find("锁定") != std::string::npos);
    f.clock.set(f.clock.now_utc_ms() + 301 * 1000);
    f.app->staff.staff_id.value = "2001";
    f.app->staff.pin.value = "1357";
    f.app->staff_login();
    f.app->settle();
    CHECK(f.app->staff.logged());
    CHECK(f.app->store().events().events_of_type(records::type::staff_login).size() == 1);
    // Staff cannot rate.
    f.app->go(Screen::rating);
    CHECK(f.app->screen() == Screen::staff);
    f.app->staff_logout("manual");
    f.app->settle();
    auto out = f.app->store().events().events_of_type(records::type::staff_logout);
    REQUIRE(out.size() == 1);
    CHECK(out[0].payload["reason"] == "manual");
}

TEST_CASE("Touch scripts parse and errors name the line", "[kiosk][script]") {
    auto ok = parse_script("# demo\ntap 申请救助\ntap-xy 10 20\ntype shenqing\ndrag 1 2 3 4\nwait 500\nidle 90\nshot home\n");
    REQUIRE(ok.ok());
    REQUIRE(ok.value().size() == 7);
    CHECK(ok.value()[0].text == "申请救助");
    CHECK(ok.value()[3].numbers.size() == 4);
    auto bad = parse_script("tap a\ndrag 1 2\n");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("第 2 行") != std::string::npos);
    CHECK_FALSE(parse_script("jump 3").ok());
    auto await = parse_script("await 5000 使用这些信息\n");
    REQUIRE(await.ok());
    CHECK(await.value()[0].numbers == std::vector<int>{5000});
    CHECK(await.value()[0].text == "使用这些信息");
    CHECK_FALSE(parse_script("await 5000\n").ok());
    CHECK_FALSE(parse_script("await soon 使用这些信息\n").ok());
}

TEST_CASE("Every UI string key exists in both languages", "[kiosk][i18n]") {
    auto t = I18n::load(kiosk_test::assets_dir());
    REQUIRE(t.ok());
    const auto& zh = t.value().table("zh-CN");
    const auto& en = t.value().table("en");
    CHECK(zh.size() > 200);
    for (auto& [k, v] : zh) {
        INFO(k);
        CHECK(en.count(k) == 1);
        CHECK_FALSE(v.empty());
    }
    for (auto& [k, v] : en) {
        INFO(k);
        CHECK(zh.count(k) == 1);
    }
    // Placeholders match between the languages.
    for (auto& [k, v] : zh) {
        if (!en.count(k)) continue;
        for (int i = 0; i < 4; ++i) {
            std::string ph = "{" + std::to_string(i) + "}";
            INFO(k << " " << ph);
            CHECK((v.find(ph) != std::string::npos) == (en.at(k).find(ph) != std::string::npos));
        }
    }
}

TEST_CASE("Lower libraries' errors read in the screen's language by their code", "[kiosk][i18n]") {
    auto loaded = I18n::load(kiosk_test::assets_dir());
    REQUIRE(loaded.ok());
    auto t = std::move(loaded).value();
    auto bad = parse_resident_id("230523199001010013", CivilDate{2026, 3, 2});  // wrong check digit
    REQUIRE_FALSE(bad.ok());
    CHECK(t.error("id", bad.error()) == bad.error().message);  // zh-CN: the library's own sentence
    t.set_language("en");
    const std::string en = t.error("id", bad.error());
    CHECK(en == t.tr("err.id.bad_check"));
    CHECK(en.find("digit") != std::string::npos);
    CHECK(t.error("print", {"paper_empty", "打印机没纸了"}).find("paper") != std::string::npos);
    CHECK(t.error("sync", {"offline", "暂时连不上县服务器"}).find("county") != std::string::npos);
    CHECK(t.error("store", {"disk_full", "存储空间已满"}).find("disk") != std::string::npos);
    // A code the tables do not know still says something: the library's sentence.
    CHECK(t.error("id", {"no_such_code", "原话"}) == "原话");
    // The English table has no Chinese in it, except the switches to Chinese, named in its own words.
    for (auto& [k, v] : t.table("en")) {
        if (k == "home.other_language" || k == "kb.to_chinese") continue;  // "中文", named in its own words
        INFO(k << ": " << v);
        bool cjk = false;
        for (std::size_t i = 0; i + 2 < v.size(); ++i) {
            auto b = static_cast<unsigned char>(v[i]);
            if (b >= 0xE4 && b <= 0xE9) cjk = true;
        }
        CHECK_FALSE(cjk);
    }
}

TEST_CASE("Text helpers group and mask and edit UTF-8", "[kiosk][text]") {
    CHECK(group4("11000126111700074") == "1100 0126 1117 0007 4");
    CHECK(mask_name("张建华") == "张*华");
    CHECK(mask_name("张建") == "张*");
    CHECK(mask_phone("13812345678") == "138****5678");
    std::string s = "申请a";
    utf8::pop_back(s);
    CHECK(s == "申请");
    utf8::pop_back(s);
    CHECK(s == "申");
    CHECK(utf8::length("申请ab") == 4);
}

// ---- handwriting ------------------------------------------------------------------------------------------------------

namespace {
InkStroke line(int x0, int y0, int x1, int y1) {
    InkStroke s;
    for (int i = 0; i <= 20; ++i) s.push_back({x0 + (x1 - x0) * i / 20, y0 + (y1 - y0) * i / 20});
    return s;
}
// The same line as the app's pad hands it to the core.
PenStroke pen(int x0, int y0, int x1, int y1) {
    PenStroke s;
    for (auto& p : line(x0, y0, x1, y1)) s.push_back({p.x, p.y});
    return s;
}
}  // namespace

TEST_CASE("The handwriting recogniser reads 一 and 十 written on a pad", "[kiosk][handwriting]") {
    HandwritingRecognizer r;
    auto one = r.classify({line(40, 150, 260, 150)}, 300, 300, 10);
    REQUIRE(one.ok());
    REQUIRE_FALSE(one.value().empty());
    CHECK(one.value()[0] == "一");
    // 十 on a wide pad (the kiosk's is not square): horizontal, then vertical.
    auto ten = r.classify({line(60, 150, 540, 150), line(300, 20, 300, 280)}, 600, 300, 10);
    REQUIRE(ten.ok());
    CHECK(ten.value()[0] == "十");
    CHECK(r.classify({}, 300, 300).error().code == "empty");
    HandwritingRecognizer missing("/nonexistent/handwriting.model");
    auto none = missing.classify({line(40, 150, 260, 150)}, 300, 300);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == "no_model");
}

TEST_CASE("Handwriting on a Chinese field: strokes, candidates, undo, pick, the session wipe takes the strokes", "[kiosk][handwriting]") {
    Fixture f("handwriting");
    f.app->go(Screen::policy);
    f.app->focus(&f.app->policy.query);
    f.app->toggle_handwriting();
    REQUIRE(f.app->handwriting.on);
    f.app->handwriting_stroke(pen(60, 150, 540, 150), 600, 300);
    f.app->handwriting_stroke(pen(300, 20, 300, 280), 600, 300);
    f.app->settle();
    REQUIRE_FALSE(f.app->handwriting.candidates.empty());
    CHECK(f.app->handwriting.candidates[0] == "十");
    // 删除 takes back the last stroke first: what is left reads as 一.
    f.app->backspace();
    f.app->settle();
    REQUIRE(f.app->handwriting.strokes.size() == 1);
    REQUIRE_FALSE(f.app->handwriting.candidates.empty());
    CHECK(f.app->handwriting.candidates[0] == "一");
    f.app->handwriting_stroke(pen(300, 20, 300, 280), 600, 300);
    f.app->settle();
    f.app->handwriting_pick(0);
    CHECK(f.app->policy.query.value == "十");
    CHECK(f.app->handwriting.strokes.empty());
    CHECK(f.app->handwriting.candidates.empty());
    // Strokes on a numeric field are not handwriting.
    f.app->focus(&f.app->status.last4);
    f.app->handwriting_stroke(pen(60, 150, 540, 150), 600, 300);
    CHECK(f.app->handwriting.strokes.empty());
    // A half-written character is personal data: the wipe leaves no stroke and turns the pad off.
    f.app->focus(&f.app->policy.query);
    f.app->handwriting_stroke(pen(60, 150, 540, 150), 600, 300);
    REQUIRE(f.app->handwriting.strokes.size() == 1);
    f.app->wipe_session();
    f.app->settle();
    CHECK(f.app->handwriting.strokes.empty());
    CHECK(f.app->handwriting.candidates.empty());
    CHECK_FALSE(f.app->handwriting.on);
    CHECK(f.app->policy.query.value.empty());
}


TEST_CASE("Numbers people read aloud are grouped: ID as 6 8 4, policy previews start at the first paragraph", "[kiosk][text]") {
    CHECK(group_resident_id("230523199001010012") == "230523 19900101 0012");
    CHECK(group_resident_id("2305231990") == "230523 1990");
    CHECK(group_resident_id("2305") == "2305");
    Fixture f("policy-preview");
    f.app->go(Screen::policy);
    f.app->policy_category("dibao");
    REQUIRE_FALSE(f.app->policy.hits.empty());
    for (auto& h : f.app->policy.hits) {
        INFO(h.id << ": " << h.snippet);
        const Article* a = nullptr;
        for (auto& art : f.data.articles)
            if (art.id == h.id) a = &art;
        REQUIRE(a);
        // No heading of the body opens the preview.
        std::istringstream lines(a->body_markdown);
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("#", 0) != 0) continue;
            auto heading = line.substr(line.find_first_not_of("# "));
            CHECK(h.snippet.rfind(heading, 0) != 0);
        }
    }
}

TEST_CASE("The 低保 estimate uses the household's urban or rural standard, and guesses neither", "[kiosk][intake][rules]") {
    Fixture f("estimate-area");
    auto& m = f.app->intake;
    m.programme = "dibao";
    m.wages.value = "0";
    const CivilDate day{2026, 6, 1};
    CHECK(m.estimate(f.data, "230523104", day) == -1);  // not said yet: no estimate rather than the rural one
    m.area_kind = "urban";
    CHECK(m.estimate(f.data, "230523104", day) == 66900);
    m.area_kind = "rural";
    CHECK(m.estimate(f.data, "230523104", day) == 44100);
}


TEST_CASE("A record that lands after the session was wiped is kept but never shown or printed", "[kiosk][wipe]") {
    Fixture f("late-result");
    f.fill_dibao();
    auto& m = f.app->intake;
    m.commitment_at = m.authorisation_at = format_rfc3339(f.clock.now_utc_ms());
    f.app->intake_next();
    REQUIRE(m.step == IntakeStep::review);
    f.app->intake_next();  // on the records lane now
    f.app->wipe_session(); // the resident walked away before the answer came back
    f.app->settle(30000);
    CHECK(f.app->screen() == Screen::home);
    CHECK(m.receipt_number.empty());
    CHECK(m.name.value.empty());
    CHECK_FALSE(f.app->printing.busy);
    // The application is on record (the resident did submit it), and nothing was printed for the next person.
    CHECK(f.app->store().events().events_of_type(records::type::application_submitted).size() == 1);
    CHECK(f.app->store().print_jobs(5).empty());
}
