// Tokens to a tree of Nodes, following jinja2's grammar and operator precedence. Throws JinjaError
// (TemplateSyntaxError, with line and column) on anything jinja2 would refuse to compile.
#pragma once

#include "chat/jinja/ast.h"
#include "chat/jinja/lexer.h"

namespace hearth::jinja {

Body parse(const std::vector<Token>& tokens);

} // namespace hearth::jinja
