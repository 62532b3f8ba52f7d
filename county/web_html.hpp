// web_html.hpp — the back office's HTML builder: every text and attribute value is escaped on the way in, tags are
// closed in the order they were opened, and the attributes the Content-Security-Policy forbids (inline style, on…
// event handlers) cannot be written. There is no "raw" door: pages are built only from these calls. Internal to county/.
#pragma once
#include <cassert>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yimen::county::web {

// Text for HTML content and quoted attribute values: & < > " ' become entities.
inline std::string escape_html(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// Tag and attribute names are literals in the code; values come from anywhere and are escaped.
using Attrs = std::initializer_list<std::pair<const char*, std::string_view>>;

class Html {
public:
    // <tag attrs…>; closed by close().
    Html& open(const char* tag, Attrs attrs = {}) {
        start_tag(tag, attrs);
        open_.push_back(tag);
        return *this;
    }
    // Closes the most recently opened tag.
    Html& close() {
        assert(!open_.empty() && "Html::close() without an open tag");
        out_ += "</";
        out_ += open_.back();
        out_ += '>';
        open_.pop_back();
        return *this;
    }
    // <tag attrs…>text</tag>
    Html& el(const char* tag, std::string_view text, Attrs attrs = {}) {
        start_tag(tag, attrs);
        out_ += escape_html(text);
        out_ += "</";
        out_ += tag;
        out_ += '>';
        return *this;
    }
    // A void element (input, meta, link, br): no content, no closing tag.
    Html& leaf(const char* tag, Attrs attrs = {}) {
        start_tag(tag, attrs);
        return *this;
    }
    Html& text(std::string_view s) {
        out_ += escape_html(s);
        return *this;
    }
    // Another builder's finished output (itself escaped when it was built).
    Html& append(const Html& other) {
        assert(other.open_.empty() && "Html::append() of an unfinished fragment");
        out_ += other.out_;
        return *this;
    }
    const std::string& str() const {
        assert(open_.empty() && "Html::str() with unclosed tags");
        return out_;
    }

private:
    void start_tag(const char* tag, Attrs attrs) {
        out_ += '<';
        out_ += tag;
        for (auto& [name, value] : attrs) {
            const std::string_view n(name);
            // The CSP allows no inline style or script: such attributes would be dead (and a smell) — never write them.
            if (n == "style" || n.substr(0, 2) == "on") {
                assert(false && "inline style and event-handler attributes are forbidden by the CSP");
                continue;
            }
            out_ += ' ';
            out_ += name;
            out_ += "=\"";
            out_ += escape_html(value);
            out_ += '"';
        }
        out_ += '>';
    }

    std::string out_;
    std::vector<const char*> open_;
};

}  // namespace yimen::county::web
