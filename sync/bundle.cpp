// bundle.cpp — building, signing, verifying and installing policy bundles. The kiosk trusts nothing in a bundle
// until the Ed25519 signature over the manifest checks out, and it parses the manifest only after that; every file
// is then held to the manifest's size and hash, and every path is checked before it touches the disk.
#include "sync/bundle.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/openssl_ptr.hpp"

#include "base/canonical_json.hpp"

namespace yimen::sync::bundle {
namespace {

namespace fs = std::filesystem;

using ossl::Deleter;
using ossl::PKey;
using ossl::Bio;
using ossl::MdCtx;

constexpr std::size_t kSignatureSize = 64;
constexpr std::size_t kMaxPath = 1024;
constexpr std::size_t kMaxPart = 255;

Error err(std::string code, std::string message) { return Error{std::move(code), std::move(message)}; }

Error io_err(const std::string& path, int e) {
    return err("io_error", "无法读写 " + path + "（" + std::strerror(e) + "）。请检查磁盘空间和目录权限；一体机仍在使用原来的政策。");
}

Error bad_manifest(const std::string& why) {
    return err("bad_manifest", "政策包的清单有误（" + why + "），没有安装。请联系县里重新发布政策包。");
}

Error unsafe_path(const std::string& path) {
    return err("unsafe_path", "政策包里的文件名“" + path + "”不安全（不能含 ..、以点开头的部分、绝对路径或特殊文件），"
                              "没有安装。请改名后重新发布。");
}

// Relative, '/'-separated, every part non-empty and not starting with '.': that one rule excludes ".", "..",
// dotfiles (so nothing can collide with .staging-* or the lock) and empty parts (leading, trailing or double '/').
bool safe_path(const std::string& p) {
    if (p.empty() || p.size() > kMaxPath) return false;
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = p.find('/', start);
        const std::size_t end = slash == std::string::npos ? p.size() : slash;
        const std::string_view part(p.data() + start, end - start);
        if (part.empty() || part.size() > kMaxPart || part.front() == '.') return false;
        for (unsigned char c : part)
            if (c < 0x20 || c == 0x7f || c == '\\') return false;
        if (slash == std::string::npos) return true;
        start = slash + 1;
    }
}

// The version becomes a folder name and is compared numerically, so only digits and single dots.
bool valid_version(const std::string& v) {
    if (v.empty() || v.size() > 64 || v.front() == '.' || v.back() == '.') return false;
    std::size_t run = 0;
    for (char c : v) {
        if (c == '.') {
            if (run == 0) return false;
            run = 0;
        } else if (c >= '0' && c <= '9') {
            ++run;
        } else {
            return false;
        }
    }
    return true;
}

// YYYY-MM-DDTHH:MM:SS[.fff…]Z — the contract's time format (DESIGN.md, "Events and hashes").
bool valid_created(const std::string& s) {
    static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
    if (s.size() < shape.size() + 1 || s.back() != 'Z') return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool digit = s[i] >= '0' && s[i] <= '9';
        if (shape[i] == 'd' ? !digit : s[i] != shape[i]) return false;
    }
    const std::size_t rest = s.size() - 1 - shape.size();
    if (rest == 0) return true;
    if (s[shape.size()] != '.' || rest < 2) return false;
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(shape.size()) + 1, s.end() - 1,
                       [](char c) { return c >= '0' && c <= '9'; });
}

bool is_lower_hex64(const std::string& s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const std::string& in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8 |
                           static_cast<unsigned char>(in[i + 2]);
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
    }
    if (const std::size_t left = in.size() - i; left == 1) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], '=', '='};
    } else if (left == 2) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8;
        out += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
    }
    return out;
}

// Strict: padded, no whitespace. Bundles travel inside JSON, where nothing should have wrapped them.
bool base64_decode(const std::string& in, std::string& out) {
    if (in.size() % 4 != 0) return false;
    out.clear();
    out.reserve(in.size() / 4 * 3);
    const auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); i += 4) {
        const bool last = i + 4 == in.size();
        const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=') : 0;
        if (pad == 1 && in[i + 2] == '=') return false;
        unsigned v = 0;
        for (int k = 0; k < 4 - pad; ++k) {
            const int d = value(in[i + static_cast<std::size_t>(k)]);
            if (d < 0) return false;
            v = v << 6 | static_cast<unsigned>(d);
        }
        v <<= 6 * pad;
        out.push_back(static_cast<char>(v >> 16));
        if (pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xff));
        if (pad < 1) out.push_back(static_cast<char>(v & 0xff));
    }
    return true;
}

Result<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return io_err(path.string(), errno ? errno : ENOENT);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return io_err(path.string(), EIO);
    return ss.str();
}

Status fsync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return io_err(path, errno);
    const int rc = ::fsync(fd);
    const int e = errno;
    ::close(fd);
    if (rc != 0) return io_err(path, e);
    return Ok{};
}

Status fsync_dir(const std::string& dir) { return fsync_path(dir, O_RDONLY | O_DIRECTORY); }

Status write_new_file(const std::string& path, const std::string& data) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return io_err(path, errno);
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            ::close(fd);
            return io_err(path, e);
        }
        off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int e = errno;
        ::close(fd);
        return io_err(path, e);
    }
    if (::close(fd) != 0) return io_err(path, errno);
    return Ok{};
}

PKey read_public_key(const std::string& pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return nullptr;
    PKey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    return key;
}

Error simulated(const std::string& step) { return io_err(step, EIO); }

}  // namespace

Result<Manifest> parse_manifest(const std::string& bytes) {
    const auto j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad_manifest("不是 JSON 对象");
    // Canonical bytes only: one meaning per signature (no duplicate keys, no floats, no alternative spellings).
    const auto canonical = canonical_json(j);
    if (!canonical || *canonical != bytes) return bad_manifest("不是规范 JSON");
    const auto version = j.find("version");
    const auto created = j.find("created");
    const auto files = j.find("files");
    if (version == j.end() || !version->is_string() || !valid_version(version->get<std::string>()))
        return bad_manifest("版本号缺失或格式不对");
    if (created == j.end() || !created->is_string() || !valid_created(created->get<std::string>()))
        return bad_manifest("创建时间缺失或格式不对");
    if (files == j.end() || !files->is_array()) return bad_manifest("缺少文件列表");

    Manifest m;
    m.version = version->get<std::string>();
    m.created = created->get<std::string>();
    std::set<std::string> folders;
    for (const auto& f : *files) {
        if (!f.is_object()) return bad_manifest("文件条目不是对象");
        const auto path = f.find("path");
        const auto sha = f.find("sha256");
        const auto size = f.find("size");
        if (path == f.end() || !path->is_string()) return bad_manifest("文件条目缺少路径");
        FileEntry e;
        e.path = path->get<std::string>();
        if (!safe_path(e.path)) return unsafe_path(e.path);
        if (sha == f.end() || !sha->is_string() || !is_lower_hex64(sha->get<std::string>()))
            return bad_manifest(e.path + " 的 SHA-256 格式不对");
        if (size == f.end() || !size->is_number_integer() || size->get<std::int64_t>() < 0)
            return bad_manifest(e.path + " 的大小格式不对");
        e.sha256 = sha->get<std::string>();
        e.size = size->get<std::int64_t>();
        if (!m.files.empty() && !(m.files.back().path < e.path)) return bad_manifest("文件列表未按路径排序或有重复");
        for (std::size_t slash = e.path.find('/'); slash != std::string::npos; slash = e.path.find('/', slash + 1))
            folders.insert(e.path.substr(0, slash));
        m.files.push_back(std::move(e));
    }
    // "a" as a file and "a/b" under it cannot both be written; refuse before anything touches the disk.
    for (const auto& e : m.files)
        if (folders.count(e.path)) return unsafe_path(e.path);
    return m;
}

Result<Bundle> build(const std::string& from_dir, const std::string& version, const std::string& created_rfc3339,
                     const std::string& key_path, const std::map<std::string, std::string>& extra) {
    if (!valid_version(version)) return bad_manifest("版本号“" + version + "”只能由数字和点组成，例如 2026.11.27.1");
    if (!valid_created(created_rfc3339)) return bad_manifest("创建时间须为 UTC 的 RFC 3339 格式");
    const fs::path root(from_dir);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return io_err(from_dir, ec ? ec.value() : ENOTDIR);

    Bundle b;
    fs::recursive_directory_iterator it(root, ec), end;
    if (ec) return io_err(from_dir, ec.value());
    for (; it != end; it.increment(ec)) {
        if (ec) return io_err(from_dir, ec.value());
        const fs::path& p = it->path();
        if (p.filename().string().front() == '.') {
            if (it->is_directory(ec) && !it->is_symlink(ec)) it.disable_recursion_pending();
            continue;
        }
        const auto status = it->symlink_status(ec);
        if (ec) return io_err(p.string(), ec.value());
        if (fs::is_directory(status)) continue;
        const std::string rel = p.lexically_relative(root).generic_string();
        // A symlink could pull in a file from outside the tree; silently dropping it would publish an incomplete
        // bundle. Either way the operator has to decide, so refuse.
        if (!fs::is_regular_file(status) || !safe_path(rel)) return unsafe_path(rel);
        auto data = read_file(p);
        if (!data) return data.error();
        b.files.emplace(rel, std::move(data).value());
    }
    for (const auto& [rel, data] : extra) {
        if (!safe_path(rel)) return unsafe_path(rel);
        b.files[rel] = data;
    }

    nlohmann::json files = nlohmann::json::array();
    for (const auto& [path, data] : b.files)  // std::map orders by bytes, as the manifest requires
        files.push_back({{"path", path}, {"sha256", sha256_hex(data)}, {"size", static_cast<std::int64_t>(data.size())}});
    const nlohmann::json manifest = {{"created", created_rfc3339}, {"files", files}, {"version", version}};
    auto bytes = canonical_json(manifest);
    if (!bytes) return err("unsafe_path", "有文件名不是有效的 UTF-8 编码，无法打包。请把该目录里的文件改用 UTF-8 文件名。");
    b.manifest_bytes = std::move(bytes).value();

    Bio bio(BIO_new_file(key_path.c_str(), "r"));
    PKey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!key || EVP_PKEY_is_a(key.get(), "ED25519") != 1)
        return err("bad_key", "读不出政策包签名私钥 " + key_path + "（须为 Ed25519 私钥 PEM）。请检查 --pki 目录里的 "
                              "bundle-signing.key。");
    MdCtx ctx(EVP_MD_CTX_new());
    unsigned char sig[kSignatureSize];
    std::size_t sig_len = sizeof sig;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(b.manifest_bytes.data()),
                       b.manifest_bytes.size()) != 1) {
        ERR_clear_error();
        return err("bad_key", "用 " + key_path + " 签名政策包失败。请确认该文件是完好的 Ed25519 私钥。");
    }
    b.signature.assign(reinterpret_cast<const char*>(sig), sig_len);
    return b;
}

nlohmann::json to_json(const Bundle& b) {
    nlohmann::json files = nlohmann::json::object();
    for (const auto& [path, data] : b.files) files[path] = base64_encode(data);
    return {{"manifest", b.manifest_bytes}, {"signature", base64_encode(b.signature)}, {"files", std::move(files)}};
}

Result<Bundle> from_json(const nlohmann::json& j) {
    if (!j.is_object()) return bad_manifest("政策包不是 JSON 对象");
    const auto manifest = j.find("manifest");
    const auto signature = j.find("signature");
    const auto files = j.find("files");
    if (manifest == j.end() || !manifest->is_string()) return bad_manifest("缺少清单");
    if (signature == j.end() || !signature->is_string()) return bad_manifest("缺少签名");
    if (files == j.end() || !files->is_object()) return bad_manifest("缺少文件");
    Bundle b;
    b.manifest_bytes = manifest->get<std::string>();
    if (!base64_decode(signature->get<std::string>(), b.signature)) return bad_manifest("签名不是 base64");
    for (const auto& [path, data] : files->items()) {
        if (!data.is_string()) return bad_manifest(path + " 的内容不是字符串");
        std::string bytes;
        if (!base64_decode(data.get<std::string>(), bytes)) return bad_manifest(path + " 的内容不是 base64");
        b.files.emplace(path, std::move(bytes));
    }
    return b;
}

Status verify(const Bundle& b, const std::string& public_key_pem) {
    PKey key = read_public_key(public_key_pem);
    if (!key || EVP_PKEY_is_a(key.get(), "ED25519") != 1)
        return err("bad_key", "一体机上的政策包公钥（bundle-signing.pub）无效，无法核验政策包。请联系县里重新下发该公钥。");
    const auto refuse = [] {
        ERR_clear_error();
        return err("bad_signature", "政策包的签名不对，可能被改动过或不是本县发布的，没有安装；一体机继续使用原来的政策。"
                                    "请联系县里重新发布。");
    };
    if (b.signature.size() != kSignatureSize) return refuse();
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(b.signature.data()), b.signature.size(),
                         reinterpret_cast<const unsigned char*>(b.manifest_bytes.data()),
                         b.manifest_bytes.size()) != 1)
        return refuse();

    auto m = parse_manifest(b.manifest_bytes);
    if (!m) return m.error();
    for (const auto& e : m->files) {
        const auto f = b.files.find(e.path);
        if (f == b.files.end())
            return err("missing_file", "政策包缺少文件 " + e.path + "，没有安装。请联系县里重新发布。");
        if (static_cast<std::int64_t>(f->second.size()) != e.size || sha256_hex(f->second) != e.sha256)
            return err("hash_mismatch", "政策包里的文件 " + e.path + " 与清单不符，可能在传输中损坏或被改动，没有安装。"
                                        "一体机会在下次同步时重新下载。");
    }
    if (b.files.size() != m->files.size()) {
        for (const auto& [path, data] : b.files) {
            const auto at = std::lower_bound(m->files.begin(), m->files.end(), path,
                                             [](const FileEntry& e, const std::string& p) { return e.path < p; });
            if (at == m->files.end() || at->path != path)
                return err("extra_file", "政策包里多出了清单上没有的文件“" + path + "”，没有安装。请联系县里重新发布。");
        }
    }
    return Ok{};
}

int compare_versions(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        const std::size_t ia = std::min(a.find('.', i), a.size());
        const std::size_t jb = std::min(b.find('.', j), b.size());
        std::string_view x = i < a.size() ? std::string_view(a).substr(i, ia - i) : "0";
        std::string_view y = j < b.size() ? std::string_view(b).substr(j, jb - j) : "0";
        // Numerically without overflow: drop leading zeros, then the longer number is larger.
        while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
        while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
        if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
        if (const int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
        i = ia + 1;
        j = jb + 1;
    }
    return 0;
}

Installer::Installer(std::string root) : root_(std::move(root)) {}

std::string Installer::current_version() const {
    char target[256];
    const ssize_t n = ::readlink((root_ + "/current").c_str(), target, sizeof target - 1);
    if (n <= 0) return {};
    const std::string version(target, static_cast<std::size_t>(n));
    std::error_code ec;
    if (!valid_version(version) || !fs::is_directory(fs::path(root_) / version, ec)) return {};
    return version;
}

std::string Installer::current_dir() const {
    if (current_version().empty()) return {};
    std::error_code ec;
    const fs::path resolved = fs::canonical(fs::path(root_) / "current", ec);
    return ec ? std::string() : resolved.string();
}

Result<std::string> Installer::install(const Bundle& b, const std::string& public_key_pem) {
    if (auto st = verify(b, public_key_pem); !st) return st.error();
    const Manifest m = *parse_manifest(b.manifest_bytes);

    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) return io_err(root_, ec.value());
    // One installer at a time per root, across processes (the sync worker and, say, a USB import); the lock is
    // released when the descriptor closes, also when the process dies.
    const std::string lock_path = root_ + "/.lock";
    const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd < 0) return io_err(lock_path, errno);
    struct Unlock {
        int fd;
        ~Unlock() { ::close(fd); }
    } unlock{lock_fd};
    while (::flock(lock_fd, LOCK_EX) != 0)
        if (errno != EINTR) return io_err(lock_path, errno);

    const std::string current = current_version();
    if (!current.empty() && compare_versions(m.version, current) <= 0)
        return err("not_newer", "政策包 " + m.version + " 不比已安装的 " + current + " 新，没有安装。无需处理。");

    const std::string staging = root_ + "/.staging-" + m.version;
    const std::string final_dir = root_ + "/" + m.version;
    // Leftovers of an interrupted install. A final folder that is not current may be incomplete or edited, and the
    // staging copy is about to be rebuilt from verified bytes, so both go.
    fs::remove_all(staging, ec);
    fs::remove_all(final_dir, ec);
    bool renamed = false;
    const auto fail = [&](Error e) -> Result<std::string> {
        std::error_code ignored;
        fs::remove_all(staging, ignored);
        if (renamed) fs::remove_all(final_dir, ignored);
        return e;
    };

    if (::mkdir(staging.c_str(), 0755) != 0) return fail(io_err(staging, errno));
    std::vector<std::string> dirs{staging};  // every folder, fsynced after its entries so the names are durable
    std::set<std::string> made;
    for (const auto& e : m.files) {
        for (std::size_t slash = e.path.find('/'); slash != std::string::npos; slash = e.path.find('/', slash + 1)) {
            const std::string sub = e.path.substr(0, slash);
            if (!made.insert(sub).second) continue;
            const std::string dir = staging + "/" + sub;
            if (::mkdir(dir.c_str(), 0755) != 0) return fail(io_err(dir, errno));
            dirs.push_back(dir);
        }
        if (auto st = write_new_file(staging + "/" + e.path, b.files.at(e.path)); !st) return fail(st.error());
        if (fault("staged_file")) return fail(simulated("staged_file"));
    }
    // Kept beside the files so the kiosk (or an auditor) can re-verify what is installed; dot names cannot collide
    // with bundle paths.
    if (auto st = write_new_file(staging + "/.manifest.json", b.manifest_bytes); !st) return fail(st.error());
    if (auto st = write_new_file(staging + "/.signature", b.signature); !st) return fail(st.error());
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it)
        if (auto st = fsync_dir(*it); !st) return fail(st.error());

    if (fault("before_rename")) return fail(simulated("before_rename"));
    if (::rename(staging.c_str(), final_dir.c_str()) != 0) return fail(io_err(final_dir, errno));
    renamed = true;
    if (auto st = fsync_dir(root_); !st) return fail(st.error());

    if (fault("before_swap")) return fail(simulated("before_swap"));
    // symlink() cannot replace an existing link; rename() can, atomically, so "current" never goes missing.
    const std::string next_link = root_ + "/.current.next";
    ::unlink(next_link.c_str());
    if (::symlink(m.version.c_str(), next_link.c_str()) != 0) return fail(io_err(next_link, errno));
    if (::rename(next_link.c_str(), (root_ + "/current").c_str()) != 0) {
        const int e = errno;
        ::unlink(next_link.c_str());
        return fail(io_err(root_ + "/current", e));
    }
    renamed = false;  // it is current now: never remove it, even if the fsync below fails
    if (auto st = fsync_dir(root_); !st) return st.error();
    return current_dir();
}

}  // namespace yimen::sync::bundle
