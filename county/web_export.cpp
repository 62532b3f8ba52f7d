// web_export.cpp — CSV by hand (a few rules, all of them tested) and XLSX through libxlsxwriter, which writes only to
// a file: a private temporary file is written, read back and removed.
#include "county/web_export.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace yimen::county::web {

std::string defuse_formula(const std::string& cell) {
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' ||
                          cell[0] == '\r'))
        return "'" + cell;
    return cell;
}

namespace {

void csv_field(std::string& out, const std::string& raw) {
    const std::string cell = defuse_formula(raw);
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
        out += cell;
        return;
    }
    out += '"';
    for (char c : cell) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

void csv_line(std::string& out, const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        csv_field(out, cells[i]);
    }
    out += "\r\n";
}

// Display width of a cell for the column widths: a CJK character is about two Latin ones.
double cell_width(const std::string& s) {
    double w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        w += n >= 3 ? 2.1 : 1.1;
        i += n;
    }
    return w;
}

}  // namespace

std::string table_csv(const Table& t) {
    std::string out = "\xEF\xBB\xBF";
    csv_line(out, t.header);
    for (auto& r : t.rows) csv_line(out, r);
    return out;
}

Result<std::string> table_xlsx(const Table& t, const std::string& sheet) {
    const Error failed{"export_failed", "无法生成 Excel 文件（临时目录不可写）。请稍后再试，或改用 CSV 导出。"};
    const char* tmp_env = std::getenv("TMPDIR");
    std::string dir = tmp_env && *tmp_env ? tmp_env : "/tmp";
    std::string path = dir + "/yimen-export-XXXXXX";
    const int fd = mkstemp(path.data());
    if (fd < 0) return failed;
    close(fd);
    struct Remove {
        const std::string& p;
        ~Remove() { std::remove(p.c_str()); }
    } remove_after{path};

    // Constant-memory mode streams rows to disk and writes strings inline in the sheet (no shared-string table).
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = dir.data();
    lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
    if (!wb) return failed;
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.c_str());
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    if (!ws) {
        workbook_close(wb);
        return failed;
    }
    // Column widths before any row (constant-memory mode writes rows as they come).
    for (std::size_t c = 0; c < t.header.size(); ++c) {
        double w = cell_width(t.header[c]);
        for (std::size_t r = 0; r < t.rows.size() && r < 200; ++r)
            if (c < t.rows[r].size()) w = std::max(w, cell_width(t.rows[r][c]));
        worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), std::min(w + 2, 60.0), nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (std::size_t c = 0; c < t.header.size(); ++c)
        worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.header[c].c_str(), bold);
    for (std::size_t r = 0; r < t.rows.size(); ++r)
        for (std::size_t c = 0; c < t.rows[r].size(); ++c)
            if (!t.rows[r][c].empty())
                worksheet_write_string(ws, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c), t.rows[r][c].c_str(),
                                       nullptr);
    if (workbook_close(wb) != LXW_NO_ERROR) return failed;
    std::ifstream in(path, std::ios::binary);
    if (!in) return failed;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::string attachment_disposition(const std::string& name, const std::string& ascii_fallback) {
    static const char* hex = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : name) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '.' || c == '_' || c == '~';
        if (plain) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    std::string fallback;
    for (char c : ascii_fallback)
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F)
            fallback += c;
    return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace yimen::county::web
