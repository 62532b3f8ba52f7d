// batch_insert.cpp — see batch_insert.hpp.
#include "county/batch_insert.hpp"

#include <algorithm>

namespace yimen::county {

BatchInsert::BatchInsert(Store& store, std::string table, std::vector<std::string> columns, std::size_t max_params)
    : store_(store), table_(std::move(table)), width_(std::max<std::size_t>(1, columns.size())),
      batch_rows_(std::max<std::size_t>(1, max_params / std::max<std::size_t>(1, columns.size()))) {
    for (auto& c : columns) names_ += (names_.empty() ? "" : ", ") + c;
    params_.reserve(batch_rows_ * width_);
}

Status BatchInsert::add(std::vector<SqlParam> row) {
    if (row.size() != width_)
        return Error{"batch_width", "internal: " + std::to_string(row.size()) + " values for " + std::to_string(width_) +
                                        " columns of " + table_};
    for (auto& v : row) params_.push_back(std::move(v));
    if (params_.size() >= batch_rows_ * width_) return flush();
    return Ok{};
}

Status BatchInsert::flush() {
    if (params_.empty()) return Ok{};
    const std::size_t rows = params_.size() / width_;
    std::string sql = "INSERT INTO " + table_ + "(" + names_ + ") VALUES";
    sql.reserve(sql.size() + rows * width_ * 6);
    for (std::size_t row = 0, p = 1; row < rows; ++row) {
        sql += row ? ", (" : " (";
        for (std::size_t c = 0; c < width_; ++c, ++p) sql += (c ? ", ?" : "?") + std::to_string(p);
        sql += ")";
    }
    auto r = store_.execute(sql, params_);
    params_.clear();
    if (!r) return r.error();
    written_ += static_cast<std::int64_t>(rows);
    return Ok{};
}

}  // namespace yimen::county
