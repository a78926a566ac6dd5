// The framed protocol between the GUI (hearth) and the engine process (hearth-engine).
// A frame is a 4-byte little-endian length followed by that many bytes of one UTF-8 JSON object
// with a "type" field. Both sides share this file; docs/protocol.md describes every message.
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <cstdint>
#include <optional>

namespace hearth::protocol {

inline constexpr int kVersion = 1;
// Largest accepted frame body. A long conversation is a few hundred KiB of JSON; anything near this
// is a broken or hostile peer, and we refuse it before allocating.
inline constexpr uint32_t kMaxFrameBytes = 16u * 1024u * 1024u;

// Message types, one constant each so typos fail to compile.
namespace type {
inline constexpr const char* hello = "hello";
inline constexpr const char* load = "load";
inline constexpr const char* progress = "progress";
inline constexpr const char* loaded = "loaded";
inline constexpr const char* unload = "unload";
inline constexpr const char* unloaded = "unloaded";
inline constexpr const char* generate = "generate";
inline constexpr const char* piece = "piece";
inline constexpr const char* done = "done";
inline constexpr const char* cancel = "cancel";
inline constexpr const char* devices = "devices";
inline constexpr const char* count = "count";
inline constexpr const char* counted = "counted";
inline constexpr const char* error = "error";
inline constexpr const char* serve = "serve";
inline constexpr const char* serving = "serving";
inline constexpr const char* stopServing = "stopServing";
inline constexpr const char* servingStopped = "servingStopped";
inline constexpr const char* served = "served";
} // namespace type

// Serializes one message as a frame. Returns an empty array (and never a truncated frame) when the
// body would exceed kMaxFrameBytes.
QByteArray encodeFrame(const QJsonObject& message);

// Incremental frame decoder: feed it bytes as they arrive, take whole messages out.
// A frame whose body is not a JSON object, or has no string "type", is reported as an error and
// skipped (the length told us where it ends). An oversized length cannot be skipped safely: the
// reader becomes broken and every later next() repeats that error.
class FrameReader {
public:
    void append(const QByteArray& bytes);
    // The next complete message, an error for a malformed one, or nullopt when more bytes are needed.
    std::optional<Result<QJsonObject>> next();
    // Bytes of a frame started but not finished (a peer that vanished mid-frame leaves some).
    qsizetype pendingBytes() const { return m_buffer.size() - m_offset; }
    bool broken() const { return m_broken; }

private:
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    bool m_broken = false;
    Error m_brokenError;
};

// Checks that a decoded message carries one of the known types for its direction.
bool isRequestType(const QString& type);
bool isReplyType(const QString& type);

// Helpers for the common replies.
QJsonObject errorMessage(
    const QString& code, const QString& message, const QString& id = {}, const QString& request = {});

} // namespace hearth::protocol
