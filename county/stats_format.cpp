// stats_format.cpp — the figures as rows for `--format table|csv` (and the back office's exports): CSV with a
// byte-order mark for Excel, tables padded by display width.
#include <algorithm>

#include "county/stats.hpp"
#include "county/stats_internal.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace stats_detail;


std::vector<std::vector<std::string>> summary_rows(const json& s) {
    std::vector<std::vector<std::string>> rows = {
        {"范围", "办结数", "按时办结", "按时率", "在办超期", "用时中位数(工作日)", "用时P90(工作日)", "评价数", "满意数",
         "满意率", "样本不足", "答题人数", "核心题全对", "知晓率", "投诉数", "投诉未结", "投诉已结", "投诉超期",
         "差评回访", "回访已结", "回访超期"}};
    auto row = [&](const std::string& scope, const json& v) {
        const json& t = v["timeliness"];
        const json& sa = v["satisfaction"];
        const json& aw = v["awareness"];
        const json& c = v["complaints"];
        const json& f = v["follow_ups"];
        rows.push_back({scope, num_text(t["decided"]), num_text(t["within_limit"]), pct_text(t["within_limit_rate"]),
                        num_text(t["overdue_open"]), num_text(t["median_wd"]), num_text(t["p90_wd"]),
                        num_text(sa["ratings"]), num_text(sa["satisfied"]), pct_text(sa["rate"]),
                        sa["small_sample"].get<bool>() ? "是" : "否", num_text(aw["respondents"]),
                        num_text(aw["all_core_correct"]), pct_text(aw["rate"]), num_text(c["filed"]), num_text(c["open"]),
                        num_text(c["closed"]), num_text(c["overdue"]), num_text(f["opened"]), num_text(f["closed"]),
                        num_text(f["overdue"])});
    };
    // Scope: the whole store (one county, or a city's several: their total, then each county), one county (a 6-digit
    // code, from --county) or one township. The townships follow a county-wide scope.
    const std::string township = s.value("township", ""), county = s.value("county", "");
    row(!township.empty() ? township : !county.empty() ? county : s.contains("counties") ? "合计" : "全县", s);
    for (auto& c : s.value("counties", json::array())) row(c.value("county", ""), c);
    if (township.empty())
        for (auto& t : s["townships"]) row(t["code"], t);
    return rows;
}

std::vector<std::vector<std::string>> scorecard_rows(const json& sc) {
    std::vector<std::vector<std::string>> rows = {{"乡镇", "得分", "指标", "权重", "指标值", "原始数据"}};
    for (auto& t : sc["townships"])
        for (auto& p : t["parts"])
            rows.push_back({t["code"], num_text(t["score"]), p["part"], num_text(p["weight"]), pct_text(p["value"]),
                            p["raw"].dump()});
    return rows;
}

std::vector<std::vector<std::string>> fleet_rows(const json& f) {
    std::vector<std::vector<std::string>> rows = {
        {"终端", "乡镇", "最近上传", "时钟偏差(毫秒)", "待传记录", "打印机", "软件版本", "长时间未上传", "已吊销"}};
    for (auto& k : f["kiosks"])
        rows.push_back({k["kiosk_id"], k["township"], num_text(k["last_push"]), num_text(k["clock_offset_ms"]),
                        num_text(k["queue_depth"]), num_text(k["printer"]), num_text(k["software_version"]),
                        k["silent"].get<bool>() ? "是" : "否", k["revoked"].get<bool>() ? "是" : "否"});
    return rows;
}

std::vector<std::vector<std::string>> alert_rows(const std::vector<json>& alerts) {
    std::vector<std::vector<std::string>> rows = {{"编号", "类型", "乡镇", "终端", "状态", "重复次数", "整改期限", "说明"}};
    for (auto& a : alerts)
        rows.push_back({num_text(a["id"]), a["kind"], a.value("township", ""), a.value("kiosk_id", ""), a["state"],
                        num_text(a["repeats"]), a.contains("due_date") ? num_text(a["due_date"]) : "", a["detail"]});
    return rows;
}

std::vector<std::vector<std::string>> sample_rows(const json& d) {
    std::vector<std::vector<std::string>> rows = {{"月份", "种子", "办件编号", "项目", "乡镇", "核查结果", "说明"}};
    for (auto& s : d["samples"])
        rows.push_back({d["month"], d["seed"], s["receipt_number"], s["programme"], s["township"], num_text(s["finding"]),
                        s["note"]});
    return rows;
}

std::string to_csv(const std::vector<std::vector<std::string>>& rows) {
    std::string out = "\xEF\xBB\xBF";
    for (auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i) out += ',';
            const std::string& v = row[i];
            if (v.find_first_of(",\"\r\n") != std::string::npos) {
                out += '"';
                for (char c : v) {
                    if (c == '"') out += '"';
                    out += c;
                }
                out += '"';
            } else {
                out += v;
            }
        }
        out += "\r\n";
    }
    return out;
}

namespace {
std::size_t display_width(const std::string& s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        std::size_t n = 1;
        if (c >= 0xF0) cp = c & 0x07, n = 4;
        else if (c >= 0xE0) cp = c & 0x0F, n = 3;
        else if (c >= 0xC0) cp = c & 0x1F, n = 2;
        for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        w += cp >= 0x1100 ? 2 : 1;
        i += n;
    }
    return w;
}
}  // namespace

std::string to_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    std::string out;
    for (auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}


}  // namespace yimen::county
