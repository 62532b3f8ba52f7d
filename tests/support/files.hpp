// files.hpp — whole-file reads and writes for tests: fixtures written into scratch folders, outputs read back.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace yimen::test {

// The file's bytes; "" when it cannot be read (the assertion on the content then says so).
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Writes the bytes, making the folders on the way.
inline void spit(const std::filesystem::path& p, const std::string& data) {
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
}

}  // namespace yimen::test
