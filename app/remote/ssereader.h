// Server-sent events as the OpenAI API streams them: "data: {json}\n\n" events, ended by
// "data: [DONE]". Bytes arrive in any split; each complete event's data is handed on.
// (https://html.spec.whatwg.org/multipage/server-sent-events.html: lines end in \n, \r\n or \r;
// "data:" lines of one event join with \n; lines starting with ':' are comments, e.g. keep-alives.)
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

class SseReader {
public:
    // Called with the data of each complete event; returning false stops the reading.
    using OnEvent = std::function<bool(std::string_view data)>;
    explicit SseReader(OnEvent onEvent, size_t maxEventBytes = 8 << 20);

    // Returns false when onEvent asked to stop, or an event grew past maxEventBytes.
    bool feed(std::string_view bytes);
    bool overflowed() const { return m_overflowed; }

private:
    bool line(std::string_view text);

    OnEvent m_onEvent;
    size_t m_maxEventBytes;
    std::string m_partialLine;
    std::string m_data;
    bool m_hasData = false;
    bool m_lastWasCr = false;
    bool m_overflowed = false;
};
