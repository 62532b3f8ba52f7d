// engine.hpp — the virtual printer's core: decodes an ESC/POS stream (raster bands, GB18030 text mode in the same
// Font A cell grid, native QR, feeds, cut) into the picture of the paper, answers status like a real printer and
// simulates paper running out. A command it does not know is reported in take_errors() and the bytes after it are
// dropped up to the next command or LF (a real printer would print them as text). Transport-free: the TCP server, the pty tests and the dir: transport all feed it.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "printer/bitmap.hpp"
#include "printer/font.hpp"
#include "printer/gb18030.hpp"
#include "printer/layout.hpp"
#include "printer/profile.hpp"

namespace yimen::printer {

struct EngineOptions {
    PaperWidth paper = PaperWidth::mm80;
    int paper_out_after_lines = -1;  // a line = 24 dot rows fed; -1 = endless roll
    int near_end_after_lines = -1;
    bool cover_open = false;
    bool no_status = false;          // never answers anything (a printer without a back channel, or a dead one)
    // A job's picture stops growing here (8 m of paper): further blank feed moves the paper but is not drawn, and
    // printing that would pass it starts a new job. A few bytes of ESC d must not cost gigabytes of blank rows.
    int max_job_rows = 64'000;
    int dots = 0;                    // printable dots across; 0 = the paper's at 203 dpi (384 / 576); 512 at 180 dpi
    int cutter_rows = 96;            // paper between print head and blade (12 mm): a cut without feed goes through it
};

class PrinterEngine {
public:
    PrinterEngine(EngineOptions opt, std::shared_ptr<Font> font);

    // Bytes from the host in; bytes the printer sends back out (status answers). Incomplete commands wait.
    std::string feed(std::string_view bytes);
    // The host went away: a job with anything on paper ends here.
    void end_of_stream();

    // A job ends at `GS r` (answered), at the next `ESC @`, when paper runs out, or at end of stream.
    std::function<void(const Bitmap&)> on_job;
    std::vector<Bitmap> take_jobs();

    // A new roll (endless unless `paper_lines` >= 0): the row count starts again and the paper end clears.
    void refill(int paper_lines = -1);
    void set_cover_open(bool open);
    bool paper_out() const { return paper_out_; }
    bool near_end() const;
    int rows_fed() const { return rows_fed_; }
    bool asb_enabled() const { return asb_ != 0; }
    int dots() const { return opt_.dots > 0 ? opt_.dots : paper_dots(opt_.paper); }
    // What the stream got wrong so far (unknown commands, parameters out of range, a cut through printed lines),
    // each in plain words with the byte offset; taking them clears the list.
    std::vector<std::string> take_errors() { return std::exchange(errors_, {}); }

private:
    bool stopped() const { return paper_out_ || opt_.cover_open; }
    // Parses one command at the front of buf_; false when it is incomplete.
    bool step(std::string& replies);
    bool advance(int rows);  // paper movement; false when the paper ran out first
    void feed_blank(int rows);
    void print_band(const Bitmap& band);
    void flush_line();
    void finish_job();
    std::string asb_packet() const;
    void reset_modes();
    void error(const std::string& what);
    std::string hex_at(std::size_t n) const;  // the first n bytes of the buffer as hex

    EngineOptions opt_;
    std::shared_ptr<Font> font_;
    Gb18030 gb_;
    std::string buf_;
    Bitmap page_;
    bool has_content_ = false;
    std::vector<Bitmap> jobs_;
    int rows_fed_ = 0;
    bool paper_out_ = false;
    int asb_ = 0;
    // modes
    bool kanji_ = false;
    int align_ = 0, wmag_ = 1, hmag_ = 1, spacing_ = 30;
    bool bold_ = false;
    std::vector<Cell> line_;
    std::string qr_data_;
    int qr_module_ = 3;
    std::vector<std::string> errors_;
    std::size_t offset_ = 0;      // bytes consumed since the start (for error messages)
    bool skipping_ = false;       // after an unknown command: its parameter bytes, up to the next command or LF
};

}  // namespace yimen::printer
