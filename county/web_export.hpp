// web_export.hpp — every back-office table leaves as CSV or XLSX that Excel opens with its Chinese intact: CSV in UTF-8
// with a byte-order mark, CRLF and RFC 4180 quoting, cells that a spreadsheet would run as a formula defused with a
// leading apostrophe; XLSX written by libxlsxwriter (every cell a string, so a 17-digit 办件编号 stays exact).
#pragma once
#include <string>
#include <vector>

#include "base/result.hpp"

namespace yimen::county::web {

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

// "=1+1" → "'=1+1": a cell starting with = + - @ (or a tab or carriage return) is not a formula in Excel or WPS.
std::string defuse_formula(const std::string& cell);

// UTF-8 BOM, header row, then every row; fields quoted when they hold a comma, quote, CR or LF; lines end in CRLF.
std::string table_csv(const Table& t);

// One worksheet named `sheet` (at most 31 characters, none of []:*?/\) with a bold header row; the bytes of the
// .xlsx file. Errors: export_failed (the temporary file could not be written).
Result<std::string> table_xlsx(const Table& t, const std::string& sheet);

// Content-Disposition for a download named `name` (UTF-8, e.g. "办件-2026-03-01.csv"): an ASCII fallback and the
// RFC 5987 filename*=UTF-8''… form that browsers use for the Chinese name.
std::string attachment_disposition(const std::string& name, const std::string& ascii_fallback);

}  // namespace yimen::county::web
