// engine.cpp — ESC/POS decoding for the virtual printer.
#include "printer/engine.hpp"

#include <algorithm>
#include <cstdio>

namespace yimen::printer {

namespace {
int u8(char c) { return static_cast<unsigned char>(c); }
}  // namespace

PrinterEngine::PrinterEngine(EngineOptions opt, std::shared_ptr<Font> font)
    : opt_(opt), font_(std::move(font)), page_(dots(), 0) {}

void PrinterEngine::reset_modes() {
    kanji_ = false;
    align_ = 0;
    wmag_ = hmag_ = 1;
    spacing_ = 30;
    bold_ = false;
    line_.clear();
}

bool PrinterEngine::near_end() const {
    return opt_.near_end_after_lines >= 0 && rows_fed_ >= opt_.near_end_after_lines * kCellH;
}

void PrinterEngine::refill(int paper_lines) {
    opt_.paper_out_after_lines = paper_lines;
    opt_.near_end_after_lines = -1;
    rows_fed_ = 0;
    paper_out_ = false;
}

void PrinterEngine::set_cover_open(bool open) { opt_.cover_open = open; }

std::vector<Bitmap> PrinterEngine::take_jobs() { return std::exchange(jobs_, {}); }

std::string PrinterEngine::asb_packet() const {
    const bool offline = stopped();
    std::string p(4, '\0');
    p[0] = static_cast<char>(0x10 | (opt_.cover_open ? 0x20 : 0) | (offline ? 0x08 : 0));
    p[1] = static_cast<char>(paper_out_ ? 0x20 : 0);
    p[2] = static_cast<char>((near_end() ? 0x03 : 0) | (paper_out_ ? 0x0C : 0));
    return p;
}

bool PrinterEngine::advance(int rows) {
    if (rows <= 0) return true;
    if (opt_.paper_out_after_lines >= 0 && rows_fed_ + rows > opt_.paper_out_after_lines * kCellH) {
        paper_out_ = true;
        finish_job();
        return false;
    }
    rows_fed_ += rows;
    return true;
}

void PrinterEngine::print_band(const Bitmap& band) {
    if (stopped() || !advance(band.height)) return;
    if (page_.height > 0 && page_.height + band.height > opt_.max_job_rows) finish_job();
    Bitmap b(page_.width, band.height);
    b.blit(band, 0, 0);
    page_.append(b);
    has_content_ = true;
}

void PrinterEngine::feed_blank(int rows) {
    if (!advance(rows)) return;
    page_.add_blank_rows(std::min(rows, std::max(0, opt_.max_job_rows - page_.height)));
    has_content_ = true;
}

void PrinterEngine::flush_line() {
    Line l;
    l.kind = Line::Kind::text;
    l.cells = std::move(line_);
    line_.clear();
    l.mag = std::max(wmag_, hmag_);
    l.bold = bold_;
    l.align = align_ == 1 ? Align::center : align_ == 2 ? Align::right : Align::left;
    l.height = std::max(spacing_, kCellH * hmag_);
    print_band(render_line(l, page_.width, *font_));
}

void PrinterEngine::finish_job() {
    line_.clear();
    if (!has_content_) return;
    jobs_.push_back(std::move(page_));
    if (on_job) on_job(jobs_.back());
    page_ = Bitmap(dots(), 0);
    has_content_ = false;
}

void PrinterEngine::error(const std::string& what) {
    if (errors_.size() < 100) errors_.push_back("第 " + std::to_string(offset_) + " 字节：" + what);
}

std::string PrinterEngine::hex_at(std::size_t n) const {
    std::string out;
    for (std::size_t i = 0; i < n && i < buf_.size(); ++i) {
        char b[4];
        std::snprintf(b, sizeof b, "%s%02X", i ? " " : "", u8(buf_[i]));
        out += b;
    }
    return out;
}

void PrinterEngine::end_of_stream() {
    buf_.clear();
    skipping_ = false;
    finish_job();
    reset_modes();
}

std::string PrinterEngine::feed(std::string_view bytes) {
    buf_.append(bytes);
    std::string replies;
    const std::string before = asb_packet();
    const int asb_before = asb_;
    while (!buf_.empty() && step(replies)) {
    }
    // Automatic status back: the printer speaks unasked when paper or cover change.
    if (asb_ && asb_before && asb_packet() != before) replies += asb_packet();
    return opt_.no_status ? std::string() : replies;
}

bool PrinterEngine::step(std::string& replies) {
    const std::size_t n = buf_.size();
    const int c = u8(buf_[0]);
    std::size_t used = 1;
    auto need = [&](std::size_t k) { return n >= k; };
    auto unknown = [&](std::size_t len) {
        error("不认识的命令 " + hex_at(len) + "，没有执行，其后的参数字节也没有当文字打印；请检查发送方。");
        skipping_ = true;
        return len;
    };
    const bool live = !stopped();
    if (skipping_) {
        // The parameters of an unknown command: dropped until a command (ESC, FS, GS, DLE) or LF starts something new.
        if (c != 0x1B && c != 0x1C && c != 0x1D && c != 0x10 && c != 0x0A) {
            buf_.erase(0, 1);
            ++offset_;
            return true;
        }
        skipping_ = false;
    }
    if (c == 0x10) {  // DLE
        if (!need(3)) return false;
        if (u8(buf_[1]) == 0x04 && u8(buf_[2]) >= 1 && u8(buf_[2]) <= 4) {
            const int q = u8(buf_[2]);
            int s = 0x12;
            if (q == 1) s |= stopped() ? 0x08 : 0;
            if (q == 2) s |= (opt_.cover_open ? 0x04 : 0) | (paper_out_ ? 0x20 : 0);
            if (q == 4) s |= (near_end() ? 0x0C : 0) | (paper_out_ ? 0x60 : 0);
            replies += static_cast<char>(s);
            used = 3;
        } else {
            used = unknown(2);
        }
    } else if (c == 0x1B) {  // ESC
        if (!need(2)) return false;
        const int k = u8(buf_[1]);
        if (k == '@') {
            // Initialise: modes back to power-on, automatic status back off until GS a enables it again.
            if (live) { finish_job(); reset_modes(); }
            asb_ = 0;
            used = 2;
        } else if (k == '2') {
            if (live) spacing_ = 30;
            used = 2;
        } else if (std::string_view("a3EJd!-GMRt {").find(static_cast<char>(k)) != std::string_view::npos) {
            if (!need(3)) return false;
            const int v = u8(buf_[2]);
            used = 3;
            if (k == 'a' && !(v <= 2 || (v >= 48 && v <= 50))) error("ESC a 的参数 " + std::to_string(v) + " 超出范围（0–2 或 48–50）。");
            if (live) {
                if (k == 'a') align_ = v % 48;
                else if (k == 'E') bold_ = v & 1;
                else if (k == '3') spacing_ = v;
                else if (k == 'J') feed_blank(v);
                else if (k == 'd') feed_blank(v * spacing_);
                // ESC ! - G M R t SP {: print modes this printer keeps as they are
            }
        } else {
            used = unknown(2);
        }
    } else if (c == 0x1C) {  // FS
        if (!need(2)) return false;
        const int k = u8(buf_[1]);
        if (k == '&' || k == '.') {
            if (live) kanji_ = k == '&';
            used = 2;
        } else if (k == '!' || k == '-' || k == 'S' || k == 'W') {
            if (!need(3)) return false;
            used = 3;  // Kanji print modes: kept as they are
        } else {
            used = unknown(2);
        }
    } else if (c == 0x1D) {  // GS
        if (!need(2)) return false;
        const int k = u8(buf_[1]);
        if (k == 'v') {
            if (!need(8)) return false;
            const int wb = u8(buf_[4]) | (u8(buf_[5]) << 8);
            const int rows = u8(buf_[6]) | (u8(buf_[7]) << 8);
            const std::size_t len = 8 + static_cast<std::size_t>(wb) * static_cast<std::size_t>(rows);
            if (u8(buf_[2]) != '0') {
                used = unknown(3);
            } else {
                if (!need(len)) return false;
                // The command's own limits (1–128 bytes across, 1–4095 rows); outside them the data is skipped.
                if (wb >= 1 && wb <= 128 && rows >= 1 && rows <= 4095) {
                    if (wb * 8 > page_.width)
                        error("GS v 0 图像宽 " + std::to_string(wb * 8) + " 点，超出纸宽 " + std::to_string(page_.width) + " 点。");
                    if (live) print_band(unpack_rows(std::string_view(buf_).substr(8, len - 8), wb, rows));
                } else {
                    error("GS v 0 的尺寸 " + std::to_string(wb) + " 字节 × " + std::to_string(rows) + " 行超出范围，图像未打印。");
                }
                used = len;
            }
        } else if (k == '(') {
            if (!need(5)) return false;
            const std::size_t plen = static_cast<std::size_t>(u8(buf_[3]) | (u8(buf_[4]) << 8));
            if (!need(5 + plen)) return false;
            if (u8(buf_[2]) == 'k' && plen >= 3 && u8(buf_[5]) == '1') {
                const int fn = u8(buf_[6]);
                if (live && fn == 67 && u8(buf_[7]) >= 1 && u8(buf_[7]) <= 16) qr_module_ = u8(buf_[7]);  // n = 1–16
                if (live && fn == 80) qr_data_ = buf_.substr(8, plen - 3);
                if (live && fn == 81 && !qr_data_.empty()) {
                    Line l;
                    l.kind = Line::Kind::qr;
                    l.qr = qr_data_;
                    l.module = qr_module_;
                    l.align = align_ == 1 ? Align::center : align_ == 2 ? Align::right : Align::left;
                    if (auto m = make_qr(qr_data_)) {
                        l.height = m->width * qr_module_;
                        print_band(render_line(l, page_.width, *font_));
                    }
                }
                if (fn != 65 && fn != 67 && fn != 69 && fn != 80 && fn != 81 && fn != 82)
                    error("GS ( k 二维码功能 " + std::to_string(fn) + " 不认识。");
            } else if (u8(buf_[2]) == 'k') {
                error("GS ( k 的长度或符号类型不对（" + hex_at(8) + "）。");
            }
            // Other GS ( functions carry their own length: skipped whole.
            used = 5 + plen;
        } else if (k == 'V') {
            if (!need(3)) return false;
            const int m = u8(buf_[2]);
            if (m == 65 || m == 66) {
                if (!need(4)) return false;
                used = 4;
                // Feed until the last printed line has passed the blade, plus n; the cut itself is not drawn.
                if (live && u8(buf_[3]) > 0) feed_blank(u8(buf_[3]));
            } else if (m == 0 || m == 1 || m == 48 || m == 49) {
                used = 3;
                // Cut at once: whatever lies between the head and the blade is cut through.
                bool ink = false;
                for (int y = std::max(0, page_.height - opt_.cutter_rows); y < page_.height && !ink; ++y)
                    for (int x = 0; x < page_.width && !ink; ++x) ink = page_.ink(x, y);
                if (ink)
                    error("GS V " + std::to_string(m) + " 没有走纸就切纸，切断了最后 " + std::to_string(opt_.cutter_rows) +
                          " 点行内打印的内容；请用 GS V 66 n（走纸后切纸）。");
            } else {
                used = unknown(3);
            }
        } else if (std::string_view("!arBHhwfLWP").find(static_cast<char>(k)) != std::string_view::npos) {
            const bool two = k == 'L' || k == 'W' || k == 'P';  // GS L / GS W / GS P take two parameter bytes
            if (!need(two ? 4 : 3)) return false;
            const int v = u8(buf_[2]);
            used = two ? 4 : 3;
            if (k == '!' && live) {
                wmag_ = ((v >> 4) & 7) + 1;
                hmag_ = (v & 7) + 1;
            } else if (k == 'a') {
                asb_ = v;
                if (asb_) replies += asb_packet();
            } else if (k == 'r') {
                if (v != 1 && v != 2 && v != 49 && v != 50) error("GS r 的参数 " + std::to_string(v) + " 超出范围。");
                // Processed in order: everything before it has printed, so this is the job's acknowledgement.
                if (live) {
                    replies += static_cast<char>((near_end() ? 0x03 : 0) | (paper_out_ ? 0x0C : 0));
                    finish_job();
                }
            }
        } else {
            used = unknown(2);
        }
    } else if (c == 0x0A) {
        if (live) flush_line();
    } else if (c == 0x0D || c == 0x09 || c == 0x00) {
        // CR, HT, NUL: nothing to print
    } else if (c < 0x20) {
        used = unknown(1);
    } else {
        char32_t cp = static_cast<char32_t>(c);
        if (c >= 0x80) {
            if (kanji_ && c >= 0x81 && c <= 0xFE) {
                if (!need(2)) return false;
                const int b2 = u8(buf_[1]);
                used = (b2 >= 0x30 && b2 <= 0x39) ? 4 : 2;
                if (!need(used)) return false;
                cp = gb_.decode(std::string_view(buf_).substr(0, used));
            } else {
                cp = U'?';
            }
        }
        if (live) line_.push_back({cp, cell_cols(cp)});
    }
    buf_.erase(0, used);
    offset_ += used;
    return true;
}

}  // namespace yimen::printer
