#include "chat/jinja/jinja.h"

#include "chat/jinja/jinja_error.h"
#include "chat/jinja/lexer.h"
#include "chat/jinja/parser.h"

namespace hearth::jinja {

namespace {

constexpr size_t kMaxSourceBytes = size_t(4) << 20;

} // namespace

Result<JinjaTemplate> JinjaTemplate::parse(std::string_view source)
{
    if (source.size() > kMaxSourceBytes)
        return makeError(
            ErrorCode::InvalidArgument, "LimitError: the chat template is larger than 4 MiB; refused");
    try {
        JinjaTemplate parsed;
        parsed.m_body = std::make_shared<const Body>(jinja::parse(tokenize(source)));
        return parsed;
    } catch (const JinjaError& error) {
        return makeError(ErrorCode::BadFormat, error.describe());
    }
}

Result<MarkedText> JinjaTemplate::render(const Dict& variables, const Limits& limits, CivilDate today) const
{
    try {
        Interpreter interpreter(variables, limits, today);
        return interpreter.render(*m_body);
    } catch (const JinjaError& error) {
        return makeError(
            error.kind == JinjaErrorKind::Limit ? ErrorCode::OutOfMemory : ErrorCode::InvalidArgument,
            error.describe());
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "LimitError: the template ran out of memory; refused");
    }
}

} // namespace hearth::jinja
