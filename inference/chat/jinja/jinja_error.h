// The one error a template can end with: a syntax error (with line and column), a runtime error in
// jinja2's words ("TypeError: 'NoneType' object is not iterable", the template's own message for
// raise_exception), or a limit that refused a hostile template. Thrown inside the interpreter only;
// JinjaTemplate's API returns it as a value.
#pragma once

#include <string>

namespace hearth::jinja {

enum class JinjaErrorKind {
    Syntax, // the template does not parse (jinja2: TemplateSyntaxError / TemplateAssertionError)
    Runtime, // raised while rendering (TypeError, UndefinedError, SecurityError, ...)
    Raised, // the template called raise_exception(message)
    Limit, // output, string, step or recursion budget exceeded
};

struct JinjaError {
    JinjaErrorKind kind = JinjaErrorKind::Runtime;
    std::string type; // jinja2's exception type: "TemplateSyntaxError", "TypeError", "TemplateError"
    std::string message; // without the type
    int line = 0; // 1-based; 0 when unknown
    int column = 0;

    // "TypeError: 'NoneType' object is not iterable", as render.py records it; syntax errors add
    // " (line L, column C)".
    std::string describe() const
    {
        std::string text = type + ": " + message;
        if (kind == JinjaErrorKind::Syntax && line > 0)
            text += " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
        return text;
    }
};

[[noreturn]] inline void fail(std::string type, std::string message, int line = 0, int column = 0)
{
    throw JinjaError { JinjaErrorKind::Runtime, std::move(type), std::move(message), line, column };
}

} // namespace hearth::jinja
