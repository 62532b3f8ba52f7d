// stats_spot.cpp — the reproducible draws: the monthly spot check of newly confirmed cases and the yearly home-visit
// list, each drawn from a seed the OS gives and stored with the draw, so anyone can redraw and compare.
#include <sys/random.h>

#include <algorithm>
#include <cmath>

#include "county/stats.hpp"
#include "county/stats_internal.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace stats_detail;


std::uint64_t os_random_seed() {
    std::uint64_t seed = 0;
    auto* p = reinterpret_cast<unsigned char*>(&seed);
    std::size_t got = 0;
    while (got < sizeof seed) {
        const ssize_t n = getrandom(p + got, sizeof seed - got, 0);
        if (n > 0) got += static_cast<std::size_t>(n);
    }
    return seed;
}

namespace {

// Groups the candidates (sorted by receipt number), then shuffles each group with SplitMix64 seeded from
// (seed, "<period>/<group>") and keeps ceil(n × pct / 100) of it.
std::vector<SpotCandidate> draw_groups(std::vector<SpotCandidate> candidates, std::uint64_t seed, const std::string& period,
                                       const std::function<std::string(const SpotCandidate&)>& group_of,
                                       const std::function<int(const std::string&)>& pct_of) {
    std::sort(candidates.begin(), candidates.end(),
              [](const SpotCandidate& a, const SpotCandidate& b) { return a.receipt_number < b.receipt_number; });
    std::map<std::string, std::vector<SpotCandidate>> groups;
    for (auto& c : candidates) groups[group_of(c)].push_back(c);
    std::vector<SpotCandidate> out;
    for (auto& [group, list] : groups) {
        const std::size_t n = list.size();
        const std::size_t take = (n * static_cast<std::size_t>(pct_of(group)) + 99) / 100;
        std::uint64_t state = seed ^ fnv1a64(period + "/" + group);
        for (std::size_t i = 0; i < take; ++i) {
            const std::size_t j = i + static_cast<std::size_t>(splitmix64(state) % (n - i));
            std::swap(list[i], list[j]);
        }
        out.insert(out.end(), list.begin(), list.begin() + static_cast<std::ptrdiff_t>(take));
    }
    return out;
}

}  // namespace

std::vector<SpotCandidate> draw_spot_sample(std::vector<SpotCandidate> candidates, std::uint64_t seed,
                                            const std::string& month, const StatsConfig& cfg) {
    return draw_groups(
        std::move(candidates), seed, month, [](const SpotCandidate& c) { return c.programme; },
        [&](const std::string& programme) {
            int pct = cfg.spot_check_ratio_pct;
            if (auto it = cfg.spot_check_min_pct.find(programme); it != cfg.spot_check_min_pct.end()) pct = std::max(pct, it->second);
            return pct;
        });
}

Result<json> home_visits(Store& store, const StatsConfig& cfg, const std::string& year, const std::string& actor,
                         UtcMillis now_ms, const std::string& township, bool draw) {
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos || year < "2020")
        return Error{"bad_request", "年份格式应为 YYYY（2020 年以后）。"};
    auto load = [&]() -> Result<json> {
        json out;
        auto s = store.query("SELECT id, seed, ratio_pct, candidates, drawn_ms, actor FROM visit_draws WHERE year = ?1", {year},
                             [&](const SqlRow& r) {
                                 out = {{"id", r.integer(0)},          {"year", year},
                                        {"seed", r.text(1)},           {"ratio_pct", r.integer(2)},
                                        {"candidates", r.integer(3)},  {"drawn_at", format_rfc3339(r.integer(4))},
                                        {"drawn_by", r.text(5)}};
                             });
        if (!s) return s.error();
        if (out.is_null()) return out;
        json samples = json::array();
        s = store.query("SELECT receipt_number, programme, township FROM visit_samples WHERE draw_id = ?1 ORDER BY position",
                        {out["id"].get<std::int64_t>()}, [&](const SqlRow& r) {
                            if (township.empty() || r.text(2) == township)
                                samples.push_back({{"receipt_number", r.text(0)}, {"programme", r.text(1)}, {"township", r.text(2)}});
                        });
        if (!s) return s.error();
        out["samples"] = samples;
        return out;
    };
    auto stored = load();
    if (!stored) return stored.error();
    if (!stored->is_null() || !draw) {
        if (stored->is_null()) return Error{"not_found", year + " 年还没有抽取入户核查名单。"};
        return stored;
    }
    std::vector<SpotCandidate> candidates;
    auto s = store.query(
        "SELECT a.receipt_number, a.programme, a.township FROM applications a WHERE a.programme IN ('dibao', 'tekun')"
        " AND EXISTS (SELECT 1 FROM stage_events s WHERE s.receipt_number = a.receipt_number AND s.stage = 'confirmed')"
        " AND NOT EXISTS (SELECT 1 FROM stage_events s WHERE s.receipt_number = a.receipt_number"
        " AND s.stage IN ('exit_decided', 'exit_notified', 'terminated'))",
        {}, [&](const SqlRow& r) { candidates.push_back({r.text(0), r.text(1), r.text(2)}); });
    if (!s) return s.error();
    const std::uint64_t seed = os_random_seed();
    const auto drawn = draw_groups(
        candidates, seed, year, [](const SpotCandidate& c) { return c.township; },
        [&](const std::string&) { return cfg.home_visit_ratio_pct; });
    auto work = [&]() -> Status {
        auto ins = store.execute("INSERT INTO visit_draws(year, seed, ratio_pct, candidates, drawn_ms, actor)"
                                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                                 {year, hex64(seed), std::int64_t{cfg.home_visit_ratio_pct},
                                  static_cast<std::int64_t>(candidates.size()), now_ms, actor});
        if (!ins) return ins.error();
        std::int64_t position = 0;
        for (auto& c : drawn) {
            auto r = store.execute("INSERT INTO visit_samples(draw_id, receipt_number, programme, township, position)"
                                   " SELECT id, ?2, ?3, ?4, ?5 FROM visit_draws WHERE year = ?1",
                                   {year, c.receipt_number, c.programme, c.township, ++position});
            if (!r) return r.error();
        }
        return store.append_audit({0, now_ms, actor, "visits.drawn", year,
                                   "seed " + hex64(seed) + ", " + std::to_string(drawn.size()) + "/" +
                                       std::to_string(candidates.size())});
    };
    if (auto st = store.transaction(work); !st) return st.error();
    return load();
}

Result<std::vector<SpotCandidate>> spot_candidates(Store& store, const std::string& month) {
    if (!valid_month(month)) return Error{"bad_request", "月份格式应为 YYYY-MM。"};
    std::vector<SpotCandidate> out;
    auto s = store.query("SELECT DISTINCT s.receipt_number, a.programme, a.township FROM stage_events s"
                         " JOIN applications a ON a.receipt_number = s.receipt_number"
                         " WHERE s.stage = 'confirmed' AND s.date >= ?1 AND s.date <= ?2",
                         {month + "-01", month + "-31"},
                         [&](const SqlRow& r) { out.push_back({r.text(0), r.text(1), r.text(2)}); });
    if (!s) return s.error();
    return out;
}

Result<json> draw_spot_checks(Store& store, const StatsConfig& cfg, const std::string& month, const std::string& actor,
                              UtcMillis now_ms) {
    auto candidates = spot_candidates(store, month);
    if (!candidates) return candidates.error();
    const std::uint64_t seed = os_random_seed();
    const auto drawn = draw_spot_sample(*candidates, seed, month, cfg);
    json min_pct = cfg.spot_check_min_pct;
    auto work = [&]() -> Status {
        bool exists = false;
        if (auto s = store.query("SELECT id FROM spot_draws WHERE month = ?1", {month}, [&](const SqlRow&) { exists = true; }); !s)
            return s;
        if (exists) return Error{"already_drawn", month + " 已经抽取过，不能重抽（重抽会让抽查失去随机性）。"};
        auto ins = store.execute("INSERT INTO spot_draws(month, seed, ratio_pct, tekun_ratio_pct, candidates, drawn_ms, actor)"
                                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                 {month, hex64(seed), std::int64_t{cfg.spot_check_ratio_pct},
                                  std::int64_t{cfg.spot_check_min_pct.count("tekun") ? cfg.spot_check_min_pct.at("tekun") : 0},
                                  static_cast<std::int64_t>(candidates->size()), now_ms, actor});
        if (!ins) return ins.error();
        std::int64_t position = 0;
        for (auto& c : drawn) {
            auto r = store.execute("INSERT INTO spot_samples(draw_id, receipt_number, programme, township, position)"
                                   " SELECT id, ?2, ?3, ?4, ?5 FROM spot_draws WHERE month = ?1",
                                   {month, c.receipt_number, c.programme, c.township, ++position});
            if (!r) return r.error();
        }
        return store.append_audit({0, now_ms, actor, "samples.drawn", month,
                                   "seed " + hex64(seed) + ", " + std::to_string(drawn.size()) + "/" +
                                       std::to_string(candidates->size())});
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return spot_checks(store, cfg, month, "");
}

Result<json> spot_checks(Store& store, const StatsConfig& cfg, const std::string& month, const std::string& township) {
    if (!valid_month(month)) return Error{"bad_request", "月份格式应为 YYYY-MM。"};
    json draw;
    auto s = store.query("SELECT id, seed, ratio_pct, candidates, drawn_ms, actor FROM spot_draws WHERE month = ?1", {month},
                         [&](const SqlRow& r) {
                             draw = {{"id", r.integer(0)}, {"month", month}, {"seed", r.text(1)}, {"ratio_pct", r.integer(2)},
                                     {"candidates", r.integer(3)}, {"drawn_at", format_rfc3339(r.integer(4))},
                                     {"drawn_by", r.text(5)}};
                         });
    if (!s) return s.error();
    if (draw.is_null()) return Error{"not_found", month + " 还没有抽取抽查样本（county-server samples draw --month " + month + "）。"};
    json samples = json::array();
    std::vector<SpotCandidate> stored;
    s = store.query("SELECT receipt_number, programme, township, position, finding, note, checker, checked_ms FROM spot_samples"
                    " WHERE draw_id = ?1 ORDER BY position",
                    {draw["id"].get<std::int64_t>()}, [&](const SqlRow& r) {
                        stored.push_back({r.text(0), r.text(1), r.text(2)});
                        if (!township.empty() && r.text(2) != township) return;
                        samples.push_back({{"receipt_number", r.text(0)},
                                           {"programme", r.text(1)},
                                           {"township", r.text(2)},
                                           {"finding", r.text(4).empty() ? json() : json(r.text(4))},
                                           {"note", r.text(5)},
                                           {"checker", r.text(6)},
                                           {"checked_at", r.integer(7) ? json(format_rfc3339(r.integer(7))) : json()}});
                    });
    if (!s) return s.error();
    // Anyone can redo the draw from the stored seed: say whether it gives the stored list.
    auto candidates = spot_candidates(store, month);
    if (!candidates) return candidates.error();
    StatsConfig as_drawn = cfg;
    as_drawn.spot_check_ratio_pct = draw["ratio_pct"].get<int>();
    const auto redrawn = draw_spot_sample(*candidates, parse_hex64(draw["seed"]).value_or(0), month, as_drawn);
    draw["reproducible"] = redrawn == stored;
    draw["drawn"] = stored.size();
    draw["samples"] = samples;
    return draw;
}


}  // namespace yimen::county
