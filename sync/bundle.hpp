// bundle.hpp — signed policy bundles (DESIGN.md "Sync protocol": verified before they are installed, installed
// atomically). The county signs a manifest of file hashes with its Ed25519 bundle-signing key; a kiosk installs a
// bundle only when the signature, every hash and every path check out, and switches to it with one rename(), so
// the kiosk always reads either the whole old bundle or the whole new one.
//
//   manifest.json  canonical JSON: {"created": RFC 3339 UTC, "files": [{"path","sha256","size"}…] sorted by path,
//                  "version": "2026.11.27.1"}
//   signature      Ed25519 over the exact manifest bytes (64 raw bytes)
//
// On the kiosk:  <root>/<version>/…   <root>/current -> <version>   (relative symlink, so <root> can be moved)
//                <root>/<version>/.manifest.json and .signature, to re-verify what is installed
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace yimen::sync::bundle {

struct FileEntry {
    std::string path;    // relative, '/'-separated, no "." or ".." parts, no dotfiles
    std::string sha256;  // lower hex
    std::int64_t size = 0;
};

struct Manifest {
    std::string version;  // dot-separated decimal numbers, also the install folder's name
    std::string created;  // RFC 3339 UTC ("…Z")
    std::vector<FileEntry> files;
};

struct Bundle {
    std::string manifest_bytes;
    std::string signature;                     // raw 64 bytes
    std::map<std::string, std::string> files;  // path → bytes
};

// Codes: "bad_manifest" (not canonical JSON, missing or malformed fields, unsorted or duplicate paths),
// "unsafe_path" (a path that could leave the bundle folder or collide with a folder).
Result<Manifest> parse_manifest(const std::string& bytes);

// Builds from every regular file under from_dir, skipping dotfiles and dot-folders, signing with the Ed25519
// private key PEM at key_path. Codes: "bad_manifest" (bad version or created), "unsafe_path" (a symlink or special
// file in the tree, or a name that is not a safe path), "bad_key", "io_error".
// `extra` adds files by bundle path (replacing a file of the tree at the same path): the county's current sealing
// key goes in as keys/sealing.pub this way.
Result<Bundle> build(const std::string& from_dir, const std::string& version, const std::string& created_rfc3339,
                     const std::string& key_path, const std::map<std::string, std::string>& extra = {});

// {"manifest": <manifest bytes as a string>, "signature": base64, "files": {path: base64}}
nlohmann::json to_json(const Bundle&);
// Code: "bad_manifest" when the wrapper is malformed (missing members, bad base64). Verify separately.
Result<Bundle> from_json(const nlohmann::json&);

// Signature first (so nothing unsigned is parsed further), then manifest, paths, sizes and hashes.
// Codes: "bad_key" (the PEM is not an Ed25519 public key), "bad_signature" (also for a signature by another key),
// "bad_manifest", "unsafe_path", "missing_file", "hash_mismatch", "extra_file".
Status verify(const Bundle&, const std::string& public_key_pem);

// Compares dot-separated decimal components numerically ("2026.11.27.10" > "2026.11.27.9"); missing trailing
// components count as 0. <0, 0, >0.
int compare_versions(const std::string& a, const std::string& b);

class Installer {
public:
    explicit Installer(std::string root);  // e.g. <kiosk data>/policy-bundles; created on the first install

    // Verifies, refuses a version not newer than the installed one ("not_newer"), writes root/.staging-<version>/
    // (each file and folder fsynced), renames it to root/<version>/, then swaps root/current to it with rename()
    // over the old link and fsyncs root. Returns the installed folder (as current_dir() will give it).
    // Other codes: those of verify(), "io_error". A second install into the same root (another thread or process)
    // waits for the first to finish.
    Result<std::string> install(const Bundle&, const std::string& public_key_pem);

    std::string current_version() const;  // "" when none
    std::string current_dir() const;      // root/current resolved to an absolute path, "" when none

    // For fault tests: called at each step ("staged_file", "before_rename", "before_swap"); returning true makes
    // install() fail there as if the disk had failed.
    void set_fault_hook(std::function<bool(std::string_view step)> hook) { fault_hook_ = std::move(hook); }

private:
    bool fault(std::string_view step) const { return fault_hook_ && fault_hook_(step); }

    std::string root_;
    std::function<bool(std::string_view)> fault_hook_;
};

}  // namespace yimen::sync::bundle
