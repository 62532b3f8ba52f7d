// pki_files.cpp — the PKI's careful file writes (see pki_files.hpp).
#include "county/pki_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace yimen::county::pki::files {

namespace fs = std::filesystem;

Error io_err(const std::string& path, int e) {
    return Error{"io_error", "无法写入或读取 " + path + "（" + std::strerror(e) + "）。请检查磁盘空间和目录权限后重试。"};
}

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return io_err(path, errno ? errno : ENOENT);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Status fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_err(dir, errno);
    int rc = ::fsync(fd);
    int e = errno;
    ::close(fd);
    if (rc != 0) return io_err(dir, e);
    return Ok{};
}

Status write_file(const std::string& path, const std::string& data, mode_t mode, Place place) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    ::unlink(tmp.c_str());  // a leftover from a crashed run
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) return io_err(tmp, errno);
    auto fail = [&](int e) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return io_err(path, e);
    };
    if (::fchmod(fd, mode) != 0) return fail(errno);
    std::size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(errno);
        }
        off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail(errno);
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return io_err(path, e);
    }
    if (place == Place::exclusive) {
        int rc = ::link(tmp.c_str(), path.c_str());
        int e = errno;
        ::unlink(tmp.c_str());
        if (rc != 0) return io_err(path, e);
    } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return io_err(path, e);
    }
    return fsync_dir(fs::path(path).parent_path().string());
}

Status make_private_dir(const std::string& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return Ok{};
    fs::path p(dir);
    if (p.has_parent_path() && !p.parent_path().empty()) {
        fs::create_directories(p.parent_path(), ec);
        if (ec) return io_err(p.parent_path().string(), ec.value());
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && (errno != EEXIST || !fs::is_directory(dir, ec)))
        return io_err(dir, errno == EEXIST ? ENOTDIR : errno);
    return Ok{};
}

}  // namespace yimen::county::pki::files
