// personal_data_scan.cpp — issue 11's disk scan ("a stolen kiosk reveals nothing"), run by ctest after the headless
// demo (tests/CMakeLists.txt, fixture headless_demo). It reads the demo applicant's values from the county's store
// (the county opened the sealed events, so it holds them in clear), then searches every file under the kiosk's data
// directory, the SQLite WAL included when there is one, for those values in every encoding a search would try. It
// also shows the other half of the claim: no private key on the kiosk opens any sealed field, while the county's
// key ring opens them all and finds the same values inside (so the values are real, and sealing is what hides them).
//
//   personal_data_scan --demo-dir <build>/demo [--replay <tour> --kiosk <hall-kiosk>]
//                                                     exit 0: nothing found; 1: a hit or a failed check; 2: usage
//
// The kiosk checkpoints its WAL into kiosk.db and removes it when it closes, so after the demo there is none to
// scan. --replay runs hall-kiosk once more through a tour, on a copy of the data directory, and snapshots
// kiosk.db-wal every few milliseconds while it runs: those snapshots are scanned as the WAL.
//
// A standalone program rather than a Catch2 case: it has one fixed input (the demo's output), and its printed lines
// (one per file, the summaries) are the test's evidence in the ctest log.
#include <iconv.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/seal.hpp"
#include "base/secrets.hpp"
#include "base/utf8.hpp"
#include "sync/sealed_payload.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

int g_failures = 0;

void fail(const std::string& what) {
    std::printf("FAIL: %s\n", what.c_str());
    ++g_failures;
}

std::optional<std::string> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A value from the demo's kiosk.toml (`key = "value"`): the first line that sets it, whatever its section.
std::string toml_value(const std::string& toml, const std::string& key) {
    std::regex re("^" + key + R"(\s*=\s*"([^"]*)\")");
    std::istringstream in(toml);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, re)) return m[1];
    }
    return {};
}

// ---- SQLite, read-only ------------------------------------------------------------------------------------------

// Opens read-only. With no WAL beside the file, `immutable=1`: nothing at all is created next to the database (a
// plain read-only open of a WAL-mode database makes -wal and -shm files, which would change what a later run sees).
struct ReadOnlyDb {
    sqlite3* db = nullptr;
    explicit ReadOnlyDb(const fs::path& path) {
        bool wal = fs::exists(path.string() + "-wal");
        std::string uri = "file:" + path.string() + (wal ? "?mode=ro" : "?mode=ro&immutable=1");
        if (sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
            sqlite3_close(db);
            db = nullptr;
        }
    }
    ~ReadOnlyDb() { sqlite3_close(db); }
    ReadOnlyDb(const ReadOnlyDb&) = delete;
    ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;

    // Every row of `sql` (text columns), with one optional text parameter; nullopt when the query fails.
    std::optional<std::vector<std::vector<std::string>>> rows(const std::string& sql,
                                                              const std::string* param = nullptr) {
        if (!db) return std::nullopt;
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return std::nullopt;
        if (param) sqlite3_bind_text(st, 1, param->c_str(), -1, SQLITE_TRANSIENT);
        std::vector<std::vector<std::string>> out;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
                row.emplace_back(t ? t : "");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return std::nullopt;
        return out;
    }
};

// ---- the values searched for, and their encodings -----------------------------------------------------------------

struct Secret {
    std::string what;   // "ID number", "name", …
    std::string value;  // UTF-8
};

struct Pattern {
    std::string encoding;
    std::string bytes;
};

std::optional<std::string> convert(const std::string& utf8, const char* to) {
    iconv_t cd = iconv_open(to, "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    std::string out(utf8.size() * 4 + 8, '\0');
    char* in_p = const_cast<char*>(utf8.data());
    size_t in_left = utf8.size();
    char* out_p = out.data();
    size_t out_left = out.size();
    size_t r = iconv(cd, &in_p, &in_left, &out_p, &out_left);
    iconv_close(cd);
    if (r == static_cast<size_t>(-1) || in_left != 0) return std::nullopt;
    out.resize(out.size() - out_left);
    return out;
}

std::string hex(const std::string& bytes, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// The base64 characters that depend on `bytes` alone when they sit k bytes (mod 3) into a longer base64-encoded
// stream. Character i of an encoding covers stream bits [6i, 6i+6); the value's bits are [8k, 8k + 8n). Characters
// wholly inside that range are the same whatever surrounds the value, so a search for them finds the value in any
// longer base64 string; the one or two characters at each edge mix in neighbouring bytes and are dropped.
std::string base64_core(const std::string& bytes, int k) {
    std::string stream(static_cast<size_t>(k), '\0');
    stream += bytes;
    stream += std::string(2, '\0');
    std::string enc = yimen::secrets::base64_encode(stream);
    size_t first = (8 * static_cast<size_t>(k) + 5) / 6;
    size_t end = (8 * (static_cast<size_t>(k) + bytes.size())) / 6;
    return end > first ? enc.substr(first, end - first) : std::string();
}

std::vector<Pattern> patterns_of(const std::string& utf8) {
    std::vector<Pattern> out;
    auto add = [&](const std::string& encoding, const std::string& bytes) {
        if (bytes.empty()) return;
        for (const auto& p : out)
            if (p.bytes == bytes) return;  // ASCII digits are the same bytes in UTF-8 and GB18030: listed once
        out.push_back({encoding, bytes});
    };
    add("UTF-8", utf8);
    if (auto s = convert(utf8, "UTF-16LE")) add("UTF-16LE", *s);
    if (auto s = convert(utf8, "UTF-16BE")) add("UTF-16BE", *s);
    if (auto s = convert(utf8, "GB18030")) add("GB18030", *s);
    add("hex (lower case)", hex(utf8, false));
    add("hex (upper case)", hex(utf8, true));
    for (int k = 0; k < 3; ++k) {
        std::string core = base64_core(utf8, k);
        add("base64 (alignment " + std::to_string(k) + ")", core);
        std::string url = core;
        std::replace(url.begin(), url.end(), '+', '-');
        std::replace(url.begin(), url.end(), '/', '_');
        add("base64url (alignment " + std::to_string(k) + ")", url);
    }
    return out;
}

bool all_digits(const std::string& s) {
    if (s.size() < 5) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        bool last_x = i + 1 == s.size() && (s[i] == 'X' || s[i] == 'x');
        if (!(s[i] >= '0' && s[i] <= '9') && !last_x) return false;
    }
    return true;
}

bool is_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '\t'; }

// Offsets where `digits` appears with up to three separators (' ', '-', '.', tab) between any two digits, an ID's
// final X in either case. A masked form (230523********0012) does not match: '*' is no separator.
std::vector<size_t> separated_digit_hits(std::string_view data, const std::string& digits) {
    std::vector<size_t> hits;
    auto same = [](char a, char want) {
        if (want == 'X' || want == 'x') return a == 'X' || a == 'x';
        return a == want;
    };
    for (size_t i = 0; i < data.size(); ++i) {
        if (!same(data[i], digits[0])) continue;
        size_t j = i + 1;
        bool matched = true;
        for (size_t d = 1; d < digits.size() && matched; ++d) {
            int seps = 0;
            while (j < data.size() && seps < 3 && is_separator(data[j]) && !same(data[j], digits[d])) ++j, ++seps;
            if (j < data.size() && same(data[j], digits[d])) ++j;
            else matched = false;
        }
        if (matched) hits.push_back(i);
    }
    return hits;
}

// ---- the scan -----------------------------------------------------------------------------------------------------

struct FileImage {
    fs::path path;
    std::string bytes;
};

// Every regular file under dir, read once before any database is opened, so the scan sees the directory exactly as
// the kiosk left it.
std::vector<FileImage> snapshot(const fs::path& dir) {
    std::vector<FileImage> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        auto b = read_file(e.path());
        if (!b) {
            fail("cannot read " + e.path().string());
            continue;
        }
        files.push_back({e.path(), std::move(*b)});
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

// Prints each hit (unless quiet); returns how many.
int scan_file(const FileImage& f, const fs::path& root, const std::vector<Secret>& secrets, bool quiet = false) {
    int hits = 0;
    std::string_view data(f.bytes);
    std::string rel = fs::relative(f.path, root).string();
    auto report = [&](const Secret& s, const std::string& encoding, size_t offset) {
        if (!quiet)
            std::printf("HIT: %s holds the %s (%s) at offset %zu\n", rel.c_str(), s.what.c_str(), encoding.c_str(),
                        offset);
        ++hits;
    };
    for (const auto& s : secrets) {
        for (const auto& p : patterns_of(s.value)) {
            size_t at = data.find(p.bytes);
            if (at != std::string_view::npos) report(s, p.encoding, at);
        }
        if (all_digits(s.value)) {
            auto h = separated_digit_hits(data, s.value);
            if (!h.empty()) report(s, "digits with separators", h.front());
        }
    }
    return hits;
}

// The scan must not pass by being blind: each value is embedded, the way a careless program would store it, in a
// buffer of unrelated bytes, and the scan must find every one. Returns how many embeddings were checked.
int self_check(const std::vector<Secret>& secrets) {
    int checked = 0;
    for (const auto& s : secrets) {
        std::vector<std::pair<std::string, std::string>> forms;  // (how, bytes)
        forms.emplace_back("UTF-8 in JSON", "{\"v\":\"" + s.value + "\"}");
        for (const char* cs : {"UTF-16LE", "UTF-16BE", "GB18030"})
            if (auto c = convert("<" + s.value + ">", cs)) forms.emplace_back(cs, *c);
        forms.emplace_back("hex", "0x" + hex("ab" + s.value + "cd", false) + ";" + hex(s.value, true));
        for (int k = 0; k < 3; ++k) {
            std::string lead(static_cast<size_t>(k) + 3, '\x7f');
            forms.emplace_back("base64 after " + std::to_string(k + 3) + " bytes",
                               yimen::secrets::base64_encode(lead + s.value + "tail"));
        }
        if (all_digits(s.value)) {
            std::string spaced;
            for (size_t i = 0; i < s.value.size(); ++i) spaced += (i && i % 4 == 0 ? " - " : "") + s.value.substr(i, 1);
            forms.emplace_back("separated digits", "no. " + spaced + ".");
        }
        for (const auto& [how, bytes] : forms) {
            FileImage img{"self-check", std::string(37, '\x01') + bytes + std::string(11, '\x02')};
            if (scan_file(img, ".", {s}, true) == 0) fail("self-check: the scan misses the " + s.what + " as " + how);
            ++checked;
        }
    }
    return checked;
}

// ---- keys ---------------------------------------------------------------------------------------------------------

struct Candidate {
    std::string where;  // file and form
    yimen::seal::SealingKeyPair key;
};

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_b64(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='; }

// Every private key a thief could take from a file: each PEM "PRIVATE KEY" block (X25519 ones parse as sealing keys;
// the kiosk's TLS key is another curve and does not), and, as raw X25519 private keys, a 32-byte file, every
// 64-hex-digit token and every base64 token that decodes to 32 bytes. PEM blocks that do not parse are counted.
void collect_keys(const FileImage& f, const std::string& label, std::vector<Candidate>& out, int& pem_blocks,
                  std::vector<std::string>& pem_not_x25519) {
    const std::string& t = f.bytes;
    for (size_t at = t.find("-----BEGIN"); at != std::string::npos; at = t.find("-----BEGIN", at + 1)) {
        size_t line_end = t.find('\n', at);
        std::string head = t.substr(at, line_end == std::string::npos ? std::string::npos : line_end - at);
        if (head.find("PRIVATE KEY") == std::string::npos) continue;
        size_t end = t.find("-----END", at);
        if (end == std::string::npos) continue;
        size_t end_line = t.find('\n', end);
        std::string block = t.substr(at, (end_line == std::string::npos ? t.size() : end_line + 1) - at);
        ++pem_blocks;
        if (auto k = yimen::seal::key_pair_from_pem(block)) out.push_back({label + " (PEM)", *k});
        else pem_not_x25519.push_back(label);
    }
    auto try_raw = [&](const std::string& raw, const std::string& form) {
        if (raw.size() != yimen::seal::kKeyBytes) return;
        yimen::seal::RawKey r{};
        std::copy(raw.begin(), raw.end(), r.begin());
        if (auto k = yimen::seal::key_pair_from_raw(r)) out.push_back({label + " (" + form + ")", *k});
    };
    if (t.size() == yimen::seal::kKeyBytes) try_raw(t, "32-byte file");
    for (size_t i = 0; i < t.size();) {
        if (!is_hex(t[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < t.size() && is_hex(t[j])) ++j;
        if (j - i == 64) {
            std::string raw;
            for (size_t p = i; p < j; p += 2) raw += static_cast<char>(std::stoi(t.substr(p, 2), nullptr, 16));
            try_raw(raw, "hex token");
        }
        i = j;
    }
    for (size_t i = 0; i < t.size();) {
        if (!is_b64(t[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < t.size() && is_b64(t[j])) ++j;
        if (j - i == 43 || j - i == 44) {
            std::string tok = t.substr(i, j - i);
            if (tok.size() == 43) tok += '=';
            if (auto raw = yimen::secrets::base64_decode(tok)) try_raw(*raw, "base64 token");
        }
        i = j;
    }
}

struct SealedField {
    std::string seq, type, sealed;
    nlohmann::json payload;
};

// Runs `kiosk_bin` through `tour` on a copy of data_dir (demo/wal-replay/), and returns each distinct content of
// its kiosk.db-wal seen while it ran. The copy keeps the demo's own data directory exactly as the kiosk left it.
std::vector<FileImage> replay_wal(const fs::path& demo, const fs::path& data_dir, const std::string& toml,
                                  const fs::path& kiosk_bin, const fs::path& tour) {
    fs::path dir = demo / "wal-replay";
    fs::remove_all(dir);
    fs::create_directories(dir / "screens");
    fs::copy(data_dir, dir / "kiosk", fs::copy_options::recursive);
    fs::path wal = dir / "kiosk" / "kiosk.db-wal";
    std::ofstream(dir / "kiosk.toml") << std::regex_replace(toml, std::regex(R"((^|\n)data_dir\s*=[^\n]*)"),
                                                            "$1data_dir = \"" + (dir / "kiosk").string() + "\"");
    std::vector<std::string> args = {kiosk_bin.string(), "--config", (dir / "kiosk.toml").string(), "--script",
                                      tour.string(), "--screenshots", (dir / "screens").string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::string log = (dir / "kiosk.log").string();
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    pid_t pid = 0;
    std::vector<FileImage> snaps;
    if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        fail("cannot start " + kiosk_bin.string());
        return snaps;
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (auto b = read_file(wal); b && !b->empty() && (snaps.empty() || snaps.back().bytes != *b))
            snaps.push_back({wal, std::move(*b)});
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("the replay's kiosk failed; see " + log);
    if (snaps.empty()) fail("the replay's kiosk never had a WAL to snapshot");
    return snaps;
}

int usage() {
    std::fprintf(stderr, "usage: personal_data_scan --demo-dir <build>/demo [--replay <tour> --kiosk <hall-kiosk>]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path demo, tour, kiosk_bin;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--demo-dir" && i + 1 < argc) demo = argv[++i];
        else if (a == "--replay" && i + 1 < argc) tour = argv[++i];
        else if (a == "--kiosk" && i + 1 < argc) kiosk_bin = argv[++i];
        else return usage();
    }
    if (demo.empty() || tour.empty() != kiosk_bin.empty()) return usage();

    // Where the demo put things (scripts/demo.sh): data_dir and the kiosk id from its kiosk.toml.
    auto toml = read_file(demo / "kiosk.toml");
    if (!toml) {
        fail("no " + (demo / "kiosk.toml").string() + ": did the headless demo run?");
        return 1;
    }
    fs::path data_dir = toml_value(*toml, "data_dir");
    std::string kiosk_id = toml_value(*toml, "id");
    fs::path county = demo / "county";
    fs::path certs = county / "kiosks" / kiosk_id;
    if (data_dir.empty() || !fs::is_directory(data_dir)) {
        fail("the kiosk's data directory (" + data_dir.string() + ") is missing");
        return 1;
    }

    // The files first, before any database here is opened.
    std::vector<FileImage> files = snapshot(data_dir);
    fs::path wal = data_dir / "kiosk.db-wal";
    const FileImage* wal_image = nullptr;
    for (const auto& f : files)
        if (f.path == wal) wal_image = &f;

    // 1. The values to look for, from the county's store: the demo's application (receipt.txt) as the county holds it.
    std::vector<Secret> secrets;
    {
        ReadOnlyDb cdb(county / "county.db");
        std::string receipt;
        if (auto r = read_file(demo / "receipt.txt")) receipt = r->substr(0, r->find_first_of("\r\n"));
        auto rows = cdb.rows("SELECT payload FROM applications WHERE receipt_number = ?1", &receipt);
        if (!rows || rows->empty())
            rows = cdb.rows("SELECT payload FROM applications WHERE kiosk_id = ?1 ORDER BY submitted_ms DESC LIMIT 1",
                            &kiosk_id);
        if (!rows || rows->empty()) {
            fail("the county's store holds no application from kiosk " + kiosk_id + ": the demo made none");
            return 1;
        }
        json app = json::parse((*rows)[0][0], nullptr, false);
        const json applicant = app.is_object() ? app.value("applicant", json::object()) : json::object();
        for (auto [member, what] : {std::pair{"id_number", "ID number"}, {"name", "name"}, {"phone", "phone"}}) {
            std::string v = applicant.is_object() ? applicant.value(member, "") : "";
            if (v.empty()) {
                fail(std::string("the county holds no applicant ") + what + " for receipt " + receipt);
                continue;
            }
            secrets.push_back({what, v});
        }
        std::printf("the demo applicant (receipt %s, from the county's store):", receipt.c_str());
        for (const auto& s : secrets) std::printf(" %s %s;", s.what.c_str(), s.value.c_str());
        std::printf("\n");
    }
    if (secrets.empty()) return 1;

    // 2. The sealed fields in the kiosk's journal.
    std::vector<SealedField> sealed;
    {
        ReadOnlyDb kdb(data_dir / "kiosk.db");
        auto rows = kdb.rows("SELECT seq, type, envelope FROM journal_events ORDER BY seq");
        if (!rows) {
            fail("cannot read journal_events from " + (data_dir / "kiosk.db").string());
            return 1;
        }
        for (const auto& r : *rows) {
            json env = json::parse(r[2], nullptr, false);
            if (!env.is_object() || env.value("schema", 0) != yimen::sync::kSchemaSealed) continue;
            const json payload = env.value("payload", json::object());
            if (payload.is_object() && payload.contains(yimen::sync::kSealedMember) &&
                payload[yimen::sync::kSealedMember].is_string())
                sealed.push_back({r[0], r[1], payload[yimen::sync::kSealedMember].get<std::string>(), payload});
        }
    }
    if (sealed.empty()) {
        fail("the kiosk's journal holds no sealed field: the demo sealed nothing");
        return 1;
    }

    // The positive control, before the scan (it also yields the complaint's values): the county's keys open every
    // sealed field, and the values searched for are inside.
    auto ring = yimen::seal::load_key_ring((county / "sealing-keys").string());
    if (!ring) {
        fail("cannot load the county's sealing keys: " + ring.error().message);
        return 1;
    }
    std::string plaintexts;
    std::vector<Secret> extra;
    size_t opened = 0;
    for (const auto& s : sealed) {
        auto clear = yimen::sync::open_payload(s.type, s.payload, *ring);
        if (!clear) {
            fail("the county's key ring does not open event " + s.seq + " (" + s.type +
                 "): " + clear.error().message);
            continue;
        }
        ++opened;
        plaintexts += clear->dump(-1, ' ', false) + "\n";
        // The complaint's text and contact and a rating's callback phone are personal too: searched for as well
        // when the tour filed them and they are long enough not to match by chance (three characters or more).
        for (auto [member, what] : {std::pair{"text", "complaint text"}, {"contact", "complaint contact"},
                                    {"callback_phone", "callback phone"}}) {
            if (!clear->contains(member) || !(*clear)[member].is_string()) continue;
            std::string v = (*clear)[member].get<std::string>();
            if (yimen::utf8::decode(v).size() >= 3) extra.push_back({what, v});
        }
        // Every application's applicant, the one whose identity step the ID card reader filled (tour part 1c)
        // included: what a card gave is sealed like what was typed.
        const json applicant = clear->value("applicant", json::object());
        for (auto [member, what] : {std::pair{"id_number", "applicant ID number"}, {"name", "applicant name"},
                                    {"address", "applicant address"}}) {
            if (!applicant.is_object() || !applicant.contains(member) || !applicant[member].is_string()) continue;
            std::string v = applicant[member].get<std::string>();
            const bool known = std::any_of(secrets.begin(), secrets.end(), [&](const Secret& x) { return x.value == v; }) ||
                               std::any_of(extra.begin(), extra.end(), [&](const Secret& x) { return x.value == v; });
            if (!known && yimen::utf8::decode(v).size() >= 3) extra.push_back({what, v});
        }
    }
    for (const auto& s : secrets)
        if (plaintexts.find(s.value) == std::string::npos)
            fail("no opened sealed field holds the applicant's " + s.what +
                 ": the scan's values are not the sealed ones");
    if (opened == sealed.size())
        std::printf("county side: all %zu sealed fields open with the county's key (%zu key(s) in its ring), and they "
                    "hold the ID number, name and phone searched for\n",
                    sealed.size(), ring->size());
    for (const auto& e : extra) std::printf("also searched for: the %s %s\n", e.what.c_str(), e.value.c_str());
    secrets.insert(secrets.end(), extra.begin(), extra.end());

    // 3. The scan (after checking it sees what it looks for).
    int failures_before = g_failures;
    int embeddings = self_check(secrets);
    if (g_failures == failures_before)
        std::printf("self-check: the scan finds the values in all %d synthetic embeddings (JSON, UTF-16LE/BE, "
                    "GB18030, hex, base64 at three alignments, separated digits)\n",
                    embeddings);
    std::uintmax_t total = 0;
    int hits = 0;
    for (const auto& f : files) {
        std::printf("  %10zu  %s\n", f.bytes.size(), fs::relative(f.path, data_dir).c_str());
        total += f.bytes.size();
        hits += scan_file(f, data_dir, secrets);
    }
    std::string wal_note = wal_image ? "including the WAL" : "the WAL absent (checkpointed into kiosk.db)";
    if (wal_image)
        std::printf("the WAL (kiosk.db-wal, %zu bytes) was present and is scanned above\n", wal_image->bytes.size());
    else
        std::printf("the WAL (kiosk.db-wal) was absent: the kiosk checkpointed it into kiosk.db and removed it when it "
                    "closed (kiosk.db, scanned, holds those pages; secure_delete zeroes freed ones)\n");
    if (!tour.empty()) {
        std::vector<FileImage> snaps = replay_wal(demo, data_dir, *toml, kiosk_bin, tour);
        size_t largest = 0;
        for (size_t i = 0; i < snaps.size(); ++i) {
            snaps[i].path = "kiosk.db-wal (replay snapshot " + std::to_string(i + 1) + ")";
            largest = std::max(largest, snaps[i].bytes.size());
            hits += scan_file(snaps[i], ".", secrets);
        }
        // The snapshots must cover the moment that matters: the application's journal row being written.
        bool saw_submit = std::any_of(snaps.begin(), snaps.end(), [](const FileImage& f) {
            return f.bytes.find("application.submitted") != std::string::npos;
        });
        if (!saw_submit) fail("no WAL snapshot of the replay holds the application.submitted journal row");
        std::printf("the WAL while the kiosk runs: %zu distinct snapshots of kiosk.db-wal (up to %zu bytes; %s) taken "
                    "while hall-kiosk replayed %s on a copy of the data directory, scanned\n",
                    snaps.size(), largest, saw_submit ? "the application's journal row among them" : "no application",
                    tour.filename().c_str());
        if (!snaps.empty())
            wal_note = "including the WAL (" + std::to_string(snaps.size()) + " snapshots taken while the kiosk ran)";
    }
    if (hits > 0) fail(std::to_string(hits) + " hit(s) under " + data_dir.string());
    else
        std::printf("scanned %zu files (%ju bytes) under %s, %s: no ID number, name or phone in UTF-8, UTF-16LE/BE, "
                    "GB18030, hex, base64 or separated digits\n",
                    files.size(), total, data_dir.c_str(), wal_note.c_str());

    // 4. Every private key on the kiosk, tried on every sealed field.
    std::vector<Candidate> keys;
    int pem_blocks = 0;
    std::vector<std::string> pem_other;
    std::vector<FileImage> cert_files = fs::is_directory(certs) ? snapshot(certs) : std::vector<FileImage>{};
    if (cert_files.empty()) fail("the kiosk's certificate folder " + certs.string() + " is missing or empty");
    for (const auto& f : files) collect_keys(f, fs::relative(f.path, data_dir).string(), keys, pem_blocks, pem_other);
    for (const auto& f : cert_files) collect_keys(f, f.path.string(), keys, pem_blocks, pem_other);
    int opened_by_kiosk = 0;
    std::set<std::string> tried;  // the journal's hashes repeat (hash, then the next event's prev_hash): tried once
    for (const auto& k : keys) {
        if (!tried.insert(k.key.pub.id).second) continue;
        yimen::seal::KeyRing one;
        one.add(k.key);
        for (const auto& s : sealed) {
            if (yimen::seal::open_sealed(s.sealed, one)) {
                std::printf("OPENS: the key in %s opens the sealed field of event %s (%s)\n", k.where.c_str(),
                            s.seq.c_str(), s.type.c_str());
                ++opened_by_kiosk;
            }
        }
    }
    std::string pem_note;
    for (const auto& p : pem_other) pem_note += (pem_note.empty() ? "" : ", ") + p;
    if (opened_by_kiosk > 0) fail("a key on the kiosk opens " + std::to_string(opened_by_kiosk) + " sealed field(s)");
    else
        std::printf("kiosk side: %d private keys found (PEM; not X25519: %s) and %zu distinct 32-byte values tried "
                    "as X25519 private keys (PEM, 32-byte files, hex and base64 tokens), none opens any of %zu sealed "
                    "fields\n",
                    pem_blocks, pem_note.empty() ? "none" : pem_note.c_str(), tried.size(), sealed.size());

    std::printf("%s\n", g_failures == 0 ? "PASS" : "FAILED");
    return g_failures == 0 ? 0 : 1;
}
