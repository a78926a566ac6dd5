// Template source to tokens, with whitespace control exactly as jinja2 applies it under
// transformers' settings: trim_blocks (the newline after a block or comment tag goes), lstrip_blocks
// (spaces and tabs before a block or comment tag on its own line go), "-" strips all whitespace on
// that side, "+" turns the block settings off. Newlines are normalised to "\n" and one trailing
// newline of the source is dropped (keep_trailing_newline=False).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hearth::jinja {

enum class TokenKind {
    Text, // template data between tags
    VariableBegin, // {{
    VariableEnd, // }}
    BlockBegin, // {%
    BlockEnd, // %}
    Name,
    String,
    Integer,
    Float,
    Operator, // + - * / // % ** ~ ( ) [ ] { } , . : | = == != < > <= >=
    End, // end of the template
};

struct Token {
    TokenKind kind;
    std::string text; // Text: the data; String: the unescaped value; others: the source text
    int line = 1;
    int column = 1;
};

// Throws JinjaError (TemplateSyntaxError) on an unterminated tag, comment or string.
std::vector<Token> tokenize(std::string_view source);

} // namespace hearth::jinja
