// policy_model.cpp — see policy_model.hpp.
#include "kiosk/model/policy_model.hpp"

#include <sstream>

#include "kiosk/model/text.hpp"

namespace yimen::kiosk {

void PolicyState::refresh(const ArticleIndex* index, const std::vector<Article>& all) {
    error.clear();
    hits.clear();
    searched_for = trim(query.value);
    if (!searched_for.empty() && index) {
        SearchOptions opt;
        opt.limit = 20;
        opt.open_mark = "\x01";
        opt.close_mark = "\x02";
        auto r = index->search(searched_for, opt);
        if (!r) {
            error = r.error().message;
            return;
        }
        for (auto& h : r.value())
            if (category.empty() || h.programme == category) hits.push_back(h);
        return;
    }
    for (auto& a : all) {
        if (!category.empty() && a.programme != category) continue;
        SearchHit h;
        h.id = a.id;
        h.title = a.title;
        h.programme = a.programme;
        // The preview starts at the first paragraph: the body's own headings (a line starting "#") would run
        // into the text after them.
        std::string body;
        std::istringstream lines(a.body_markdown);
        for (std::string line; std::getline(lines, line);) {
            if (line.empty() || line[0] == '#') continue;
            body += line + "\n";
            if (body.size() > 400) break;
        }
        Article first = a;
        first.body_markdown = body;
        auto plain = first.plain_text();
        auto cps = utf8::decode(plain);
        std::string snip;
        for (std::size_t i = 0; i < cps.size() && i < 40; ++i) snip += utf8::encode(cps[i] == '\n' ? U' ' : cps[i]);
        h.snippet = snip + (cps.size() > 40 ? "…" : "");
        hits.push_back(h);
    }
}

}  // namespace yimen::kiosk
