// store_pg_schema.hpp — the PostgreSQL store's schema versions (store_pg_schema.cpp), applied in order by store_pg.cpp.
#pragma once
#include <cstddef>

namespace yimen::county {

extern const char* const kPgMigrations[];
extern const std::size_t kPgMigrationCount;

}  // namespace yimen::county
