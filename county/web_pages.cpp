// web_pages.cpp — the shared pieces of the figure and follow-through pages (see web_pages.hpp).
#include "county/web_pages.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>

namespace yimen::county::web {

using nlohmann::json;

Period period_of(const http::Request& req, CivilDate today) {
    const int back = today.month - 11;  // the month eleven months back, possibly in the previous year
    Period p{back >= 1 ? CivilDate{today.year, back, 1} : CivilDate{today.year - 1, back + 12, 1}, today, ""};
    const std::string from = req.param("from"), to = req.param("to");
    if (from.empty() && to.empty()) return p;
    auto f = from.empty() ? Result<CivilDate>(p.from) : CivilDate::parse(from);
    auto t = to.empty() ? Result<CivilDate>(p.to) : CivilDate::parse(to);
    if (!f || !t) {
        p.error = "日期请写成 年-月-日，例如 " + today.iso() + "。下面按默认统计期（近12个月）显示。";
        return p;
    }
    if (*t < *f) {
        p.error = "开始日期晚于结束日期，请调换后再查询。下面按默认统计期（近12个月）显示。";
        return p;
    }
    // Ten years is far more than anyone reviews at once, and keeps one request from scanning without end.
    if (t->to_days() - f->to_days() > 3660) {
        p.error = "统计期最长十年，请缩短后再查询。下面按默认统计期（近12个月）显示。";
        return p;
    }
    return {*f, *t, ""};
}

std::vector<std::string> months_of(const Period& p) {
    std::vector<std::string> out;
    int y = p.from.year, m = p.from.month;
    while (y < p.to.year || (y == p.to.year && m <= p.to.month)) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
        out.emplace_back(buf);
        if (++m > 12) m = 1, ++y;
    }
    return out;
}

std::string url_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        const bool plain = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' ||
                           ch == '_' || ch == '.';
        if (plain) out += static_cast<char>(ch);
        else out += '%', out += hex[ch >> 4], out += hex[ch & 15];
    }
    return out;
}

std::string query_of(const std::vector<std::pair<std::string, std::string>>& kv) {
    std::string out;
    for (auto& [k, v] : kv)
        if (!v.empty()) out += (out.empty() ? "" : "&") + k + "=" + url_encode(v);
    return out;
}

std::string with_query(const std::string& path, const std::string& query) {
    return query.empty() ? path : path + "?" + query;
}

void period_form(Html& b, const std::string& action, const Period& p,
                 const std::vector<std::pair<std::string, std::string>>& keep) {
    if (!p.error.empty()) b.el("p", p.error, {{"class", "error"}, {"role", "alert"}});
    b.open("form", {{"method", "get"}, {"action", action}, {"class", "filters"}});
    for (auto& [k, v] : keep)
        if (!v.empty()) b.leaf("input", {{"type", "hidden"}, {"name", k.c_str()}, {"value", v}});
    b.open("label").text("开始日期");
    b.leaf("input", {{"type", "date"}, {"name", "from"}, {"value", p.from.iso()}, {"required", ""}});
    b.close();
    b.open("label").text("结束日期");
    b.leaf("input", {{"type", "date"}, {"name", "to"}, {"value", p.to.iso()}, {"required", ""}});
    b.close();
    b.el("button", "查询", {{"type", "submit"}});
    b.el("a", "近12个月", {{"href", action}});
    b.close();
}

void export_links(Html& b, const std::string& path, const std::string& query) {
    const std::string base = path + "?" + query + (query.empty() ? "" : "&");
    b.open("p", {{"class", "exports"}});
    b.el("a", "导出 CSV", {{"href", base + "format=csv"}});
    b.el("a", "导出 Excel", {{"href", base + "format=xlsx"}});
    b.close();
}

std::string pct(const json& rate) {
    if (!rate.is_number()) return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", rate.get<double>() * 100.0);
    return buf;
}

std::string num(const json& v) {
    if (v.is_null()) return "—";
    if (v.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", v.get<double>());
        return buf;
    }
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

std::string raw_value(const json& v) { return v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump(); }

namespace {
std::mutex g_names_mu;
std::map<std::string, std::string> g_township_names;
}  // namespace

void load_township_names(const std::string& assets_dir) {
    std::ifstream in(assets_dir + "/rules/townships.json", std::ios::binary);
    const json doc = json::parse(in, nullptr, false);
    std::map<std::string, std::string> names;
    if (doc.is_object() && doc.contains("townships") && doc["townships"].is_array())
        for (auto& t : doc["townships"])
            if (t.is_object() && t.value("code", "").size() == 9 && !t.value("name", "").empty())
                names[t["code"].get<std::string>()] = t["name"].get<std::string>();
    std::lock_guard lock(g_names_mu);
    g_township_names = std::move(names);
}

std::string township_label(const std::string& code) {
    std::lock_guard lock(g_names_mu);
    auto it = g_township_names.find(code);
    return it == g_township_names.end() ? code : it->second;
}

std::string local_time(const json& rfc3339) {
    if (!rfc3339.is_string()) return "—";
    auto t = parse_rfc3339(rfc3339.get<std::string>());
    if (!t) return "—";
    std::string s = format_rfc3339(*t + kCountyUtcOffsetSeconds * 1000);  // shifted: read as local wall time
    return s.substr(0, 10) + " " + s.substr(11, 5);
}

void grid(Html& b, const Table& t, const GridLinks& links, const char* css) {
    b.open("table", {{"class", css}}).open("thead").open("tr");
    for (auto& h : t.header) b.el("th", h, {{"scope", "col"}});
    b.close().close().open("tbody");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const std::string cls = links.row_class ? links.row_class(r) : "";
        if (cls.empty()) b.open("tr");
        else b.open("tr", {{"class", cls}});
        for (std::size_t k = 0; k < t.rows[r].size(); ++k) {
            const std::string href = links.href ? links.href(r, k) : "";
            if (href.empty()) b.el("td", t.rows[r][k]);
            else b.open("td").el("a", t.rows[r][k], {{"href", href}}).close();
        }
        b.close();
    }
    if (t.rows.empty())
        b.open("tr").el("td", "暂无数据", {{"colspan", std::to_string(t.header.empty() ? 1 : t.header.size())}}).close();
    b.close().close();
}

std::string follow_up_state_name(const std::string& state) {
    if (state == "open") return "待回访";
    if (state == "called_back") return "已回访";
    if (state == "rectified") return "已整改";
    if (state == "closed") return "已办结";
    return state;
}

std::string alert_state_name(const std::string& state) {
    if (state == "raised") return "待处理";
    if (state == "notified") return "已发提醒函";
    if (state == "resolved") return "已销号";
    return state;
}

std::string alert_kind_name(const std::string& kind) {
    static const std::map<std::string, std::string> kNames = {
        {"overdue_share", "超期办件占比高"},      {"satisfaction_drop", "满意率下降"},
        {"follow_ups_overdue", "差评回访超期"},    {"complaints_overdue", "投诉超期未答复"},
        {"county_visit_waiting", "待县级入户核查"}, {"kiosk_silent", "终端长时间未上传"},
        {"clock_skew", "终端时钟偏差"},            {"complaint", "收到投诉"},
        {"kiosk_rebased", "终端数据重置"},          {"seq_conflict", "终端记录序号冲突"}};
    auto it = kNames.find(kind);
    return it == kNames.end() ? kind : it->second;
}

std::string channel_label(const std::string& channel) {
    if (channel == "self_service") return "自助申请";
    if (channel == "assisted") return "工作人员协助";
    if (channel == "other") return "其他";
    return channel;
}

std::map<std::string, std::string> complaint_categories(const std::string& assets_dir) {
    std::map<std::string, std::string> out;
    std::ifstream in(assets_dir + "/i18n/zh-CN.json");
    const json strings = json::parse(in, nullptr, false);
    if (!strings.is_object()) return out;
    const std::string prefix = "complaint.cat.";
    for (auto& [k, v] : strings.items())
        if (k.rfind(prefix, 0) == 0 && v.is_string()) out[k.substr(prefix.size())] = v.get<std::string>();
    return out;
}

StatsActor actor_of(const User& u) { return {u.user_id, u.role, u.township}; }

std::string refusal_text(const Error& e) {
    if (e.code == "bad_state") return "这一步已经登记过，或已越过这一步。请查看上面的处理记录，再登记下一步。";
    if (e.code == "note_required") return "请填写情况说明后再提交。";
    if (e.code == "forbidden") return e.message;
    if (e.code == "not_found") return "没有找到这一项，或它不属于您所在的乡镇。请回到列表重新进入。";
    return e.message;
}

}  // namespace yimen::county::web
