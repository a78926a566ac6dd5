#include "ssereader.h"

SseReader::SseReader(OnEvent onEvent, size_t maxEventBytes)
    : m_onEvent(std::move(onEvent))
    , m_maxEventBytes(maxEventBytes)
{
}

bool SseReader::feed(std::string_view bytes)
{
    for (const char c : bytes) {
        // "\r\n" is one line end: the \n after a \r ends nothing more.
        if (c == '\n' && m_lastWasCr) {
            m_lastWasCr = false;
            continue;
        }
        m_lastWasCr = c == '\r';
        if (c == '\n' || c == '\r') {
            const bool goOn = line(m_partialLine);
            m_partialLine.clear();
            if (!goOn) return false;
            continue;
        }
        m_partialLine.push_back(c);
        if (m_partialLine.size() + m_data.size() > m_maxEventBytes) {
            m_overflowed = true;
            return false;
        }
    }
    return true;
}

bool SseReader::line(std::string_view text)
{
    // An empty line dispatches the event.
    if (text.empty()) {
        if (!m_hasData) return true;
        const std::string data = std::move(m_data);
        m_data.clear();
        m_hasData = false;
        return m_onEvent(data);
    }
    if (text.front() == ':') return true; // a comment
    const size_t colon = text.find(':');
    const std::string_view field = text.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field != "data") return true; // event, id, retry: the OpenAI API does not use them
    if (m_hasData) m_data.push_back('\n');
    m_data.append(value);
    m_hasData = true;
    return true;
}
