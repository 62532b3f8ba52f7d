// canonical_json.hpp — the canonical JSON that event hashes are computed over (DESIGN.md, "Events and hashes"):
// UTF-8, object keys sorted by their UTF-8 bytes, no whitespace, integers only, strings escaped minimally.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace yimen {

// Fails with "not_canonical" when the value holds a floating-point number or invalid UTF-8.
Result<std::string> canonical_json(const nlohmann::json& value);

// Lower-case hex SHA-256 of bytes.
std::string sha256_hex(const std::string& bytes);
// Lower-case hex HMAC-SHA256.
std::string hmac_sha256_hex(const std::string& key, const std::string& message);

}  // namespace yimen
