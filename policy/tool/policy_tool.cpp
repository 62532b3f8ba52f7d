// policy-tool — the rules library on the command line, for county IT and for checks.
// Answers and per-input errors go to stdout (exit 0, or 1 when the input is invalid); usage errors go to stderr
// with exit 2. Every subcommand takes --json.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "policy/policy_data.hpp"
#include "policy/receipt_number.hpp"
#include "policy/resident_id.hpp"
#include "policy/workflow.hpp"

using namespace yimen;
using nlohmann::json;

namespace {

const char* kWeekdays[] = {"", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"};

struct Options {
    bool json = false;
    std::string assets;
    std::string today;  // YYYY-MM-DD; default: the county's date now
};

int emit_error(const Options& o, const Error& e) {
    if (o.json) std::cout << json{{"ok", false}, {"error", e.code}, {"message", e.message}}.dump() << "\n";
    else std::cout << "无效（" << e.code << "）：" << e.message << "\n";
    return 1;
}

void provisional_note(bool provisional) {
    if (provisional) std::cout << "注意：涉及尚未公布放假安排的年份，按周一至周五扣除固定节日推算，结果为暂定。\n";
}

Result<CivilDate> today_of(const Options& o) {
    if (!o.today.empty()) return CivilDate::parse(o.today);
    return SystemClock().today();
}

Result<PolicyData> load(const Options& o) { return load_policy_data(resolve_assets_dir(o.assets)); }

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"policy-tool: Yimen rules (working days, ID numbers, benefits, deadlines, policy search, receipts)"};
    app.require_subcommand(1);
    Options o;
    app.add_option("--assets", o.assets, "assets directory (default: $YIMEN_ASSETS or the source tree)");
    app.add_option("--today", o.today, "pretend today is this date (YYYY-MM-DD)");
    auto add_json = [&](CLI::App* c) { c->add_flag("--json", o.json, "print JSON"); };

    auto* wd = app.add_subcommand("workdays", "working-day arithmetic (holidays and make-up days 2022–2026)");
    wd->require_subcommand(1);
    std::string a_date, b_date;
    int n_days = 0;
    auto* wd_add = wd->add_subcommand("add", "DATE + N working days (day 1 = first working day after DATE)");
    wd_add->add_option("date", a_date)->required();
    wd_add->add_option("n", n_days)->required()->check(CLI::Range(0, 100000));
    add_json(wd_add);
    auto* wd_between = wd->add_subcommand("between", "working days after A up to and including B");
    wd_between->add_option("a", a_date)->required();
    wd_between->add_option("b", b_date)->required();
    add_json(wd_between);
    auto* wd_is = wd->add_subcommand("is", "is DATE a working day?");
    wd_is->add_option("date", a_date)->required();
    add_json(wd_is);

    auto* id = app.add_subcommand("id", "resident ID numbers");
    id->require_subcommand(1);
    std::string id_number;
    auto* id_check = id->add_subcommand("check", "validate and normalise an ID number");
    id_check->add_option("number", id_number)->required();
    add_json(id_check);

    auto* benefit = app.add_subcommand("benefit", "差额 benefit: (standard − per-capita income) × members");
    std::string standard, income;
    int members = 0;
    benefit->add_option("--standard", standard, "standard per person per month, yuan")->required();
    benefit->add_option("--income", income, "per-capita monthly income, yuan")->required();
    benefit->add_option("--members", members, "covered members")->required();
    add_json(benefit);

    auto* deadline = app.add_subcommand("deadline", "each stage's due date and the overall one, from 受理");
    std::string programme, accepted;
    deadline->add_option("--programme", programme, "dibao, tekun, linshi_jinan, linshi_zhichu, ref_*")->required();
    deadline->add_option("--accepted", accepted, "受理 date YYYY-MM-DD")->required();
    add_json(deadline);

    auto* search = app.add_subcommand("search", "search the policy articles");
    std::string query;
    int limit = 10;
    search->add_option("query", query)->required();
    search->add_option("--limit", limit)->check(CLI::Range(1, 100));
    add_json(search);

    auto* receipt = app.add_subcommand("receipt", "receipt numbers");
    receipt->require_subcommand(1);
    std::string receipt_number;
    auto* receipt_check = receipt->add_subcommand("check", "validate a receipt number");
    receipt_check->add_option("number", receipt_number)->required();
    add_json(receipt_check);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "policy-tool: " << e.what() << "\n" << "Run with --help for usage.\n";
        return 2;  // CLI11 would exit 100–127; usage errors are 2 here
    }

    if (*wd_add || *wd_between || *wd_is) {
        std::string path = resolve_assets_dir(o.assets) + "/calendar/holidays-cn.json";
        auto cal = WorkCalendar::load_file(path);
        if (!cal) {
            std::cerr << "policy-tool: " << cal.error().message << "\n";
            return 2;
        }
        auto a = CivilDate::parse(a_date);
        if (!a) return emit_error(o, a.error());
        if (*wd_add) {
            auto r = cal->add_working_days(*a, n_days);
            if (o.json) std::cout << json{{"date", r.date.iso()}, {"provisional", r.provisional}}.dump() << "\n";
            else {
                std::cout << r.date.iso() << " " << kWeekdays[r.date.iso_weekday()] << "\n";
                provisional_note(r.provisional);
            }
        } else if (*wd_between) {
            auto b = CivilDate::parse(b_date);
            if (!b) return emit_error(o, b.error());
            auto r = cal->working_days_between(*a, *b);
            if (o.json) std::cout << json{{"working_days", r.days}, {"provisional", r.provisional}}.dump() << "\n";
            else {
                std::cout << r.days << "\n";
                provisional_note(r.provisional);
            }
        } else {
            const bool w = cal->is_working_day(*a);
            const bool provisional = !cal->is_published_year(a->year);
            const auto name = cal->holiday_name(*a);
            if (o.json)
                std::cout << json{{"date", a->iso()}, {"working_day", w}, {"holiday", name}, {"provisional", provisional}}.dump()
                          << "\n";
            else {
                std::cout << (w ? "工作日" : "休息日") << " " << a->iso() << " " << kWeekdays[a->iso_weekday()]
                          << (name.empty() ? "" : " " + name) << "\n";
                provisional_note(provisional);
            }
        }
        return 0;
    }

    if (*id_check) {
        auto today = today_of(o);
        if (!today) {
            std::cerr << "policy-tool: --today: " << today.error().message << "\n";
            return 2;
        }
        auto r = parse_resident_id(id_number, *today);
        if (!r) return emit_error(o, r.error());
        if (o.json)
            std::cout << json{{"ok", true}, {"number", r->number}, {"birth_date", r->birth_date.iso()},
                              {"sex", r->sex == Sex::male ? "male" : "female"}, {"converted_from_15", r->converted_from_15},
                              {"masked", mask_resident_id(r->number)}}
                             .dump()
                      << "\n";
        else
            std::cout << r->number << " 出生日期 " << r->birth_date.iso() << " 性别 " << sex_name_zh(r->sex)
                      << (r->converted_from_15 ? "（由15位号码转换）" : "") << "\n";
        return 0;
    }

    if (*benefit) {
        auto s = parse_yuan(standard);
        if (!s) return emit_error(o, s.error());
        auto i = parse_yuan(income);
        if (!i) return emit_error(o, i.error());
        auto b = benefit_checked({*s, *i, members});
        if (!b) return emit_error(o, b.error());
        if (o.json)
            std::cout << json{{"benefit_fen", b->benefit}, {"benefit_yuan", format_yuan(b->benefit)},
                              {"eligible", b->eligible}}
                             .dump()
                      << "\n";
        else if (!b->eligible)
            std::cout << format_yuan(0) << " 不符合：家庭人均收入不低于低保标准，按差额计算没有低保金。\n";
        else
            std::cout << format_yuan(b->benefit) << "\n";
        return 0;
    }

    if (*deadline) {
        auto data = load(o);
        if (!data) {
            std::cerr << "policy-tool: " << data.error().message << "\n";
            return 2;
        }
        const Programme* p = data->rules.programme(programme);
        if (!p) return emit_error(o, Error{"unknown_programme", "没有这个项目：" + programme});
        auto acc = CivilDate::parse(accepted);
        if (!acc) return emit_error(o, acc.error());
        const StageDef* clock = p->clock_start_stage();
        json stages = json::array();
        bool provisional = false;
        for (auto& s : p->stages) {
            if (!s.limit) continue;
            const bool hours = s.limit->hours > 0;
            json row = {{"stage", s.id}, {"name", s.name}, {"days", hours ? s.limit->hours : s.limit->days},
                        {"unit", hours ? "hours" : s.limit->working_days ? "working" : "calendar"},
                        {"after", s.limit->after}, {"unconfirmed", is_unconfirmed(s.limit->confidence)}};
            const bool from_clock = clock && s.limit->after.size() >= 1 && s.limit->after.back() == clock->id;
            if (from_clock && !hours) {  // hours count from the 受理 time, which a date alone does not give
                auto due = s.limit->working_days ? data->calendar.add_working_days(*acc, s.limit->days)
                                                 : data->calendar.add_calendar_days(*acc, s.limit->days);
                row["due"] = due.date.iso();
                provisional = provisional || due.provisional;
            }
            stages.push_back(row);
        }
        json out = {{"programme", p->id}, {"accepted", acc->iso()}, {"stages", stages}};
        const bool has_extension = p->overall && p->overall->extended_working_days > p->overall->working_days;
        if (p->overall) {
            auto due = data->calendar.add_working_days(*acc, p->overall->working_days);
            out["overall"] = {{"days", p->overall->working_days}, {"due", due.date.iso()},
                              {"confidence", p->overall->confidence},
                              {"unconfirmed", is_unconfirmed(p->overall->confidence)}};
            provisional = provisional || due.provisional;
            if (has_extension) {
                auto ext = data->calendar.add_working_days(*acc, p->overall->extended_working_days);
                out["overall"]["extended_days"] = p->overall->extended_working_days;
                out["overall"]["extended_due"] = ext.date.iso();
                provisional = provisional || ext.provisional;
            }
        }
        out["provisional"] = provisional;
        if (o.json) {
            std::cout << out.dump() << "\n";
            return 0;
        }
        // The clock starts at 受理 for applications and at 开具转办单 for referrals: name the step that starts it.
        const std::string start_name = !clock ? "起算" : clock->id == "accepted" ? "受理" : clock->name;
        const std::string note = std::string("（") + kUnconfirmedNote + "，暂定）";
        std::cout << p->name << "：" << acc->iso() << " " << start_name << "（当天不计，从下一个工作日起算）\n";
        for (auto& r : stages) {
            std::string unit = r["unit"] == "working" ? "个工作日" : r["unit"] == "hours" ? "小时" : "天";
            std::string after;
            for (auto& a : r["after"]) {
                const StageDef* d = p->stage(a.get<std::string>());
                after += (after.empty() ? "" : "或") + (d ? d->name : a.get<std::string>());
            }
            std::cout << "  " << r["name"].get<std::string>() << "：";
            const std::string mark = r["unconfirmed"].get<bool>() ? note : "";
            if (r["unit"] == "hours")
                std::cout << start_name << "时起" << r["days"] << unit << "内" << mark << "\n";
            else if (r.contains("due"))
                std::cout << r["due"].get<std::string>() << " 前（" << start_name << "后" << r["days"] << unit << "）" << mark
                          << "\n";
            else std::cout << after << "后" << r["days"] << unit << "内" << mark << "\n";
        }
        if (p->overall) {
            const std::string mark = is_unconfirmed(p->overall->confidence) ? note : "";
            std::cout << "  总时限：" << out["overall"]["due"].get<std::string>() << " 前（" << p->overall->working_days
                      << "个工作日）" << mark;
            if (has_extension)
                std::cout << "；有法定延期理由的：" << out["overall"]["extended_due"].get<std::string>() << " 前（"
                          << p->overall->extended_working_days << "个工作日）";
            std::cout << "\n";
        } else
            std::cout << "  本事项为转办，无统一总时限。\n";
        provisional_note(provisional);
        return 0;
    }

    if (*search) {
        auto data = load(o);
        if (!data) {
            std::cerr << "policy-tool: " << data.error().message << "\n";
            return 2;
        }
        auto idx = ArticleIndex::open();
        if (!idx) {
            std::cerr << "policy-tool: " << idx.error().message << "\n";
            return 2;
        }
        if (auto s = (*idx)->replace_all(data->articles); !s) {
            std::cerr << "policy-tool: " << s.error().message << "\n";
            return 2;
        }
        SearchOptions opt;
        opt.limit = limit;
        auto hits = (*idx)->search(query, opt);
        if (!hits) return emit_error(o, hits.error());
        if (o.json) {
            json arr = json::array();
            for (auto& h : *hits)
                arr.push_back({{"id", h.id}, {"title", h.title}, {"programme", h.programme}, {"snippet", h.snippet},
                               {"title_hit", h.title_hit}});
            std::cout << json{{"query", query}, {"hits", arr}}.dump() << "\n";
        } else {
            if (hits->empty())
                std::cout << "没有找到与“" << query << "”有关的文章。可以换一个词；用空格分开的几个词要同时出现，"
                          << "用 OR 连接的词出现其一即可（例如：救助 OR 低保）。\n";
            int i = 0;
            for (auto& h : *hits) std::cout << ++i << ". " << h.title << " [" << h.id << "]\n   " << h.snippet << "\n";
        }
        return 0;
    }

    if (*receipt_check) {
        auto today = today_of(o);
        if (!today) {
            std::cerr << "policy-tool: --today: " << today.error().message << "\n";
            return 2;
        }
        auto r = parse_receipt_number(receipt_number, *today);
        if (!r) return emit_error(o, r.error());
        if (o.json)
            std::cout << json{{"ok", true}, {"number", r->text}, {"grouped", r->grouped()},
                              {"type", static_cast<int>(r->type)}, {"township", r->township}, {"kiosk", r->kiosk},
                              {"date", r->date.iso()}, {"sequence", r->sequence}}
                             .dump()
                      << "\n";
        else
            std::cout << "有效 " << r->grouped() << " " << receipt_type_name_zh(r->type) << " 乡镇" << r->township
                      << " 终端" << r->kiosk << " " << r->date.iso() << " 第" << r->sequence << "号\n";
        return 0;
    }
    return 2;
}
