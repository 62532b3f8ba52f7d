// store_migrations.hpp — the SQLite store's schema versions (store_migrations.cpp), applied in order by store.cpp.
#pragma once
#include <cstddef>

namespace yimen::county {

extern const char* const kMigrations[];
extern const std::size_t kMigrationCount;

}  // namespace yimen::county
