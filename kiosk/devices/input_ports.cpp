// input_ports.cpp — see input_ports.hpp.
#include "kiosk/devices/input_ports.hpp"

namespace yimen::kiosk {

Result<std::vector<std::string>> ZinniaHandwriting::classify(const std::vector<PenStroke>& strokes, int width,
                                                             int height, int n) {
    std::vector<InkStroke> ink;
    ink.reserve(strokes.size());
    for (auto& s : strokes) {
        InkStroke k;
        k.reserve(s.size());
        for (auto& p : s) k.push_back({p.x, p.y});
        ink.push_back(std::move(k));
    }
    return r_.classify(ink, width, height, n);
}

}  // namespace yimen::kiosk
