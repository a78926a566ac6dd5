// StopStringFilter: ends a reply at a text marker (the plain chat format's "\nUser:"), for models
// whose turn end is not a token. Streamed text that might be the start of a marker is held back
// until it is clear either way, so the marker never reaches the user.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class StopStringFilter {
public:
    explicit StopStringFilter(std::vector<std::string> stops)
        : m_stops(std::move(stops))
    {
    }

    // Adds text; returns what is safe to show. Sets `stopped` when a marker completed: the text
    // before it has been returned and everything after is dropped.
    std::string push(std::string_view text, bool& stopped);
    // End of the reply: the held-back text (it turned out not to be a marker).
    std::string flush();

private:
    std::vector<std::string> m_stops;
    std::string m_held;
};

} // namespace hearth
