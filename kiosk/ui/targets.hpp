// targets.hpp — the names under which the text fields record their touch targets: what touch scripts and the UI
// tests address (`tap 姓名`, see kiosk/README.md). They are identifiers, never drawn (a field shows its label_key's
// text in the screen's language), and stay Chinese whatever the language so the scripts keep working; this file is
// on the allow-list of tests/kiosk/zh_literals_check.cmake.
#pragma once

namespace yimen::kiosk::target {

inline constexpr const char* address = "家庭住址";
inline constexpr const char* business = "经营净收入";
inline constexpr const char* callback_phone = "回访电话";
inline constexpr const char* complaint_text = "投诉内容";
inline constexpr const char* deposits = "存款";
inline constexpr const char* hardship = "困难情况";
inline constexpr const char* id_last4 = "身份证后四位";
inline constexpr const char* id_number = "身份证号码";
inline constexpr const char* member_id_number = "成员身份证号码";
inline constexpr const char* member_name = "成员姓名";
inline constexpr const char* name = "姓名";
inline constexpr const char* phone = "联系电话";
inline constexpr const char* pin = "密码";
inline constexpr const char* property = "财产净收入";
inline constexpr const char* receipt = "办件编号";
inline constexpr const char* referral_need = "需要的帮助";
inline constexpr const char* reprint_receipt = "补打办件编号";
inline constexpr const char* search = "搜索";
inline constexpr const char* staff_id = "工号";
inline constexpr const char* transfer = "转移净收入";
inline constexpr const char* wages = "工资性收入";

}  // namespace yimen::kiosk::target
