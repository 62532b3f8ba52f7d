// profile.cpp — printer profiles as data.
#include "printer/profile.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace yimen::printer {

int paper_dots(PaperWidth p) { return p == PaperWidth::mm58 ? 384 : 576; }
const char* to_string(PaperWidth p) { return p == PaperWidth::mm58 ? "58" : "80"; }
const char* to_string(Mode m) { return m == Mode::raster ? "raster" : "text"; }

Result<PaperWidth> parse_paper(const std::string& s) {
    if (s == "58" || s == "58mm") return PaperWidth::mm58;
    if (s == "80" || s == "80mm") return PaperWidth::mm80;
    return Error{"bad_paper", "纸宽只能是 58 或 80（毫米），请改正后再试。"};
}

Result<Mode> parse_mode(const std::string& s) {
    if (s == "raster") return Mode::raster;
    if (s == "text") return Mode::text;
    return Error{"bad_mode", "打印方式只能是 raster（图像）或 text（文字），请改正后再试。"};
}

std::string default_assets_dir() {
    if (const char* env = std::getenv("YIMEN_ASSETS"); env && *env) return env;
#ifdef YIMEN_SOURCE_ASSETS_DIR
    return YIMEN_SOURCE_ASSETS_DIR;
#else
    return "assets";
#endif
}

Result<PrinterProfile> load_profile(const std::string& assets_dir, const std::string& name) {
    const auto path = std::filesystem::path(assets_dir) / "printers" / (name + ".json");
    std::ifstream in(path);
    if (!in) return Error{"no_profile", "找不到打印机型号配置 " + name + "，请检查 assets/printers/ 目录。"};
    nlohmann::json j;
    try {
        in >> j;
        PrinterProfile p;
        p.name = j.value("name", name);
        p.model = j.value("model", p.model);
        auto paper = parse_paper(std::to_string(j.at("paper_mm").get<int>()));
        if (!paper) return paper.error();
        p.paper = *paper;
        if (j.contains("dots")) {
            // 384 / 576 at 203 dpi; narrower for other resolutions (80 mm at 180 dpi: 512). Whole bytes of raster.
            const int dots = j.at("dots").get<int>();
            if (dots % 8 != 0 || dots < 192 || dots > paper_dots(p.paper))
                return Error{"bad_profile", "打印机型号配置 " + name + " 的点数与纸宽不符（应为 8 的倍数，不超过 " +
                                                std::to_string(paper_dots(p.paper)) + "），请改正配置文件。"};
            p.dots_across = dots == paper_dots(p.paper) ? 0 : dots;
        }
        if (j.contains("columns") && j.at("columns").get<int>() != p.columns())
            return Error{"bad_profile", "打印机型号配置 " + name + " 的每行字数应为 " + std::to_string(p.columns()) +
                                            "（点数 ÷ 12），请改正配置文件。"};
        p.native_qr = j.value("native_qr", true);
        const std::string cov = j.value("font_coverage", "gbk");
        if (cov != "gbk" && cov != "gb2312" && cov != "none")
            return Error{"bad_profile", "打印机型号配置 " + name + " 的字库只能是 gbk、gb2312 或 none（无中文字库，只用图像）。"};
        p.coverage = cov == "gbk" ? Coverage::gbk : cov == "gb2312" ? Coverage::gb2312 : Coverage::none;
        p.status = j.value("status", true);
        p.auto_status_back = j.value("auto_status_back", false);
        p.cutter = j.value("cutter", true);
        auto mode = parse_mode(j.value("preferred_mode", "text"));
        if (!mode) return mode.error();
        p.preferred_mode = p.text_capable() ? *mode : Mode::raster;
        return p;
    } catch (const std::exception&) {
        return Error{"bad_profile", "打印机型号配置 " + name + " 格式有误，请改正配置文件。"};
    }
}

std::vector<std::string> list_profiles(const std::string& assets_dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(assets_dir) / "printers", ec))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace yimen::printer
