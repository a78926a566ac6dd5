#include "engine/stop_strings.h"

#include <algorithm>
#include <utility>

namespace hearth {

std::string StopStringFilter::push(std::string_view text, bool& stopped)
{
    stopped = false;
    m_held.append(text);
    if (m_stops.empty()) return std::exchange(m_held, {});

    // A complete marker: show what precedes the earliest one, drop the rest.
    size_t earliest = std::string::npos;
    for (const auto& stop : m_stops) {
        if (!stop.empty()) earliest = std::min(earliest, m_held.find(stop));
    }
    if (earliest != std::string::npos) {
        stopped = true;
        std::string out = m_held.substr(0, earliest);
        m_held.clear();
        return out;
    }

    // Hold back the longest tail that could still grow into a marker.
    size_t keep = 0;
    for (const auto& stop : m_stops) {
        for (size_t k = std::min(stop.size() - 1, m_held.size()); k > keep; --k) {
            if (m_held.compare(m_held.size() - k, k, stop, 0, k) == 0) {
                keep = k;
                break;
            }
        }
    }
    std::string out = m_held.substr(0, m_held.size() - keep);
    m_held.erase(0, m_held.size() - keep);
    return out;
}

std::string StopStringFilter::flush()
{
    return std::exchange(m_held, {});
}

} // namespace hearth
