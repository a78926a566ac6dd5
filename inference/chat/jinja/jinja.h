// Hearth's Jinja: chat templates rendered byte for byte as Python's jinja2 renders them under
// Hugging Face transformers' settings (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
// loop controls, transformers' tojson, raise_exception and strftime_now).
//
//   auto parsed = JinjaTemplate::parse(source);          // syntax errors: line and column
//   auto text = parsed->render(variables, {}, date);     // MarkedText: which bytes came from data
//
// Hostile templates are refused in bounded time and memory (Limits).
#pragma once

#include "chat/jinja/ast.h"
#include "chat/jinja/interpreter.h"
#include "util/result.h"

#include <memory>
#include <string_view>

namespace hearth::jinja {

class JinjaTemplate {
public:
    // Error.message: "TemplateSyntaxError: unexpected '}' (line 3, column 7)".
    static Result<JinjaTemplate> parse(std::string_view source);

    // `variables`: messages, add_generation_prompt, bos_token, ... Strings the caller marks as its own
    // (MarkedText fromCaller) keep that mark through the render. Error.message is jinja2's:
    // "TemplateError: System role not supported" for raise_exception, "TypeError: ..." and so on.
    Result<MarkedText> render(const Dict& variables, const Limits& limits = {}, CivilDate today = {}) const;

private:
    std::shared_ptr<const Body> m_body;
};

} // namespace hearth::jinja
