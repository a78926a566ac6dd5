// Result<T>: a value or an Error that names what was expected and what was found.
// Recoverable failures (bad file, unsupported type, no device, out of memory) travel as values;
// no exceptions cross module boundaries.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hearth {

enum class ErrorCode {
    InvalidArgument,
    FileNotFound,
    Io,
    BadFormat, // malformed input file (GGUF, document, ...)
    Unsupported, // well-formed but not something we can run (tensor type, architecture)
    NoDevice,
    OutOfMemory,
    DeviceLost,
    Cancelled,
    Internal,
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
};

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value)
        : m_state(std::move(value))
    {
    }
    Result(Error error)
        : m_state(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// Result<void> equivalent.
struct Ok { };
using Status = Result<Ok>;

inline Error makeError(ErrorCode code, std::string message)
{
    return Error { code, std::move(message) };
}

} // namespace hearth

// Programmer errors (never user input): log file:line and abort.
#define HEARTH_CHECK(cond)                                                                                   \
    do {                                                                                                     \
        if (!(cond)) ::hearth::detail::checkFailed(#cond, __FILE__, __LINE__);                               \
    } while (0)

namespace hearth::detail {
[[noreturn]] void checkFailed(const char* expr, const char* file, int line);
}
