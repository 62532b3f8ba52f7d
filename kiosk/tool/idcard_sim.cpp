// idcard_sim.cpp — idcard-sim: a second-generation ID card reader on a pseudo-terminal, for tests and the demo. It
// answers find/select/read frames (kiosk/devices/id_card_reader.hpp) for one synthetic card, or misbehaves on purpose:
//   idcard-sim [--card normal|rare|long-address|expired] [--fault checksum|removed|silent] [--link PATH] [--absent]
// It prints the pty's slave path on stdout (and symlinks PATH to it) and runs until killed. The card lies on the
// reader from the start, or with --absent from the first SIGUSR1 on; SIGUSR1 lays it on, SIGUSR2 takes it away. The cards are fictional;
// their ID numbers carry a correct check digit (policy/check_digit).
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "kiosk/devices/id_card_reader.hpp"
#include "policy/check_digit.hpp"

namespace {

using namespace yimen;
using namespace yimen::kiosk;
using idcard::Bytes;

const char* kUsage =
    "usage: idcard-sim [--card normal|rare|long-address|expired] [--fault checksum|removed|silent] [--link PATH]"
    " [--absent]\n";

volatile sig_atomic_t g_card_present = 1;
void lay_card(int) { g_card_present = 1; }
void take_card(int) { g_card_present = 0; }

// The synthetic cards. Birth date and sex are what the ID number says (digits 7–14, the 17th odd for male), and its
// check digit is computed, so every card is self-consistent the way a real one is.
struct SyntheticCard {
    const char* key;
    const char* name;
    const char* first17;
    const char* address;
    const char* ethnicity;
    const char* valid_from;
    const char* valid_to;
};
const SyntheticCard kCards[] = {
    {"normal", "王秀兰", "23052319480315002", "黑龙江省示例县柳河镇幸福村三组", "汉", "2016-03-15", "长期"},
    {"rare", "𠮷祥", "23052319520701001", "黑龙江省示例县柳河镇东风村", "汉", "2016-03-15", "2036-03-15"},
    // 35 characters: the address field's full 70 bytes.
    {"long-address", "李德福", "23052319501120003", "黑龙江省示例县柳河镇幸福村第三村民小组东头老供销社后院第二排西数第五号",
     "满", "2016-03-15", "2036-03-15"},
    {"expired", "张桂芝", "23052319550109004", "黑龙江省示例县柳河镇新华村", "汉", "2005-06-01", "2025-06-01"},
};

bool card_named(const std::string& key, IdCardData& c) {
    for (const auto& k : kCards) {
        if (key != k.key) continue;
        const std::string first17 = k.first17;
        c = IdCardData{k.name,
                       (first17[16] - '0') % 2 == 1 ? "male" : "female",
                       k.ethnicity,
                       first17.substr(6, 4) + "-" + first17.substr(10, 2) + "-" + first17.substr(12, 2),
                       k.address,
                       first17 + mod11_2_check(first17),
                       "示例县公安局",
                       k.valid_from,
                       k.valid_to};
        return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    std::string card_name = "normal", fault, link;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--absent") {
            g_card_present = 0;
            continue;
        }
        std::string* dest = a == "--card" ? &card_name : a == "--fault" ? &fault : a == "--link" ? &link : nullptr;
        if (!dest || i + 1 >= argc) {
            std::cerr << kUsage;
            return 2;
        }
        *dest = argv[++i];
    }
    IdCardData card;
    if (!card_named(card_name, card) || (!fault.empty() && fault != "checksum" && fault != "removed" && fault != "silent")) {
        std::cerr << kUsage;
        return 2;
    }

    struct sigaction on{}, off{};
    on.sa_handler = lay_card;
    off.sa_handler = take_card;
    on.sa_flags = off.sa_flags = SA_RESTART;  // a signal in the middle of an answer must not cut the frame short
    ::sigaction(SIGUSR1, &on, nullptr);
    ::sigaction(SIGUSR2, &off, nullptr);

    int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
        std::perror("idcard-sim: pty");
        return 1;
    }
    const std::string slave = ::ptsname(master);
    // Hold the slave open ourselves, raw: the master never sees a hang-up between readers, and nothing a reader
    // sends before it sets raw mode is echoed back at it as a bogus answer.
    int keep = ::open(slave.c_str(), O_RDWR | O_NOCTTY);
    termios t{};
    if (keep < 0 || ::tcgetattr(keep, &t) != 0) {
        std::perror("idcard-sim: slave");
        return 1;
    }
    ::cfmakeraw(&t);
    ::tcsetattr(keep, TCSANOW, &t);
    if (!link.empty()) {
        std::error_code ec;
        std::filesystem::remove(link, ec);
        std::filesystem::create_symlink(slave, link, ec);
        if (ec) {
            std::cerr << "idcard-sim: " << link << ": " << ec.message() << "\n";
            return 1;
        }
    }
    std::cout << slave << std::endl;

    Bytes got;
    std::uint8_t buf[256];
    for (;;) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 1000) <= 0) continue;
        ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        got.insert(got.end(), buf, buf + n);
        for (;;) {
            auto d = idcard::decode_frame(got);
            if (!d) {
                if (d.error().code == "bad_checksum") got.clear();  // a real module drops it and answers 00 00 10
                break;
            }
            got.erase(got.begin(), got.begin() + static_cast<long>(d.value().consumed));
            if (fault == "silent") continue;
            const Bytes& req = d.value().body;
            Bytes body;
            if (!g_card_present && req == Bytes{0x20, 0x01}) body = idcard::answer_body(idcard::kNoCard);
            else if (!g_card_present && req == Bytes{0x20, 0x02}) body = idcard::answer_body(idcard::kSelectFailed);
            else if (!g_card_present && req == Bytes{0x30, 0x01}) body = idcard::answer_body(idcard::kReadFailed);
            else if (req == Bytes{0x20, 0x01}) body = idcard::answer_body(idcard::kFound, Bytes{0, 0, 0, 0});
            else if (req == Bytes{0x20, 0x02}) body = idcard::answer_body(idcard::kOk, Bytes(8, 0));
            else if (req == Bytes{0x30, 0x01} && fault == "removed") {
                body = idcard::answer_body(idcard::kReadFailed);
                g_card_present = 0;  // lifted mid-read: the reader is empty afterwards
            }
            else if (req == Bytes{0x30, 0x01}) body = idcard::answer_body(idcard::kOk, encode_read_answer(card));
            else body = idcard::answer_body(0x21);  // command error
            Bytes frame = idcard::encode_frame(body);
            if (fault == "checksum") frame.back() ^= 0x5A;
            for (std::size_t done = 0; done < frame.size();) {
                ssize_t w = ::write(master, frame.data() + done, frame.size() - done);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) break;
                done += static_cast<std::size_t>(w);
            }
        }
    }
}
