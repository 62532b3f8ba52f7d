// ctl_idcard.cpp — `kiosk-ctl idcard read --port DEV [--json]`: reads the ID card on the reader at DEV and prints
// its fields, so staff can check a reader (or the simulator) over SSH. It needs no kiosk configuration, so its few
// sentences are printed in Chinese without the string tables.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/devices/id_card_reader.hpp"

namespace yimen::kiosk {

namespace {

const char* kIdcardUsage = "usage: kiosk-ctl idcard read --port DEVICE [--json]\n";

}  // namespace

// words: everything after "idcard". Exit 0 with the card's fields, 1 when no card or no reader answers, 2 on usage.
int run_idcard(const std::vector<std::string>& words) {
    std::string port_path;
    bool json = false;
    bool read = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "--port" && i + 1 < words.size()) port_path = words[++i];
        else if (words[i] == "--json") json = true;
        else if (words[i] == "read" && !read) read = true;
        else {
            std::cerr << kIdcardUsage;
            return 2;
        }
    }
    if (!read || port_path.empty()) {
        std::cerr << kIdcardUsage;
        return 2;
    }
    auto port = open_serial_port(port_path);
    if (!port) {
        std::cerr << "kiosk-ctl: " << port.error().message << " (" << port_path << ")\n";
        return 1;
    }
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto card = read_id_card(*port.value(), county_date_at(now_ms));
    if (!card) {
        std::cerr << "kiosk-ctl: " << card.error().message << " [" << card.error().code << "]\n";
        return 1;
    }
    const IdCardData& c = card.value();
    if (json) {
        nlohmann::json j = {{"name", c.name},           {"sex", c.sex},
                            {"ethnicity", c.ethnicity}, {"birth_date", c.birth_date},
                            {"address", c.address},     {"id_number", c.id_number},
                            {"authority", c.authority}, {"valid_from", c.valid_from},
                            {"valid_to", c.valid_to}};
        std::cout << j.dump() << "\n";
        return 0;
    }
    // The plain form is for a maintainer's eyes; the keys are the JSON ones so both forms read alike.
    for (const auto& [k, v] : {std::pair<const char*, const std::string&>{"name", c.name}, {"sex", c.sex},
                               {"ethnicity", c.ethnicity}, {"birth_date", c.birth_date}, {"address", c.address},
                               {"id_number", c.id_number}, {"authority", c.authority},
                               {"valid_from", c.valid_from}, {"valid_to", c.valid_to}})
        std::cout << k << "  " << v << "\n";
    return 0;
}

}  // namespace yimen::kiosk
