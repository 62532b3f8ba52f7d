// batch_insert.hpp — many rows into one table through Store::execute, a few hundred rows per INSERT statement.
//
// On PostgreSQL every statement is a round trip to the server; a million single-row INSERTs spend most of their time
// waiting on the socket. A multi-row VALUES list is plain SQL both stores accept, so the bulk paths (migrate, the
// figure tables' full rebuild) stay on the one Store interface instead of growing a COPY path per backend.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "county/store.hpp"

namespace yimen::county {

class BatchInsert {
public:
    // `max_params` bounds one statement's placeholders (PostgreSQL allows 65535, SQLite 32766 by default); well
    // below either keeps each statement's text small.
    BatchInsert(Store& store, std::string table, std::vector<std::string> columns, std::size_t max_params = 900);

    // Queues a row (one value per column, in order), sending the batch when it is full.
    Status add(std::vector<SqlParam> row);
    // Sends what is queued. Call it before reading the table or committing.
    Status flush();

    std::int64_t rows_written() const { return written_; }

private:
    Store& store_;
    std::string table_, names_;
    std::size_t width_, batch_rows_;
    std::vector<SqlParam> params_;
    std::int64_t written_ = 0;
};

}  // namespace yimen::county
