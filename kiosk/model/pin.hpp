// pin.hpp — staff PIN hashes in the one `$scrypt$N=…,r=…,p=…$<salt b64>$<hash b64>` format that kiosk and county
// both verify (DESIGN.md, "Secrets and people"), through OpenSSL's EVP_KDF "SCRYPT".
#pragma once
#include <string>

namespace yimen::kiosk {

// False for a wrong PIN and for a malformed hash (never throws); the comparison is constant-time.
bool verify_pin(const std::string& encoded, const std::string& pin);
// A fresh hash with a random 16-byte salt (demo accounts, tests). N = 2^15, r = 8, p = 1 unless told otherwise.
std::string hash_pin(const std::string& pin, unsigned long n = 32768, unsigned r = 8, unsigned p = 1);

}  // namespace yimen::kiosk
