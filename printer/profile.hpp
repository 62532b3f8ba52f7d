// profile.hpp — what a printer model can do (paper, dots, native QR, font coverage, status), read from
// assets/printers/<name>.json, plus where assets and the CJK font are found.
#pragma once
#include <string>
#include <vector>

#include "base/result.hpp"
#include "printer/gb18030.hpp"

namespace yimen::printer {

enum class PaperWidth { mm58, mm80 };
enum class Mode { raster, text };

int paper_dots(PaperWidth p);  // 384 or 576 at 203 dpi
inline int paper_columns(PaperWidth p) { return paper_dots(p) / 12; }  // Font A half-width columns: 32 or 48
const char* to_string(PaperWidth p);
const char* to_string(Mode m);
Result<PaperWidth> parse_paper(const std::string& s);  // "58" / "80"
Result<Mode> parse_mode(const std::string& s);         // "raster" / "text"

struct PrinterProfile {
    std::string name = "generic-80";
    std::string model = "通用 80 毫米热敏打印机";
    PaperWidth paper = PaperWidth::mm80;
    bool native_qr = true;
    Coverage coverage = Coverage::gbk;
    bool status = true;           // answers DLE EOT and GS r; without it no job can be confirmed (timed_out)
    bool auto_status_back = false; // GS a: the printer reports status changes unasked
    bool cutter = true;
    Mode preferred_mode = Mode::text;

    int dots() const { return paper_dots(paper); }
};

// YIMEN_ASSETS, else the source tree's assets/ recorded at build time.
std::string default_assets_dir();
Result<PrinterProfile> load_profile(const std::string& assets_dir, const std::string& name);
std::vector<std::string> list_profiles(const std::string& assets_dir);

struct FontConfig {
    std::string path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    int face_index = 2;  // Noto Sans CJK SC in the collection
};

}  // namespace yimen::printer
