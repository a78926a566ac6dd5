// Python methods templates call on values: str.strip/split/startswith/replace/..., dict.items/get/
// keys/values; list mutators exist only to raise the sandbox's SecurityError.
#pragma once

#include "chat/jinja/value.h"

#include <optional>

namespace hearth::jinja {

class Interpreter;

// The bound method `object.name`, or nullopt when the type has no such method.
std::optional<Value> boundMethod(Interpreter& interpreter, const Value& object, const std::string& name);

} // namespace hearth::jinja
