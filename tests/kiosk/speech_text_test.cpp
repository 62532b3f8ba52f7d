// speech_text_test.cpp — issue 16's read-aloud normaliser (kiosk/model/speech_text.hpp) on the strings the screens
// really show (assets/i18n/zh-CN.json, receipts, the status page), each with its hand-computed spoken form, and
// `kiosk-ctl speech-text` through the built binary without any configuration.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "kiosk/model/speech_text.hpp"
#include "support.hpp"

using namespace yimen::kiosk;
namespace fs = std::filesystem;

namespace {

std::pair<int, std::string> kiosk_ctl(const std::string& args) { return kiosk_test::run_kiosk_ctl(args, false); }

}  // namespace

TEST_CASE("Whole numbers are said the way people say them", "[kiosk][speech]") {
    const std::pair<std::uint64_t, const char*> table[] = {
        {0, "零"},           {2, "二"},           {10, "十"},           {15, "十五"},
        {110, "一百一十"},   {1005, "一千零五"},  {1050, "一千零五十"}, {1200, "一千二百"},
        {10010, "一万零一十"}, {100015, "十万零一十五"}, {120000, "十二万"}, {20000000, "二千万"},
        {100010000, "一亿零一万"},
    };
    for (auto& [n, said] : table) {
        INFO(n);
        CHECK(spoken_integer(n) == said);
    }
}

TEST_CASE("Screen texts are read like a person reads them", "[kiosk][speech]") {
    const std::pair<const char*, const char*> table[] = {
        // Receipt numbers, grouped as printed and as typed; ID numbers (X is 叉); phones and the hotline.
        {"1104 0126 1130 0001 3", "一一零四，零一二六，一一三零，零零零一，三"},
        {"11040126113000013", "一一零四，零一二六，一一三零，零零零一，三"},
        {"办件编号：1104 0126 1130 0001 3", "办件编号，一一零四，零一二六，一一三零，零零零一，三"},
        {"1100-0126-1127-0001-7", "一一零零，零一二六，一一二七，零零零一，七"},
        {"23052319500101123X", "二三零五二三，一九五零零一零一，一二三叉"},
        {"230523 19500101 123x", "二三零五二三，一九五零零一零一，一二三叉"},
        {"13900001111", "一三九，零零零零，一一一一"},
        {"电话 0469-5550104", "电话 零四六九，五五五零一零四"},
        {"服务热线 12345", "服务热线 一二三四五"},
        {"可拨打12345反映", "可拨打一二三四五反映"},
        // Money.
        {"1,200.00 元", "一千二百元"},
        {"1200元", "一千二百元"},
        {"￥1,200", "一千二百元"},
        {"12.50元", "十二元五角"},
        {"12.05元", "十二元零五分"},
        {"0.50元", "五角"},
        {"低保标准应大于0且不超过100000.00元/人·月，请核对。", "低保标准应大于零且不超过十万元每人 月，请核对"},
        {"经营净收入（元/月）", "经营净收入，元每月"},
        // Dates and times.
        {"2026年11月30日", "二〇二六年十一月三十日"},
        {"2026-11-30", "二〇二六年十一月三十日"},
        {"办结期限：2026-12-18（自受理起 15 个工作日）", "办结期限，二〇二六年十二月十八日，自受理起 十五 个工作日"},
        {"09:41", "九点四十一分"},
        // Working days, counts, percentages, stars.
        {"15个工作日", "十五个工作日"},
        {"自受理之日起 15 个工作日内办结（工作日不含周末和法定节假日）。",
         "自受理之日起 十五 个工作日内办结，工作日不含周末和法定节假日"},
        {"按期办理中 · 已用 3 个工作日，剩余 12 个工作日", "按期办理中 已用 三 个工作日，剩余 十二 个工作日"},
        {"已超期 2 个工作日，可拨打服务热线反映", "已超期 两 个工作日，可拨打服务热线反映"},
        {"第2个", "第二个"},
        {"回访电话应是 11 位手机号码，也可以不填", "回访电话应是 十一 位手机号码，也可以不填"},
        {"知晓率 85%", "知晓率 百分之八十五"},
        {"85.5%", "百分之八十五点五"},
        {"★★★★☆", "四星"},
        {"3.5", "三点五"},
        // Symbols, bullets, markdown, punctuation; Chinese passes through.
        {"低保 · 特困 · 临时救助 · 转办", "低保 特困 临时救助 转办"},
        {"• 申请成功！请取走回执。", "申请成功，请取走回执"},
        {"## **重要**：请带身份证 → 窗口", "重要，请带身份证 窗口"},
        {"第一条\n第二条", "第一条，第二条"},
        {"凭办件编号和身份证后四位，可以在这里或打电话查询进度。", "凭办件编号和身份证后四位，可以在这里或打电话查询进度"},
        {"", ""},
    };
    for (auto& [text, said] : table) {
        INFO(text);
        CHECK(speech_text(text) == said);
    }
}

TEST_CASE("kiosk-ctl speech-text prints the spoken form without any configuration", "[kiosk][speech][ctl]") {
    auto [code, out] = kiosk_ctl("speech-text 1104 0126 1130 0001 3");
    CHECK(code == 0);
    CHECK(out == "一一零四，零一二六，一一三零，零零零一，三\n");
    auto [code2, out2] = kiosk_ctl("speech-text '1,200.00 元'");
    CHECK(code2 == 0);
    CHECK(out2 == "一千二百元\n");
    CHECK(kiosk_ctl("speech-text").first == 2);
}
