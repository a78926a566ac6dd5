// Frame encoding and incremental decoding for the engine protocol (see protocol.h, docs/protocol.md).
#include "protocol.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace hearth::protocol {

namespace {

uint32_t readLength(const char* p)
{
    // Little-endian on the wire whatever the host order.
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return uint32_t(u[0]) | (uint32_t(u[1]) << 8) | (uint32_t(u[2]) << 16) | (uint32_t(u[3]) << 24);
}

void writeLength(char* p, uint32_t n)
{
    for (int i = 0; i < 4; ++i)
        p[i] = char((n >> (8 * i)) & 0xff);
}

} // namespace

QByteArray encodeFrame(const QJsonObject& message)
{
    const QByteArray body = QJsonDocument(message).toJson(QJsonDocument::Compact);
    if (body.size() > qsizetype(kMaxFrameBytes)) return {};
    QByteArray frame(4, '\0');
    writeLength(frame.data(), uint32_t(body.size()));
    frame.append(body);
    return frame;
}

void FrameReader::append(const QByteArray& bytes)
{
    if (m_broken) return;
    // Drop what was consumed before growing the buffer, so a long session does not keep it all.
    if (m_offset > 0 && m_offset >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

std::optional<Result<QJsonObject>> FrameReader::next()
{
    if (m_broken) return Result<QJsonObject>(m_brokenError);
    // Step 1: the length prefix.
    if (pendingBytes() < 4) return std::nullopt;
    const uint32_t length = readLength(m_buffer.constData() + m_offset);
    if (length > kMaxFrameBytes) {
        // We cannot skip a frame we refuse to buffer: the stream is lost from here on.
        m_broken = true;
        m_brokenError = makeError(ErrorCode::BadFormat,
            "frame of " + std::to_string(length) + " bytes exceeds the limit of "
                + std::to_string(kMaxFrameBytes));
        m_buffer.clear();
        m_offset = 0;
        return Result<QJsonObject>(m_brokenError);
    }
    // Step 2: the whole body, or wait for more.
    if (pendingBytes() < 4 + qsizetype(length)) return std::nullopt;
    const QByteArray body = m_buffer.mid(m_offset + 4, length);
    m_offset += 4 + length;

    // Step 3: one JSON object with a string "type".
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Result<QJsonObject>(makeError(
            ErrorCode::BadFormat, "frame is not valid JSON: " + parseError.errorString().toStdString()));
    if (!doc.isObject())
        return Result<QJsonObject>(makeError(ErrorCode::BadFormat, "frame is not a JSON object"));
    const QJsonObject object = doc.object();
    if (!object.value("type").isString())
        return Result<QJsonObject>(makeError(ErrorCode::BadFormat, "frame has no \"type\" string"));
    return Result<QJsonObject>(object);
}

bool isRequestType(const QString& t)
{
    return t == type::load || t == type::unload || t == type::generate || t == type::cancel
        || t == type::devices || t == type::count || t == type::serve || t == type::stopServing;
}

bool isReplyType(const QString& t)
{
    return t == type::hello || t == type::progress || t == type::loaded || t == type::unloaded
        || t == type::piece || t == type::done || t == type::devices || t == type::error || t == type::counted
        || t == type::serving || t == type::servingStopped || t == type::served;
}

QJsonObject errorMessage(
    const QString& code, const QString& message, const QString& id, const QString& request)
{
    QJsonObject o { { "type", type::error }, { "code", code }, { "message", message } };
    if (!id.isEmpty()) o.insert("id", id);
    if (!request.isEmpty()) o.insert("request", request);
    return o;
}

} // namespace hearth::protocol
