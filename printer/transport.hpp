// transport.hpp — the byte pipe to a printer, chosen by URI, with a timeout on every write and read:
//   usb:/dev/usb/lp0   the kernel's printer device file
//   serial:/dev/ttyUSB0?baud=19200
//   tcp://host:9100
//   dir:/path          no printer: each job's raw bytes and its decoded PNG are written to the folder
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "printer/font.hpp"
#include "printer/profile.hpp"

namespace yimen::printer {

struct Timeouts {
    int connect_ms = 3000;
    int write_ms = 5000;   // each write: a printer that stops reading (paper out, buffer full) must not hang us
    int status_ms = 1000;  // DLE EOT answers come at once, so this can be short
    int ack_ms = 30000;    // GS r 1 after the job: includes the time to print it
};

class Transport {
public:
    virtual ~Transport() = default;
    // Error codes: "timeout" (nothing moved in time), "closed" (the other end is gone), "io".
    virtual Status write(std::string_view bytes, int timeout_ms) = 0;
    // Up to max bytes; an empty string when nothing arrived in time.
    virtual Result<std::string> read(std::size_t max, int timeout_ms) = 0;
    virtual std::string describe() const = 0;
};

// A transport over an open file descriptor (socket, tty, device file); owns and closes it.
std::unique_ptr<Transport> fd_transport(int fd, std::string description);

Result<std::unique_ptr<Transport>> open_transport(const std::string& uri, const Timeouts& t,
                                                  const PrinterProfile& profile, const FontConfig& font);

}  // namespace yimen::printer
