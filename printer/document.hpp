// document.hpp — a receipt as data: blocks of text, key–value rows, paragraphs, lists, separators, QR and feeds.
// The same JSON shape is what templates produce and what the print journal stores for a reprint.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace yimen::printer {

enum class Align { left, center, right };

struct Block {
    enum class Kind { text, kv, paragraph, list, separator, qr, feed };
    Kind kind = Kind::text;
    std::string text;                // text, paragraph, kv value, list title, qr payload
    std::string key;                 // kv key
    std::vector<std::string> items;  // list
    int size = 1;                    // 1 normal, 2 double width and height
    bool bold = false;
    Align align = Align::left;
    int lines = 1;                   // feed: lines of 24 dots
};

struct Document {
    std::string template_name;
    std::string title;
    std::vector<Block> blocks;
};

nlohmann::json to_json(const Document& d);
Result<Document> document_from_json(const nlohmann::json& j);

}  // namespace yimen::printer
