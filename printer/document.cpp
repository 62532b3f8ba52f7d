// document.cpp — the document's JSON codec (shared by templates and the journal).
#include "printer/document.hpp"

namespace yimen::printer {

namespace {
const char* kind_name(Block::Kind k) {
    switch (k) {
        case Block::Kind::text: return "text";
        case Block::Kind::kv: return "kv";
        case Block::Kind::paragraph: return "paragraph";
        case Block::Kind::list: return "list";
        case Block::Kind::separator: return "separator";
        case Block::Kind::qr: return "qr";
        case Block::Kind::feed: return "feed";
    }
    return "text";
}
const char* align_name(Align a) { return a == Align::center ? "center" : a == Align::right ? "right" : "left"; }
}  // namespace

nlohmann::json to_json(const Document& d) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const auto& b : d.blocks) {
        nlohmann::json j{{"type", kind_name(b.kind)}};
        if (!b.text.empty()) j["text"] = b.text;
        if (!b.key.empty()) j["key"] = b.key;
        if (b.kind == Block::Kind::list) j["items"] = b.items;
        if (b.size != 1) j["size"] = b.size;
        if (b.bold) j["bold"] = true;
        if (b.align != Align::left) j["align"] = align_name(b.align);
        if (b.kind == Block::Kind::feed) j["lines"] = b.lines;
        blocks.push_back(std::move(j));
    }
    return {{"template", d.template_name}, {"title", d.title}, {"blocks", blocks}};
}

Result<Document> document_from_json(const nlohmann::json& j) {
    try {
        Document d;
        d.template_name = j.value("template", "");
        d.title = j.value("title", "");
        for (const auto& bj : j.at("blocks")) {
            Block b;
            const std::string t = bj.at("type").get<std::string>();
            if (t == "text" || t == "title") b.kind = Block::Kind::text;
            else if (t == "kv") b.kind = Block::Kind::kv;
            else if (t == "paragraph") b.kind = Block::Kind::paragraph;
            else if (t == "list") b.kind = Block::Kind::list;
            else if (t == "separator") b.kind = Block::Kind::separator;
            else if (t == "qr") b.kind = Block::Kind::qr;
            else if (t == "feed") b.kind = Block::Kind::feed;
            else return Error{"bad_document", "回执内容里有不认识的部分 " + t + "，请检查模板。"};
            b.text = bj.value("text", "");
            b.key = bj.value("key", "");
            if (bj.contains("items") && bj.at("items").is_array()) b.items = bj.at("items").get<std::vector<std::string>>();
            b.size = bj.value("size", 1);
            if (b.size < 1 || b.size > 2) b.size = 1;
            b.bold = bj.value("bold", false);
            const std::string a = bj.value("align", "left");
            b.align = a == "center" ? Align::center : a == "right" ? Align::right : Align::left;
            b.lines = bj.value("lines", 1);
            d.blocks.push_back(std::move(b));
        }
        return d;
    } catch (const std::exception&) {
        return Error{"bad_document", "回执内容格式有误，无法打印，请联系技术人员。"};
    }
}

}  // namespace yimen::printer
