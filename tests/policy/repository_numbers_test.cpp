// repository_numbers_test.cpp — every receipt number and ID number the project ships (data, docs, printer goldens)
// must pass its own check: a wrong check character printed into a QR code or a README teaches the wrong thing.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "policy/receipt_number.hpp"
#include "policy/resident_id.hpp"
#include "test_support.hpp"

using namespace yimen;
namespace fs = std::filesystem;

namespace {

bool scanned_file(const fs::path& root, const fs::path& p) {
    const auto rel = fs::relative(p, root).generic_string();
    if (rel.rfind("build", 0) == 0 || rel.rfind(".git", 0) == 0 || rel.find("/node_modules/") != std::string::npos)
        return false;
    return rel.rfind("assets/", 0) == 0 || rel.rfind("tests/printer/golden/", 0) == 0 || p.extension() == ".md" ||
           p.extension() == ".script";
}

}  // namespace

TEST_CASE("every receipt number and ID number in the repository's data, docs and goldens is valid",
          "[receipt][id][rules]") {
    const fs::path root = fs::path(yimen::test::policy_data().assets_dir).parent_path();
    REQUIRE(fs::exists(root / "README.md"));
    // 17 or 18 characters, optionally in groups of four separated by one space or dash, not inside a longer run and
    // not part of a masked number (421127********0018).
    const std::regex number(R"((^|[^0-9A-Za-z*])([0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9Xx]|[0-9]{17}[0-9Xx])(?=$|[^0-9A-Za-z*]))");
    int receipts = 0, ids = 0, golden_numbers = 0;
    for (auto& entry : fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied)) {
        if (!entry.is_regular_file() || !scanned_file(root, entry.path())) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string bytes = ss.str();
        const std::string rel = fs::relative(entry.path(), root).generic_string();
        for (std::sregex_iterator it(bytes.begin(), bytes.end(), number), end; it != end; ++it) {
            std::string n;
            for (char c : (*it)[2].str())
                if (c != ' ' && c != '-') n.push_back(c == 'x' ? 'X' : c);
            INFO(rel << ": " << (*it)[2].str());
            if (n.size() == 17) {
                ++receipts;
                auto r = parse_receipt_number(n);
                CHECK(r.ok());
            } else {
                ++ids;
                auto r = parse_resident_id(n, CivilDate{2026, 12, 31});
                CHECK(r.ok());
            }
            if (rel.rfind("tests/printer/golden/", 0) == 0) ++golden_numbers;
        }
    }
    CHECK(receipts >= 8);      // README, the receipt samples, PROTOCOL.md
    CHECK(ids >= 2);
    CHECK(golden_numbers >= 8);  // the text-mode goldens print the sample numbers
}
