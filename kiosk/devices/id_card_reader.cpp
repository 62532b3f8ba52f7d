// id_card_reader.cpp — the ID card reader's frame codec, text-block parser and the find/select/read exchange over a
// SerialPort; the termios port for the real USB-serial line.
#include "kiosk/devices/id_card_reader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>

#include "base/utf8.hpp"
#include "policy/resident_id.hpp"

namespace yimen::kiosk {

namespace idcard {

Bytes encode_frame(std::span<const std::uint8_t> body) {
    Bytes out(std::begin(kPreamble), std::end(kPreamble));
    const std::size_t len = body.size() + 1;
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(len & 0xFF));
    out.insert(out.end(), body.begin(), body.end());
    std::uint8_t x = 0;
    for (std::size_t i = sizeof kPreamble; i < out.size(); ++i) x ^= out[i];
    out.push_back(x);
    return out;
}

Bytes find_card_request() { return encode_frame(std::array<std::uint8_t, 2>{0x20, 0x01}); }
Bytes select_card_request() { return encode_frame(std::array<std::uint8_t, 2>{0x20, 0x02}); }
Bytes read_card_request() { return encode_frame(std::array<std::uint8_t, 2>{0x30, 0x01}); }

Result<Decoded> decode_frame(std::span<const std::uint8_t> bytes) {
    auto it = std::search(bytes.begin(), bytes.end(), std::begin(kPreamble), std::end(kPreamble));
    if (it == bytes.end()) return Error{"short_frame", "no frame start", ErrorCategory::device};
    const std::size_t start = static_cast<std::size_t>(it - bytes.begin());
    const std::size_t head = start + sizeof kPreamble;
    if (bytes.size() < head + 2) return Error{"short_frame", "frame cut off in its length", ErrorCategory::device};
    const std::size_t len = (std::size_t{bytes[head]} << 8) | bytes[head + 1];
    // A length of 0 would leave no room for the checksum.
    if (len == 0) return Error{"bad_checksum", "frame with length 0", ErrorCategory::device};
    if (bytes.size() < head + 2 + len) return Error{"short_frame", "frame cut off", ErrorCategory::device};
    std::uint8_t x = 0;
    for (std::size_t i = head; i < head + 2 + len - 1; ++i) x ^= bytes[i];
    if (x != bytes[head + 2 + len - 1]) return Error{"bad_checksum", "frame checksum wrong", ErrorCategory::device};
    Decoded d;
    d.body.assign(bytes.begin() + static_cast<long>(head + 2), bytes.begin() + static_cast<long>(head + 2 + len - 1));
    d.consumed = head + 2 + len;
    return d;
}

Bytes answer_body(std::uint8_t sw3, std::span<const std::uint8_t> data) {
    Bytes b{0x00, 0x00, sw3};
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

}  // namespace idcard

namespace {

using idcard::Bytes;

// The text block's fixed fields, in bytes of UTF-16LE (GA 467); the last 36 bytes are reserved.
struct Field {
    std::size_t offset, size;
};
constexpr Field kName{0, 30}, kSex{30, 2}, kEthnicity{32, 4}, kBirth{36, 16}, kAddress{52, 70}, kIdNumber{122, 36},
    kAuthority{158, 30}, kValidFrom{188, 16}, kValidTo{204, 16};

// GB 3304 codes as the card prints them (the name without 族). Only the codes we are sure of; others stay codes.
struct Ethnicity {
    const char* code;
    const char* name;
};
constexpr Ethnicity kEthnicities[] = {
    {"01", "汉"},   {"02", "蒙古"}, {"03", "回"},   {"04", "藏"},   {"05", "维吾尔"}, {"06", "苗"},   {"07", "彝"},
    {"08", "壮"},   {"09", "布依"}, {"10", "朝鲜"}, {"11", "满"},   {"12", "侗"},     {"13", "瑶"},   {"14", "白"},
    {"15", "土家"}, {"16", "哈尼"}, {"17", "哈萨克"}, {"18", "傣"}, {"19", "黎"},     {"20", "傈僳"},
};

std::string trim(std::string s) {
    auto not_pad = [](char c) { return c != ' ' && c != '\0'; };
    auto b = std::find_if(s.begin(), s.end(), not_pad);
    auto e = std::find_if(s.rbegin(), s.rend(), not_pad).base();
    return b < e ? std::string(b, e) : std::string();
}

std::string field(std::span<const std::uint8_t> block, Field f) {
    return trim(utf16le_to_utf8(block.subspan(f.offset, f.size)));
}

// YYYYMMDD → YYYY-MM-DD; anything else (长期, a damaged field) is kept as it is.
std::string card_date(const std::string& s) {
    if (s.size() != 8 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return s;
    return s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2);
}

std::string undash(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '-') out += c;
    return out;
}

void put_field(Bytes& block, Field f, const std::string& utf8) {
    std::size_t at = f.offset;
    auto put16 = [&](std::uint16_t u) {
        if (at + 2 > f.offset + f.size) return;
        block[at++] = static_cast<std::uint8_t>(u & 0xFF);
        block[at++] = static_cast<std::uint8_t>(u >> 8);
    };
    for (char32_t cp : utf8::decode(utf8)) {
        if (cp >= 0x10000) {
            // A pair must fit whole, or the field would end in half a character.
            if (at + 4 > f.offset + f.size) break;
            cp -= 0x10000;
            put16(static_cast<std::uint16_t>(0xD800 + (cp >> 10)));
            put16(static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            put16(static_cast<std::uint16_t>(cp));
        }
    }
    while (at + 2 <= f.offset + f.size) put16(u' ');
}

Error device_error(std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorCategory::device};
}

Error status_error(std::uint8_t sw3, bool after_find) {
    if (sw3 == idcard::kNoCard || sw3 == idcard::kSelectFailed || sw3 == idcard::kReadFailed) {
        if (after_find) return device_error("card_removed", "身份证被拿开了，请把身份证放回读卡器上，不要移动");
        return device_error("no_card", "没有读到身份证，请把身份证平放在读卡器上");
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02X", sw3);
    return device_error("reader_error", std::string("读卡器报告错误（状态 ") + hex + "），请工作人员检查读卡器");
}

// One request, one answer: the answer's body, or no_reader (silence), short_frame, bad_checksum.
Result<Bytes> exchange(SerialPort& port, const Bytes& request, int timeout_ms) {
    port.discard_input();
    if (!port.write_all(request)) return device_error("no_reader", "读卡器没有连接，请工作人员检查读卡器");
    Bytes got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::uint8_t buf[512];
    for (;;) {
        auto d = idcard::decode_frame(got);
        if (d.ok()) return std::move(d.value().body);
        if (d.error().code != "short_frame") return d.error();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        long n = port.read_some(buf, sizeof buf, static_cast<int>(left.count()));
        if (n < 0) break;
        got.insert(got.end(), buf, buf + n);
    }
    if (got.empty()) return device_error("no_reader", "读卡器没有应答，请工作人员检查读卡器");
    return device_error("short_frame", "读卡器的应答不完整，请再试一次");
}

class TtyPort final : public SerialPort {
public:
    explicit TtyPort(int fd) : fd_(fd) {}
    ~TtyPort() override { ::close(fd_); }
    TtyPort(const TtyPort&) = delete;
    TtyPort& operator=(const TtyPort&) = delete;

    bool write_all(std::span<const std::uint8_t> bytes) override {
        std::size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) {
                pollfd p{fd_, POLLOUT, 0};
                if (::poll(&p, 1, 500) <= 0) return false;
                continue;
            }
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }
    long read_some(std::uint8_t* out, std::size_t max, int timeout_ms) override {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, timeout_ms);
        if (r == 0) return 0;
        if (r < 0) return errno == EINTR ? 0 : -1;
        ssize_t n = ::read(fd_, out, max);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
        return n <= 0 ? -1 : static_cast<long>(n);
    }
    void discard_input() override { ::tcflush(fd_, TCIFLUSH); }

private:
    int fd_;
};

}  // namespace

std::string utf16le_to_utf8(std::span<const std::uint8_t> bytes) {
    std::u32string cps;
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
        char32_t u = bytes[i] | (char32_t{bytes[i + 1]} << 8);
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < bytes.size()) {
            char32_t lo = bytes[i + 2] | (char32_t{bytes[i + 3]} << 8);
            if (lo >= 0xDC00 && lo < 0xE000) {
                cps += 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
                continue;
            }
        }
        cps += (u >= 0xD800 && u < 0xE000) ? utf8::kReplacement : u;
    }
    return utf8::encode(cps);
}

Result<IdCardData> parse_text_block(std::span<const std::uint8_t> block, CivilDate today) {
    if (block.size() != idcard::kTextBytes)
        return device_error("short_frame", "身份证信息不完整，请再试一次");
    IdCardData c;
    c.name = field(block, kName);
    const std::string sex = field(block, kSex);
    c.sex = sex == "2" ? "female" : "male";
    c.ethnicity = field(block, kEthnicity);
    for (const auto& e : kEthnicities)
        if (c.ethnicity == e.code) c.ethnicity = e.name;
    c.birth_date = card_date(field(block, kBirth));
    c.address = field(block, kAddress);
    c.id_number = field(block, kIdNumber);
    c.authority = field(block, kAuthority);
    c.valid_from = card_date(field(block, kValidFrom));
    c.valid_to = card_date(field(block, kValidTo));
    if (!parse_resident_id(c.id_number, today).ok() || (sex != "1" && sex != "2"))
        return Error{"bad_id_number", "身份证号码读出来不对，请再试一次或请工作人员帮忙", ErrorCategory::invalid_input};
    return c;
}

Result<IdCardData> parse_read_answer(std::span<const std::uint8_t> data, CivilDate today) {
    if (data.size() < 4) return device_error("short_frame", "身份证信息不完整，请再试一次");
    const std::size_t text_len = (std::size_t{data[0]} << 8) | data[1];
    const std::size_t photo_len = (std::size_t{data[2]} << 8) | data[3];
    if (text_len != idcard::kTextBytes || data.size() < 4 + text_len + photo_len)
        return device_error("short_frame", "身份证信息不完整，请再试一次");
    return parse_text_block(data.subspan(4, text_len), today);
}

idcard::Bytes encode_text_block(const IdCardData& card) {
    Bytes block(idcard::kTextBytes, 0);
    put_field(block, {0, idcard::kTextBytes}, "");  // spaces everywhere, the reserved tail included
    put_field(block, kName, card.name);
    put_field(block, kSex, card.sex == "female" ? "2" : "1");
    std::string eth = card.ethnicity;
    for (const auto& e : kEthnicities)
        if (eth == e.name) eth = e.code;
    put_field(block, kEthnicity, eth);
    put_field(block, kBirth, undash(card.birth_date));
    put_field(block, kAddress, card.address);
    put_field(block, kIdNumber, card.id_number);
    put_field(block, kAuthority, card.authority);
    put_field(block, kValidFrom, undash(card.valid_from));
    put_field(block, kValidTo, undash(card.valid_to));
    return block;
}

idcard::Bytes encode_read_answer(const IdCardData& card) {
    Bytes data{0x01, 0x00, 0x04, 0x00};
    auto text = encode_text_block(card);
    data.insert(data.end(), text.begin(), text.end());
    data.resize(data.size() + idcard::kPhotoBytes, 0);  // a photo the simulator does not have
    return data;
}

Result<std::unique_ptr<SerialPort>> open_serial_port(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return device_error("no_reader", "找不到读卡器，请工作人员检查读卡器的连线");
    termios t{};
    if (::tcgetattr(fd, &t) != 0) {
        ::close(fd);
        return device_error("no_reader", "找不到读卡器，请工作人员检查读卡器的连线");
    }
    ::cfmakeraw(&t);
    t.c_cflag &= ~static_cast<tcflag_t>(PARENB | CSTOPB | CSIZE | CRTSCTS);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    ::cfsetispeed(&t, B115200);
    ::cfsetospeed(&t, B115200);
    if (::tcsetattr(fd, TCSANOW, &t) != 0) {
        ::close(fd);
        return device_error("no_reader", "读卡器设置失败，请工作人员检查读卡器");
    }
    return std::unique_ptr<SerialPort>(std::make_unique<TtyPort>(fd));
}

Result<IdCardData> read_id_card(SerialPort& port, CivilDate today, const IdCardTimeouts& timeouts) {
    // Find: a card laid on the reader a moment late, or a missed first answer, gets another try.
    std::optional<Error> last;
    bool found = false;
    for (int attempt = 0; attempt < std::max(1, timeouts.find_attempts) && !found; ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(timeouts.retry_gap_ms));
        auto a = exchange(port, idcard::find_card_request(), timeouts.answer_ms);
        if (!a) {
            if (a.error().code == "bad_checksum") return a.error();
            last = a.error();
            continue;
        }
        const auto& body = a.value();
        if (body.size() >= 3 && body[2] == idcard::kFound) found = true;
        else last = status_error(body.size() >= 3 ? body[2] : 0, false);
    }
    if (!found) return *last;

    auto sel = exchange(port, idcard::select_card_request(), timeouts.answer_ms);
    if (!sel) return sel.error();
    if (sel.value().size() < 3 || sel.value()[2] != idcard::kOk)
        return status_error(sel.value().size() >= 3 ? sel.value()[2] : 0, true);

    auto rd = exchange(port, idcard::read_card_request(), timeouts.read_ms);
    if (!rd) return rd.error();
    const auto& body = rd.value();
    if (body.size() < 3 || body[2] != idcard::kOk) return status_error(body.size() >= 3 ? body[2] : 0, true);
    return parse_read_answer(std::span<const std::uint8_t>(body).subspan(3), today);
}

Result<IdCardData> SerialIdCardReader::read_once(CivilDate today) {
    if (!port_) {
        auto opened = open_serial_port(path_);
        if (!opened) return opened.error();
        port_ = std::move(opened).value();
    }
    auto got = read_id_card(*port_, today, timeouts_);
    if (!got && got.error().code == "no_reader") port_.reset();  // reopen next time: the device may be back
    else if (!got) port_->discard_input();
    return got;
}

}  // namespace yimen::kiosk
