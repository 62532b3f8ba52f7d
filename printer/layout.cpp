// layout.cpp — Chinese line breaking on the cell grid, QR matrices, and drawing lines into bitmaps.
#include "printer/layout.hpp"

#include <algorithm>
#include <memory>

#include "printer/gb18030.hpp"

namespace yimen::printer {

namespace {

// Never at a line start (closing punctuation) / never at a line end (opening punctuation).
bool is_closing(char32_t c) {
    static const std::u32string s = U"，。、；：？！）》」』】〕〉”’…—%·,.;:?!)]}";
    return s.find(c) != std::u32string::npos;
}
bool is_opening(char32_t c) {
    static const std::u32string s = U"（《「『【〔〈“‘([{";
    return s.find(c) != std::u32string::npos;
}
bool is_word_char(char32_t c) { return c > 0x20 && c < 0x7F; }

struct Unit {
    std::vector<Cell> cells;
    bool space = false;
    int cols() const {
        int n = 0;
        for (const auto& c : cells) n += c.cols;
        return n;
    }
};

// Splits text into unbreakable units: Latin words and numbers whole, one CJK character each, closing punctuation
// glued to what precedes it and opening punctuation to what follows.
std::vector<Unit> make_units(const std::u32string& text) {
    std::vector<Unit> raw;
    for (std::size_t i = 0; i < text.size();) {
        const char32_t c = text[i];
        Unit u;
        if (c == U' ') {
            u.space = true;
            u.cells.push_back({U' ', 1});
            ++i;
        } else if (is_word_char(c)) {
            while (i < text.size() && is_word_char(text[i])) u.cells.push_back({text[i++], 1});
        } else {
            u.cells.push_back({c, cell_cols(c)});
            ++i;
        }
        raw.push_back(std::move(u));
    }
    std::vector<Unit> out;
    std::vector<Cell> pending_open;
    for (auto& u : raw) {
        if (!u.space && u.cells.size() == 1 && is_opening(u.cells[0].cp)) {
            pending_open.push_back(u.cells[0]);
            continue;
        }
        if (!pending_open.empty()) {
            if (u.space) {
                Unit p;
                p.cells = std::move(pending_open);
                pending_open.clear();
                out.push_back(std::move(p));
            } else {
                u.cells.insert(u.cells.begin(), pending_open.begin(), pending_open.end());
                pending_open.clear();
            }
        }
        const bool closing = !u.space && is_closing(u.cells.front().cp) &&
                             std::all_of(u.cells.begin(), u.cells.end(), [](const Cell& c) { return is_closing(c.cp); });
        if (closing && !out.empty() && !out.back().space) {
            out.back().cells.insert(out.back().cells.end(), u.cells.begin(), u.cells.end());
            continue;
        }
        out.push_back(std::move(u));
    }
    if (!pending_open.empty()) {
        Unit p;
        p.cells = std::move(pending_open);
        out.push_back(std::move(p));
    }
    return out;
}

void trim_trailing(std::vector<Cell>& v, std::size_t keep) {
    while (v.size() > keep && v.back().cp == U' ') v.pop_back();
}

// Greedy fill; continuation lines start with `hang` blank columns. `first` is placed before the text on line one.
std::vector<std::vector<Cell>> wrap(const std::u32string& text, int width, const std::vector<Cell>& first, int hang) {
    std::vector<std::vector<Cell>> lines;
    std::vector<Cell> cur = first;
    int cur_cols = 0;
    for (const auto& c : first) cur_cols += c.cols;
    std::size_t indent_cells = first.size();
    auto new_line = [&] {
        trim_trailing(cur, indent_cells);
        lines.push_back(std::move(cur));
        cur.assign(static_cast<std::size_t>(hang), Cell{U' ', 1});
        cur_cols = hang;
        indent_cells = cur.size();
    };
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t nl = text.find(U'\n', start);
        if (nl == std::u32string::npos) nl = text.size();
        for (auto& u : make_units(text.substr(start, nl - start))) {
            const int w = u.cols();
            if (u.space) {
                if (cur.size() > indent_cells && cur_cols + w <= width) {
                    cur.push_back(u.cells[0]);
                    cur_cols += w;
                }
                continue;
            }
            if (cur_cols + w > width && cur.size() > indent_cells) new_line();
            if (cur_cols + w <= width) {
                cur.insert(cur.end(), u.cells.begin(), u.cells.end());
                cur_cols += w;
                continue;
            }
            // Longer than a whole line: split it, as a printer would.
            for (const auto& c : u.cells) {
                if (cur_cols + c.cols > width && cur.size() > indent_cells) new_line();
                cur.push_back(c);
                cur_cols += c.cols;
            }
        }
        new_line();
        start = nl + 1;
        if (nl == text.size()) break;
    }
    return lines;
}

std::u32string prepared(const std::string& s) {
    std::u32string u = utf8::decode(s);
    for (auto& c : u) c = normalise_for_print(c);
    std::erase_if(u, [](char32_t c) { return c < 0x20 && c != U'\n'; });
    return u;
}

std::vector<Cell> cells_of(const std::u32string& s) {
    std::vector<Cell> v;
    for (char32_t c : s) v.push_back({c, cell_cols(c)});
    return v;
}

Line text_line(std::vector<Cell> cells, int mag, bool bold, Align align) {
    Line l;
    l.kind = Line::Kind::text;
    l.cells = std::move(cells);
    l.mag = mag;
    l.bold = bold;
    l.align = align;
    l.height = kCellH * mag + kLineGap;
    return l;
}

Line feed_line(int dots) {
    Line l;
    l.kind = Line::Kind::feed;
    l.height = dots;
    return l;
}

}  // namespace

int cell_cols(char32_t cp) { return cp < 0x80 ? 1 : 2; }
int qr_module_for(int dots) { return dots >= 512 ? 6 : 5; }

int Layout::total_height() const {
    int h = 0;
    for (const auto& l : lines) h += l.height;
    return h;
}

Layout layout_document(const Document& d, int dots) {
    Layout out;
    out.dots_across = dots;
    const int cols = out.columns();
    for (const auto& b : d.blocks) {
        const int mag = b.size;
        const int width = cols / mag;
        switch (b.kind) {
            case Block::Kind::text:
            case Block::Kind::paragraph:
                for (auto& l : wrap(prepared(b.text), width, {}, 0))
                    out.lines.push_back(text_line(std::move(l), mag, b.bold, b.kind == Block::Kind::text ? b.align : Align::left));
                break;
            case Block::Kind::kv: {
                auto prefix = cells_of(prepared(b.key + "："));
                int pcols = 0;
                for (const auto& c : prefix) pcols += c.cols;
                const int hang = pcols <= width / 2 ? pcols : 0;
                for (auto& l : wrap(prepared(b.text), width, prefix, hang))
                    out.lines.push_back(text_line(std::move(l), mag, b.bold, Align::left));
                break;
            }
            case Block::Kind::list: {
                if (!b.text.empty())
                    for (auto& l : wrap(prepared(b.text), width, {}, 0))
                        out.lines.push_back(text_line(std::move(l), mag, true, Align::left));
                for (const auto& item : b.items) {
                    auto prefix = cells_of(prepared(kBullet));
                    int pcols = 0;
                    for (const auto& c : prefix) pcols += c.cols;
                    for (auto& l : wrap(prepared(item), width, prefix, pcols))
                        out.lines.push_back(text_line(std::move(l), mag, b.bold, Align::left));
                }
                break;
            }
            case Block::Kind::separator:
                out.lines.push_back(text_line(std::vector<Cell>(static_cast<std::size_t>(cols), Cell{U'-', 1}), 1, false, Align::left));
                break;
            case Block::Kind::qr: {
                auto qr = make_qr(b.text);
                if (!qr) break;
                Line l;
                l.kind = Line::Kind::qr;
                l.qr = b.text;
                // Smaller modules for a long payload, so the symbol and its quiet zone fit across the paper.
                l.module = qr_module_for(dots);
                while (l.module > 2 && (qr->width + 2 * kQrQuietModules) * l.module > dots) --l.module;
                l.align = Align::center;
                l.height = qr->width * l.module;
                out.lines.push_back(feed_line(kQrQuietModules * l.module));
                out.lines.push_back(std::move(l));
                out.lines.push_back(feed_line(kQrQuietModules * l.module));
                break;
            }
            case Block::Kind::feed:
                out.lines.push_back(feed_line(std::clamp(b.lines, 0, 10) * kCellH));
                break;
        }
    }
    return out;
}

int text_width(const Line& l) {
    int cols = 0;
    for (const auto& c : l.cells) cols += c.cols;
    return cols * kHalfCellW * l.mag;
}

int align_offset(Align a, int line_width, int dots) {
    if (line_width >= dots) return 0;
    if (a == Align::center) return (dots - line_width) / 2;
    if (a == Align::right) return dots - line_width;
    return 0;
}

void draw_line(Bitmap& target, int y, const Line& l, Font& font) {
    if (l.kind == Line::Kind::text) {
        int x = align_offset(l.align, text_width(l), target.width);
        const int h = kCellH * l.mag;
        for (const auto& c : l.cells) {
            const int w = c.cols * kHalfCellW * l.mag;
            if (c.cp != U' ') {
                const Bitmap& g = font.cell(c.cp, w, h);
                target.blit(g, x, y);
                if (l.bold) target.blit(g, x + 1, y);  // double strike, as the printer's emphasis does
            }
            x += w;
        }
    } else if (l.kind == Line::Kind::qr) {
        auto qr = make_qr(l.qr);
        if (!qr) return;
        const int size = qr->width * l.module;
        const int x0 = align_offset(l.align, size, target.width);
        for (int my = 0; my < qr->width; ++my)
            for (int mx = 0; mx < qr->width; ++mx)
                if (qr->dark[static_cast<std::size_t>(my * qr->width + mx)])
                    for (int dy = 0; dy < l.module; ++dy)
                        for (int dx = 0; dx < l.module; ++dx) target.set(x0 + mx * l.module + dx, y + my * l.module + dy);
    }
}

Bitmap render_line(const Line& l, int dots, Font& font) {
    Bitmap b(dots, l.height);
    draw_line(b, 0, l, font);
    return b;
}

Bitmap render_layout(const Layout& layout, Font& font) {
    Bitmap b(layout.dots(), layout.total_height());
    int y = 0;
    for (const auto& l : layout.lines) {
        draw_line(b, y, l, font);
        y += l.height;
    }
    return b;
}

}  // namespace yimen::printer
