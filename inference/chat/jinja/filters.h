// jinja2's filters (`x | trim`) and tests (`x is defined`) that chat templates use, with
// transformers' `tojson`.
#pragma once

#include "chat/jinja/value.h"

#include <string_view>

namespace hearth::jinja {

class Interpreter;

bool hasFilter(std::string_view name);
bool hasTest(std::string_view name);
Value applyFilter(Interpreter& interpreter, const std::string& name, const Value& input, CallArgs& args);
bool applyTest(Interpreter& interpreter, const std::string& name, const Value& input, CallArgs& args);

} // namespace hearth::jinja
