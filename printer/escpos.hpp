// escpos.hpp — a laid-out receipt as an ESC/POS byte stream, produced line by line and handed to a sink at once
// so the printer starts on the first band while later ones are still being drawn.
//   raster: every printed line is one full-width `GS v 0` band; feeds are `ESC J`.
//   text:   `FS &` … `FS .` GB18030 text in the printer's Font A cells; a line holding a character outside the
//           profile's font coverage goes out as one `GS v 0` band of that line (an ESC/POS printer cannot put an
//           image inside a text line); QR as `GS ( k` when the profile has native QR, else as a band.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "printer/font.hpp"
#include "printer/layout.hpp"
#include "printer/profile.hpp"

namespace yimen::printer::escpos {

// Command bytes, named once.
inline constexpr char ESC = 0x1B, GS = 0x1D, FS = 0x1C, DLE = 0x10, EOT = 0x04, LF = 0x0A;
std::string init();                       // ESC @
std::string dle_eot(int n);               // DLE EOT n: real-time status, answered at once
std::string gs_r1();                      // GS r 1: answered only after everything before it has printed
std::string gs_a(int mask);               // GS a n: automatic status back
std::string feed_dots(int dots);          // ESC J n (repeated past 255)
std::string raster_band(const Bitmap& b); // GS v 0
std::string cut();                        // GS V 1

}  // namespace yimen::printer::escpos

namespace yimen::printer {

using ByteSink = std::function<Status(std::string_view)>;

struct EncodeStats {
    int bands = 0;             // GS v 0 images
    int text_lines = 0;
    int native_qr = 0;
    std::size_t bytes = 0;
};

struct EncodeOptions {
    Mode mode = Mode::text;
    bool cut = true;
    // Called when band/line `index` (1-based) has been produced, before it goes to the sink.
    std::function<void(int index)> on_produced;
};

// The job body (ESC @ … cut). Status commands around it are the Printer's business.
Status encode_job(const Layout& layout, const PrinterProfile& profile, Font& font, const EncodeOptions& opt,
                  const ByteSink& sink, EncodeStats* stats = nullptr);
// Convenience: the whole stream as one string.
Result<std::string> encode_to_string(const Layout& layout, const PrinterProfile& profile, Font& font, Mode mode,
                                     EncodeStats* stats = nullptr);

}  // namespace yimen::printer
