// The globals every render sees: jinja2's range, namespace and dict, and transformers'
// raise_exception and strftime_now (formatting a fixed date, so renders are reproducible).
#include "chat/jinja/interpreter.h"
#include "chat/jinja/jinja_error.h"

#include <cstdio>

namespace hearth::jinja {

namespace {

// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Python's strftime for a date at midnight, C locale.
std::string formatDate(const std::string& format, CivilDate date)
{
    static const char* const months[] = { "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December" };
    static const char* const days[]
        = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
    const int64_t epochDays = daysFromCivil(date.year, date.month, date.day);
    const int weekday = static_cast<int>(((epochDays % 7) + 7 + 3) % 7); // 1970-01-01 was a Thursday
    const int yearDay = static_cast<int>(epochDays - daysFromCivil(date.year, 1, 1)) + 1;
    std::string out;
    char buffer[32];
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 == format.size()) {
            out += format[i];
            continue;
        }
        const char c = format[++i];
        switch (c) {
        case 'd':
            std::snprintf(buffer, sizeof buffer, "%02d", date.day);
            break;
        case 'e':
            std::snprintf(buffer, sizeof buffer, "%2d", date.day);
            break;
        case 'm':
            std::snprintf(buffer, sizeof buffer, "%02d", date.month);
            break;
        case 'Y':
            std::snprintf(buffer, sizeof buffer, "%d", date.year);
            break;
        case 'y':
            std::snprintf(buffer, sizeof buffer, "%02d", date.year % 100);
            break;
        case 'b':
        case 'h':
            std::snprintf(buffer, sizeof buffer, "%.3s", months[date.month - 1]);
            break;
        case 'B':
            std::snprintf(buffer, sizeof buffer, "%s", months[date.month - 1]);
            break;
        case 'a':
            std::snprintf(buffer, sizeof buffer, "%.3s", days[weekday]);
            break;
        case 'A':
            std::snprintf(buffer, sizeof buffer, "%s", days[weekday]);
            break;
        case 'j':
            std::snprintf(buffer, sizeof buffer, "%03d", yearDay);
            break;
        case 'H':
        case 'M':
        case 'S':
            std::snprintf(buffer, sizeof buffer, "00");
            break;
        case 'I':
            std::snprintf(buffer, sizeof buffer, "12");
            break;
        case 'p':
            std::snprintf(buffer, sizeof buffer, "AM");
            break;
        case 'F':
            std::snprintf(buffer, sizeof buffer, "%d-%02d-%02d", date.year, date.month, date.day);
            break;
        case '%':
            std::snprintf(buffer, sizeof buffer, "%%");
            break;
        default:
            std::snprintf(buffer, sizeof buffer, "%%%c", c);
        }
        out += buffer;
    }
    return out;
}

} // namespace

void Interpreter::installBuiltins()
{
    Dict& g = m_globals.vars;
    g.set("range", Value::function("range", [this](CallArgs& args) {
        int64_t start = 0, stop = 0, step = 1;
        auto integer = [](const Value& v) {
            if (v.kind() != ValueKind::Int)
                fail("TypeError", "'" + v.typeName() + "' object cannot be interpreted as an integer");
            return v.integer();
        };
        const auto& p = args.positional;
        if (p.size() == 1) {
            stop = integer(p[0]);
        } else if (p.size() >= 2) {
            start = integer(p[0]);
            stop = integer(p[1]);
            if (p.size() > 2) step = integer(p[2]);
        } else {
            fail("TypeError", "range expected at least 1 argument, got 0");
        }
        if (step == 0) fail("ValueError", "range() arg 3 must not be zero");
        const int64_t count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                                       : (start > stop ? (start - stop - step - 1) / -step : 0);
        checkItems(static_cast<size_t>(count));
        List out;
        for (int64_t i = 0; i < count; ++i)
            out.push_back(Value(start + i * step));
        return Value::list(std::move(out));
    }));
    g.set("namespace", Value::function("namespace", [](CallArgs& args) {
        Dict attributes;
        for (const auto& arg : args.positional)
            if (arg.isDict())
                for (const auto& [key, value] : arg.entries().entries)
                    attributes.set(key, value);
        for (const auto& [key, value] : args.named)
            attributes.set(key, value);
        return Value::ns(std::move(attributes));
    }));
    g.set("dict", Value::function("dict", [](CallArgs& args) {
        Dict entries;
        for (const auto& arg : args.positional)
            if (arg.isDict()) entries = arg.entries();
        for (const auto& [key, value] : args.named)
            entries.set(key, value);
        return Value::dict(std::move(entries));
    }));
    g.set("raise_exception", Value::function("raise_exception", [](CallArgs& args) -> Value {
        const std::string message
            = args.positional.empty() ? std::string() : toText(args.positional[0]).str();
        throw JinjaError { JinjaErrorKind::Raised, "TemplateError", message };
    }));
    g.set("strftime_now", Value::function("strftime_now", [this](CallArgs& args) {
        if (args.positional.empty() || !args.positional[0].isString())
            fail("TypeError", "strftime_now() needs a format string");
        return Value(formatDate(args.positional[0].text().str(), m_today));
    }));
}

} // namespace hearth::jinja
