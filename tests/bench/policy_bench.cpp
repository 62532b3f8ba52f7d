// policy_bench — search latency over generated Chinese articles and working-day arithmetic throughput.
// Prints figures; asserts nothing about time. `--tiny` runs a small size (ctest), default is the full size.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "policy/policy_data.hpp"

using namespace yimen;
using Steady = std::chrono::steady_clock;

namespace {

const char* kWords[] = {"最低生活保障", "申请", "受理", "公示", "材料", "家庭", "收入", "财产", "乡镇", "民政",
                        "工作日", "调查", "入户", "核对", "授权", "承诺", "特困", "供养", "临时救助", "先行",
                        "医疗", "教育", "住房", "就业", "标准", "差额", "发放", "每月", "人均", "残疾",
                        "老人", "儿童", "村委会", "社区", "热线", "投诉", "评价", "满意", "办理", "时限",
                        "书面", "告知", "理由", "确认", "审核", "近亲属", "备案", "的", "了", "和",
                        "在", "是", "有", "可以", "需要", "按照", "规定", "及时", "困难", "群众"};

std::string make_text(std::mt19937& rng, int min_chars) {
    std::string s;
    int chars = 0;
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
    while (chars < min_chars) {
        const char* w = kWords[pick(rng)];
        s += w;
        chars += static_cast<int>(std::strlen(w) / 3);
        if (rng() % 9 == 0) {
            s += "，";
            ++chars;
        }
    }
    return s + "。";
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    const bool tiny = argc > 1 && std::strcmp(argv[1], "--tiny") == 0;
    const int n_articles = tiny ? 200 : 10000;
    const int n_queries = tiny ? 10 : 300;
    std::mt19937 rng(42);

    std::vector<Article> docs;
    docs.reserve(static_cast<std::size_t>(n_articles));
    for (int i = 0; i < n_articles; ++i)
        docs.push_back({"a" + std::to_string(i), make_text(rng, 8), "general", {}, "2021-07-01", make_text(rng, 200)});
    auto idx = ArticleIndex::open();
    if (!idx) {
        std::fprintf(stderr, "open: %s\n", idx.error().message.c_str());
        return 1;
    }
    auto t0 = Steady::now();
    if (auto s = (*idx)->replace_all(docs); !s) {
        std::fprintf(stderr, "index: %s\n", s.error().message.c_str());
        return 1;
    }
    const double index_ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    std::printf("policy_bench: %d articles (~200 characters each), index built in %.0f ms\n", n_articles, index_ms);

    const std::vector<std::pair<const char*, std::vector<std::string>>> sets = {
        {"1-char", {"保", "申", "示", "村", "困"}},
        {"2-char", {"申请", "公示", "材料", "收入", "热线"}},
        {"4-char", {"最低生活", "临时救助", "入户调查", "书面告知"}}};
    SearchOptions opt;
    opt.limit = 10;
    for (auto& [label, queries] : sets) {
        std::vector<double> ms;
        std::size_t hits_total = 0;
        for (int i = 0; i < n_queries; ++i) {
            const auto& q = queries[static_cast<std::size_t>(i) % queries.size()];
            auto s = Steady::now();
            auto hits = (*idx)->search(q, opt);
            ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - s).count());
            if (!hits) {
                std::fprintf(stderr, "search: %s\n", hits.error().message.c_str());
                return 1;
            }
            hits_total += hits->size();
        }
        std::printf("  search %-7s top 10 with snippets: p50 %.3f ms  p99 %.3f ms  (%d queries, %zu hits returned)\n",
                    label, percentile(ms, 0.5), percentile(ms, 0.99), n_queries, hits_total);
    }

    auto data = load_policy_data(resolve_assets_dir());
    if (!data) {
        std::fprintf(stderr, "assets: %s\n", data.error().message.c_str());
        return 1;
    }
    const int n_adds = tiny ? 1000 : 200000;
    std::int64_t checksum = 0;
    t0 = Steady::now();
    const CivilDate base{2022, 1, 1};
    for (int i = 0; i < n_adds; ++i) {
        auto r = data->calendar.add_working_days(base.plus_days(i % 1400), 20);
        checksum += r.date.day;
    }
    const double s = std::chrono::duration<double>(Steady::now() - t0).count();
    std::printf("  workdays add (+20 working days): %.0f additions/s  (%d additions, checksum %lld)\n",
                n_adds / s, n_adds, static_cast<long long>(checksum));
    std::printf("  budget: search p99 <= 2 ms\n");
    return 0;
}
