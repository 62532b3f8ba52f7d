// id_card_reader.hpp — the second-generation resident ID card reader (a GA 467 SAM module on a USB-serial port,
// 115200 8N1): the frame codec, the parser of the card's 256-byte text block, and a reader that finds, selects and
// reads a card over a SerialPort. The port is a two-method interface so tests and the simulator (idcard-sim) use a
// real pseudo-terminal instead of hardware.
//
// Frame: AA AA AA 96 69 | length (2 bytes, big-endian: the bytes after it, checksum included) | body | checksum
// (XOR of the length bytes and the body). A request's body is CMD PARA [data]; an answer's is SW1 SW2 SW3 [data].
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/civil_date.hpp"
#include "base/result.hpp"
#include "kiosk/model/id_card.hpp"

namespace yimen::kiosk {

namespace idcard {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint8_t kPreamble[5] = {0xAA, 0xAA, 0xAA, 0x96, 0x69};

// SW3, the module's own status (SW1 SW2 relay the card's APDU status and are 00 00 in the answers we use).
inline constexpr std::uint8_t kOk = 0x90;           // select, read: success
inline constexpr std::uint8_t kFound = 0x9F;        // find: a card is on the reader
inline constexpr std::uint8_t kNoCard = 0x80;       // find: no card
inline constexpr std::uint8_t kSelectFailed = 0x81; // select failed (card taken away)
inline constexpr std::uint8_t kReadFailed = 0x41;   // read failed (card taken away mid-read)

inline constexpr std::size_t kTextBytes = 256;
inline constexpr std::size_t kPhotoBytes = 1024;

// The frame for a body (the checksum is appended).
Bytes encode_frame(std::span<const std::uint8_t> body);
Bytes find_card_request();    // 20 01
Bytes select_card_request();  // 20 02
Bytes read_card_request();    // 30 01 (text and photo)

struct Decoded {
    Bytes body;             // without length and checksum
    std::size_t consumed;   // bytes of the input used up, garbage before the preamble included
};
// The first frame in `bytes` (anything before a preamble is skipped). Errors: "short_frame" (no preamble or not all
// of the frame yet — read more), "bad_checksum".
Result<Decoded> decode_frame(std::span<const std::uint8_t> bytes);

// An answer body's data for the given status: 00 00 SW3 data.
Bytes answer_body(std::uint8_t sw3, std::span<const std::uint8_t> data = {});

}  // namespace idcard

// UTF-16 little-endian to UTF-8; surrogate pairs become the real code point (a name with 𠮷), lone ones U+FFFD.
std::string utf16le_to_utf8(std::span<const std::uint8_t> bytes);

// The 256-byte text block. Errors: "short_frame" (wrong size), "bad_id_number" (parse_resident_id refuses it).
Result<IdCardData> parse_text_block(std::span<const std::uint8_t> block, CivilDate today);
// The read answer's data: text length, photo length, text block, photo block (the photo is not decoded).
Result<IdCardData> parse_read_answer(std::span<const std::uint8_t> data, CivilDate today);
// The inverse, for the simulator and tests: fields space-padded; sex, ethnicity and dates back to the card's codes.
idcard::Bytes encode_text_block(const IdCardData& card);
idcard::Bytes encode_read_answer(const IdCardData& card);

// The serial line, small enough for a pseudo-terminal to stand in.
class SerialPort {
public:
    virtual ~SerialPort() = default;
    virtual bool write_all(std::span<const std::uint8_t> bytes) = 0;
    // Up to `max` bytes, waiting at most timeout_ms; 0 on timeout, -1 when the line is gone.
    virtual long read_some(std::uint8_t* out, std::size_t max, int timeout_ms) = 0;
    // Drops whatever arrived unasked (a half frame from an earlier exchange).
    virtual void discard_input() {}
};

// A tty in raw mode at 115200 8N1. Error "no_reader" when it cannot be opened or configured.
Result<std::unique_ptr<SerialPort>> open_serial_port(const std::string& path);

struct IdCardTimeouts {
    int answer_ms = 500;       // find and select answer within a few milliseconds on real modules
    int read_ms = 2000;        // the read answer is 1,295 bytes (~110 ms at 115200) after the card is read
    int find_attempts = 3;     // a card being laid on the reader is often missed once
    int retry_gap_ms = 150;
};

// Find (retried), select, read. Error codes: "no_reader" (silent or gone), "no_card", "card_removed" (select or read
// failed after a card was found), "bad_checksum", "short_frame" (an answer cut off), "bad_id_number",
// "reader_error" (any other status). Messages are plain Chinese.
Result<IdCardData> read_id_card(SerialPort& port, CivilDate today, const IdCardTimeouts& timeouts = {});

// The kiosk's reader (model/id_card.hpp's port) on a serial device path: opened on first use and again after the
// line went away (a reader unplugged and plugged back in), one find per poll (the watcher polls again anyway).
class SerialIdCardReader final : public IdCardPort {
public:
    explicit SerialIdCardReader(std::string path, IdCardTimeouts timeouts = {300, 2000, 1, 0})
        : path_(std::move(path)), timeouts_(timeouts) {}
    Result<IdCardData> read_once(CivilDate today) override;

private:
    std::string path_;
    IdCardTimeouts timeouts_;
    std::unique_ptr<SerialPort> port_;
};

}  // namespace yimen::kiosk
