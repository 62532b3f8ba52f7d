// temp_dir.hpp — a fresh scratch directory under the system's temporary folder, removed with everything in it when
// the test is done. One per test, so tests never share files.
#pragma once
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace yimen::test {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix = "yimen-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create a scratch directory " + tmpl);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string str() const { return path.string(); }
    std::string file(const char* name) const { return (path / name).string(); }
};

}  // namespace yimen::test
