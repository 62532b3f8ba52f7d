// pki_files.hpp — how the county's PKI touches the disk: every file written through a temporary with its final mode,
// fsynced and renamed (or linked) into place, and private directories 0700, so a crash never leaves a key readable by
// others or a half-written certificate behind. Internal to county/pki*.cpp.
#pragma once
#include <sys/types.h>

#include <string>

#include "base/result.hpp"

namespace yimen::county::pki::files {

// "io_error" with the path, the system's reason and what to do next.
Error io_err(const std::string& path, int e);
Result<std::string> read_file(const std::string& path);
Status fsync_dir(const std::string& dir);

enum class Place { replace, exclusive };
// Writes via a temporary created with its final mode (O_EXCL + fchmod, so umask cannot widen or narrow it), fsyncs,
// then renames into place. Place::exclusive uses link() instead of rename(): it fails with EEXIST atomically, which
// is how a second `pki init` racing the first is refused without ever overwriting a CA key.
Status write_file(const std::string& path, const std::string& data, mode_t mode, Place place = Place::replace);
// Creates `dir` (and its parents) with mode 0700 for the last component; an existing directory is left as it is.
Status make_private_dir(const std::string& dir);

}  // namespace yimen::county::pki::files
