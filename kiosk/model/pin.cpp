// pin.cpp — the kiosk's PIN checks use the one scrypt format of policy/secrets.hpp, shared with the county server.
#include "kiosk/model/pin.hpp"

#include "base/secrets.hpp"

namespace yimen::kiosk {

bool verify_pin(const std::string& encoded, const std::string& pin) { return secrets::verify_pin(pin, encoded); }

std::string hash_pin(const std::string& pin, unsigned long n, unsigned r, unsigned p) {
    auto h = secrets::hash_pin(pin, n, r, p);
    return h ? *h : std::string();
}

}  // namespace yimen::kiosk
