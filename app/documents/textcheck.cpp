#include "textcheck.h"

#include <QString>

namespace hearth::documents {

namespace {

// Length of the valid UTF-8 sequence starting at `i`, or 0 when it is not one.
size_t utf8SequenceLength(std::string_view s, size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    size_t length = 0;
    uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
        length = 2;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        length = 3;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        length = 4;
        min = 0x10000;
    } else
        return 0;
    if (i + length > s.size()) return 0;
    uint32_t code = c & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(s[i + k]);
        if ((next & 0xC0) != 0x80) return 0;
        code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
    if (code < min || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return 0;
    return length;
}

// Control characters other than tab, newline, carriage return and form feed: text has almost none.
size_t controlBytes(std::string_view bytes)
{
    size_t count = 0;
    for (char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++count;
    }
    return count;
}

Error binaryError()
{
    return makeError(ErrorCode::BadFormat,
        "this file does not contain text (it looks like binary data, e.g. an image or a "
        "program, with a text file's extension)");
}

} // namespace

size_t invalidUtf8Bytes(std::string_view bytes)
{
    size_t invalid = 0;
    for (size_t i = 0; i < bytes.size();) {
        const size_t length = utf8SequenceLength(bytes, i);
        if (length == 0) {
            ++invalid;
            ++i;
        } else {
            i += length;
        }
    }
    return invalid;
}

Result<std::string> decodeText(std::string_view bytes)
{
    // UTF-16 with a byte-order mark: Qt converts it (NUL bytes are expected there).
    if (bytes.size() >= 2
        && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
        const bool little = bytes[0] == '\xFF';
        QString text;
        text.reserve(static_cast<qsizetype>(bytes.size() / 2));
        for (size_t i = 2; i + 1 < bytes.size(); i += 2) {
            const auto a = static_cast<unsigned char>(bytes[i]);
            const auto b = static_cast<unsigned char>(bytes[i + 1]);
            text.append(QChar(little ? (b << 8 | a) : (a << 8 | b)));
        }
        return text.toStdString();
    }
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);

    // A NUL byte never occurs in UTF-8 or 8-bit text; more than 1% control characters is not prose.
    if (bytes.find('\0') != std::string_view::npos || controlBytes(bytes) * 100 > bytes.size())
        return binaryError();

    const size_t invalid = invalidUtf8Bytes(bytes);
    if (invalid == 0) return std::string(bytes);
    // Invalid UTF-8 in a third of the bytes is binary; fewer stray high bytes are an 8-bit encoding
    // (accented letters of Latin-1, read here as such).
    if (invalid * 3 > bytes.size()) return binaryError();
    return QString::fromLatin1(bytes.data(), static_cast<qsizetype>(bytes.size())).toStdString();
}

} // namespace hearth::documents
