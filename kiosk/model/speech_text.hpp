// speech_text.hpp — the read-aloud normaliser (issue 16): turns screen text into what a person would say, before
// espeak-ng (voice cmn-latn-pinyin) reads it. Pure: no SDL, no espeak; `kiosk-ctl speech-text TEXT` prints it.
//
// Rules (in the order they are tried where digits start):
//   - Identifiers are read digit by digit, 0 as 零, their groups separated by a comma pause:
//       receipt numbers (17 digits; printed grouped `1104 0126 1130 0001 3`; ungrouped read 4-4-4-4-1),
//       ID numbers (18 characters, the last may be X, read 叉 as people say it at a counter; ungrouped 6-8-4),
//       mobile numbers (11 digits starting 1; ungrouped 3-4-4, no 幺), landlines (0469-5550104: groups as written),
//       and any digit string right after 热线 / 电话 / 拨打 / 号码 (the hotline 12345 is 一二三四五, not a number).
//     Groups are the spaces or dashes the text already has.
//   - Dates: 2026-11-30 (also / or .) and 2026年11月30日 → 二〇二六年十一月三十日 (a four-digit year before 年 is
//     read digit by digit with 〇; month and day as numbers). Times 09:41 → 九点四十一分.
//   - Money: ￥1,200 / 1,200.00 元 / 1200元 → 一千二百元; 角 and 分 when not zero (12.50元 → 十二元五角,
//     12.05元 → 十二元零五分). Thousands commas are read through.
//   - Percentages: 85% → 百分之八十五, 85.5% → 百分之八十五点五.
//   - Other numbers are read as numbers (15个工作日 → 十五个工作日, 3.5 → 三点五); a lone 2 before a measure word
//     (个 件 人 位 天 次 项 名 年) is 两; a number with a leading 0 or more than 12 digits is read digit by digit.
//   - Stars: a run of ★/☆ is the count of filled stars, ★★★★☆ → 四星.
//   - Punctuation (，。；：！？、…— brackets, their ASCII forms, newlines) becomes a comma pause; bullets and
//     separators (• · ● ■ ◆ → ※ | and the like) and whitespace become a space pause; markdown-ish # * _ ` ~ and
//     quotes are dropped. Pauses never start or end the output and never repeat. `元/月` is read 元每月.
//   - Everything else (Chinese text, Latin letters) passes through unchanged.
// The output holds no markup: its only pauses are spaces and full-width commas.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace yimen::kiosk {

// What the read-aloud speaks for `utf8` (screen text); see the rules above.
std::string speech_text(std::string_view utf8);
// A whole number as it is said: 0 → 零, 10 → 十, 1005 → 一千零五, 120000 → 十二万. Up to 999 9999 9999 9999.
std::string spoken_integer(std::uint64_t n);

}  // namespace yimen::kiosk
