// Expressions: names, literals, attribute and item access, slicing, calls, operators with Python's
// semantics and jinja2's Undefined rules (printing it gives "", using it raises UndefinedError).
#include "chat/jinja/filters.h"
#include "chat/jinja/interpreter.h"
#include "chat/jinja/jinja_error.h"
#include "chat/jinja/methods.h"
#include "chat/jinja/unicode_text.h"

#include <cmath>

namespace hearth::jinja {

namespace {

[[noreturn]] void undefinedError(const Value& value)
{
    fail("UndefinedError", value.undefinedHint());
}

// jinja2's object_type_repr: "dict object", "None", "str object".
std::string objectRepr(const Value& value)
{
    if (value.isNone()) return "None";
    return value.typeName() + " object";
}

bool isNumeric(const Value& v)
{
    return v.isNumber() || v.kind() == ValueKind::Bool;
}

int64_t asInt(const Value& v)
{
    return v.kind() == ValueKind::Bool ? int64_t(v.boolean()) : v.integer();
}

double asDouble(const Value& v)
{
    return v.kind() == ValueKind::Bool ? double(v.boolean()) : v.number();
}

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b)
{
    fail("TypeError",
        "unsupported operand type(s) for " + op + ": '" + a.typeName() + "' and '" + b.typeName() + "'");
}

int compareValues(const Value& a, const Value& b, const std::string& op)
{
    if (isNumeric(a) && isNumeric(b)) {
        const double x = asDouble(a), y = asDouble(b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.isString() && b.isString()) return a.text().str().compare(b.text().str());
    if (a.isList() && b.isList()) {
        for (size_t i = 0; i < a.items().size() && i < b.items().size(); ++i) {
            if (!equals(a.items()[i], b.items()[i])) return compareValues(a.items()[i], b.items()[i], op);
        }
        return a.items().size() < b.items().size() ? -1 : a.items().size() > b.items().size() ? 1 : 0;
    }
    if (a.isUndefined()) undefinedError(a);
    if (b.isUndefined()) undefinedError(b);
    fail("TypeError",
        "'" + op + "' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

// Python's slice indices for a sequence of `length`.
std::vector<size_t> sliceIndices(
    int64_t length, const Value& start, const Value& stop, const Value& stepValue)
{
    auto given = [](const Value& v) { return !v.isUndefined() && !v.isNone(); };
    auto toInt = [](const Value& v) {
        if (!isNumeric(v) || v.kind() == ValueKind::Float)
            fail("TypeError", "slice indices must be integers or None or have an __index__ method");
        return asInt(v);
    };
    const int64_t step = given(stepValue) ? toInt(stepValue) : 1;
    if (step == 0) fail("ValueError", "slice step cannot be zero");
    auto clamp = [&](const Value& v, int64_t fallback) {
        if (!given(v)) return fallback;
        int64_t i = toInt(v);
        if (i < 0) i += length;
        if (step > 0) return std::clamp<int64_t>(i, 0, length);
        return std::clamp<int64_t>(i, -1, length - 1);
    };
    const int64_t begin = clamp(start, step > 0 ? 0 : length - 1);
    const int64_t end = clamp(stop, step > 0 ? length : -1);
    std::vector<size_t> indices;
    for (int64_t i = begin; step > 0 ? i < end : i > end; i += step)
        indices.push_back(static_cast<size_t>(i));
    return indices;
}

} // namespace

List Interpreter::iterate(const Value& value)
{
    switch (value.kind()) {
    case ValueKind::Undefined:
        return {};
    case ValueKind::List:
        return value.items();
    case ValueKind::Dict: {
        List keys;
        for (const auto& [key, item] : value.entries().entries)
            keys.push_back(Value(key));
        return keys;
    }
    case ValueKind::String: {
        List chars;
        const auto offsets = codepointOffsets(value.text().str());
        for (size_t i = 0; i + 1 < offsets.size(); ++i)
            chars.push_back(Value(value.text().substr(offsets[i], offsets[i + 1] - offsets[i])));
        return chars;
    }
    default:
        fail("TypeError", "'" + value.typeName() + "' object is not iterable");
    }
}

Value Interpreter::getAttribute(const Value& object, const std::string& name)
{
    if (object.isUndefined()) undefinedError(object);
    if (auto method = boundMethod(*this, object, name)) return *method;
    if (object.isDict() || object.kind() == ValueKind::Namespace) {
        if (const Value* found = object.entries().find(name)) return *found;
    }
    return Value::undefined("'" + objectRepr(object) + "' has no attribute '" + name + "'");
}

Value Interpreter::getItem(const Value& object, const Value& key)
{
    if (object.isUndefined()) undefinedError(object);
    if (object.isDict() && key.isString()) {
        if (const Value* found = object.entries().find(key.text().str())) return *found;
    }
    if ((object.isList() || object.isString()) && isNumeric(key) && key.kind() != ValueKind::Float) {
        const bool isString = object.isString();
        std::vector<size_t> offsets;
        if (isString) offsets = codepointOffsets(object.text().str());
        const int64_t length = isString ? static_cast<int64_t>(offsets.size()) - 1
                                        : static_cast<int64_t>(object.items().size());
        int64_t index = asInt(key);
        if (index < 0) index += length;
        if (index >= 0 && index < length) {
            if (!isString) return object.items()[static_cast<size_t>(index)];
            return Value(object.text().substr(offsets[index], offsets[index + 1] - offsets[index]));
        }
        return Value::undefined(objectRepr(object) + " has no element " + std::to_string(asInt(key)));
    }
    if (key.isString()) return getAttribute(object, key.text().str());
    return Value::undefined(objectRepr(object) + " has no element " + pythonRepr(key));
}

Value Interpreter::slice(const Value& object, const Expr& expr)
{
    auto part = [&](size_t i) { return expr.args[i] ? evaluate(*expr.args[i]) : Value::none(); };
    const Value start = part(1), stop = part(2), stepValue = part(3);
    if (object.isUndefined()) undefinedError(object);
    if (object.isList()) {
        List out;
        for (size_t i : sliceIndices(static_cast<int64_t>(object.items().size()), start, stop, stepValue))
            out.push_back(object.items()[i]);
        return Value::list(std::move(out), object.isTuple());
    }
    if (object.isString()) {
        const auto offsets = codepointOffsets(object.text().str());
        const auto indices = sliceIndices(static_cast<int64_t>(offsets.size()) - 1, start, stop, stepValue);
        MarkedText out;
        for (size_t i : indices)
            out.append(object.text().substr(offsets[i], offsets[i + 1] - offsets[i]));
        return Value(std::move(out));
    }
    fail("TypeError", "'" + object.typeName() + "' object is not subscriptable");
}

Value Interpreter::call(const Value& callee, CallArgs& args)
{
    step();
    if (callee.isUndefined()) undefinedError(callee);
    if (!callee.isCallable()) fail("TypeError", "'" + callee.typeName() + "' object is not callable");
    return callee.fn()(args);
}

CallArgs Interpreter::evaluateArguments(const Expr& expr, size_t firstArg)
{
    CallArgs args;
    for (size_t i = firstArg; i < expr.args.size(); ++i)
        args.positional.push_back(evaluate(*expr.args[i]));
    for (const auto& [name, value] : expr.kwargs)
        args.named.emplace_back(name, evaluate(*value));
    return args;
}

Value Interpreter::evaluate(const Expr& expr)
{
    step();
    try {
        switch (expr.kind) {
        case ExprKind::Literal:
            return expr.literal;
        case ExprKind::Name:
            return lookup(expr.name);
        case ExprKind::List:
        case ExprKind::Tuple: {
            List items;
            for (const auto& arg : expr.args)
                items.push_back(evaluate(*arg));
            return Value::list(std::move(items), expr.kind == ExprKind::Tuple);
        }
        case ExprKind::Dict: {
            Dict dict;
            for (size_t i = 0; i + 1 < expr.args.size(); i += 2) {
                const Value key = evaluate(*expr.args[i]);
                dict.set(key.isString() ? key.text().str() : pythonRepr(key), evaluate(*expr.args[i + 1]));
            }
            return Value::dict(std::move(dict));
        }
        case ExprKind::Attribute:
            return getAttribute(evaluate(*expr.args[0]), expr.name);
        case ExprKind::Item: {
            const Value object = evaluate(*expr.args[0]);
            return getItem(object, evaluate(*expr.args[1]));
        }
        case ExprKind::Slice:
            return slice(evaluate(*expr.args[0]), expr);
        case ExprKind::Call: {
            const Value callee = evaluate(*expr.args[0]);
            CallArgs args = evaluateArguments(expr, 1);
            return call(callee, args);
        }
        case ExprKind::Filter:
            return evaluateFilter(expr);
        case ExprKind::Test:
            return evaluateTest(expr);
        case ExprKind::Unary: {
            const Value operand = evaluate(*expr.args[0]);
            if (expr.name == "not") return Value(!operand.truthy());
            if (operand.isUndefined()) undefinedError(operand);
            if (!isNumeric(operand))
                fail("TypeError",
                    "bad operand type for unary " + expr.name + ": '" + operand.typeName() + "'");
            if (expr.name == "+") return operand.kind() == ValueKind::Float ? operand : Value(asInt(operand));
            return operand.kind() == ValueKind::Float ? Value(-operand.number()) : Value(-asInt(operand));
        }
        case ExprKind::Binary:
            return evaluateBinary(expr);
        case ExprKind::Conditional:
            if (evaluate(*expr.args[1]).truthy()) return evaluate(*expr.args[0]);
            return expr.args[2]
                ? evaluate(*expr.args[2])
                : Value::undefined("the inline if-expression on line " + std::to_string(expr.line)
                    + " evaluated to false and no else section was defined.");
        }
    } catch (JinjaError& error) {
        if (error.line == 0) {
            error.line = expr.line;
            error.column = expr.column;
        }
        throw;
    }
    return {};
}

Value Interpreter::evaluateFilter(const Expr& expr)
{
    Value input = expr.args[0] ? evaluate(*expr.args[0]) : m_filterInput.value_or(Value());
    CallArgs args = evaluateArguments(expr, 1);
    return applyFilter(*this, expr.name, input, args);
}

Value Interpreter::evaluateTest(const Expr& expr)
{
    Value input = evaluate(*expr.args[0]);
    CallArgs args = evaluateArguments(expr, 1);
    const bool result = applyTest(*this, expr.name, input, args);
    return Value(expr.negated ? !result : result);
}

Value Interpreter::evaluateBinary(const Expr& expr)
{
    const std::string& op = expr.name;
    const Value a = evaluate(*expr.args[0]);
    if (op == "and") return a.truthy() ? evaluate(*expr.args[1]) : a;
    if (op == "or") return a.truthy() ? a : evaluate(*expr.args[1]);
    const Value b = evaluate(*expr.args[1]);
    if (op == "==") return Value(equals(a, b));
    if (op == "!=") return Value(!equals(a, b));
    if (op == "~") {
        MarkedText out = toText(a);
        const MarkedText right = toText(b);
        checkBytes(out.size() + right.size());
        out.append(right);
        return Value(std::move(out));
    }
    if (op == "in" || op == "not in") {
        bool found = false;
        if (b.isString()) {
            if (!a.isString())
                fail("TypeError", "'in <string>' requires string as left operand, not " + a.typeName());
            found = b.text().str().find(a.text().str()) != std::string::npos;
        } else if (b.isDict() || b.kind() == ValueKind::Namespace) {
            found = a.isString() && b.entries().find(a.text().str());
        } else if (b.isList() || b.isUndefined()) {
            for (const auto& item : iterate(b))
                found = found || equals(a, item);
        } else {
            fail("TypeError", "argument of type '" + b.typeName() + "' is not iterable");
        }
        return Value(op == "in" ? found : !found);
    }
    if (a.isUndefined()) undefinedError(a);
    if (b.isUndefined()) undefinedError(b);
    if (op == "<") return Value(compareValues(a, b, op) < 0);
    if (op == ">") return Value(compareValues(a, b, op) > 0);
    if (op == "<=") return Value(compareValues(a, b, op) <= 0);
    if (op == ">=") return Value(compareValues(a, b, op) >= 0);
    if (op == "+") {
        if (a.isString() && b.isString()) {
            checkBytes(a.text().size() + b.text().size());
            MarkedText out = a.text();
            out.append(b.text());
            return Value(std::move(out));
        }
        if (a.isList() && b.isList()) {
            checkItems(a.items().size() + b.items().size());
            List out = a.items();
            out.insert(out.end(), b.items().begin(), b.items().end());
            return Value::list(std::move(out), a.isTuple());
        }
        if (a.isString() && !b.isString())
            fail("TypeError", "can only concatenate str (not \"" + b.typeName() + "\") to str");
        if (a.isList() && !b.isList())
            fail("TypeError", "can only concatenate list (not \"" + b.typeName() + "\") to list");
    }
    if (op == "*" && (a.isString() || a.isList() || b.isString() || b.isList())) {
        const Value& seq = a.isString() || a.isList() ? a : b;
        const Value& count = a.isString() || a.isList() ? b : a;
        if (!isNumeric(count) || count.kind() == ValueKind::Float)
            fail("TypeError", "can't multiply sequence by non-int of type '" + count.typeName() + "'");
        const int64_t n = std::max<int64_t>(0, asInt(count));
        if (seq.isString()) {
            if (n > 0) checkBytes(seq.text().size() * static_cast<size_t>(n));
            MarkedText out;
            for (int64_t i = 0; i < n; ++i)
                out.append(seq.text());
            return Value(std::move(out));
        }
        if (n > 0) checkItems(seq.items().size() * static_cast<size_t>(n));
        List out;
        for (int64_t i = 0; i < n; ++i)
            out.insert(out.end(), seq.items().begin(), seq.items().end());
        return Value::list(std::move(out), seq.isTuple());
    }
    if (!isNumeric(a) || !isNumeric(b)) unsupported(op, a, b);
    const bool floats = a.kind() == ValueKind::Float || b.kind() == ValueKind::Float;
    const double x = asDouble(a), y = asDouble(b);
    if (op == "/") {
        if (y == 0) fail("ZeroDivisionError", "division by zero");
        return Value(x / y);
    }
    if (op == "//" || op == "%") {
        if (y == 0)
            fail("ZeroDivisionError",
                op == "%" ? "integer modulo by zero" : "integer division or modulo by zero");
        if (floats) {
            const double q = std::floor(x / y);
            return op == "//" ? Value(q) : Value(x - q * y);
        }
        const int64_t i = asInt(a), j = asInt(b);
        int64_t q = i / j;
        if ((i % j != 0) && ((i < 0) != (j < 0))) --q;
        return op == "//" ? Value(q) : Value(i - q * j);
    }
    if (op == "**") {
        if (!floats && asInt(b) >= 0) {
            // Exponentiation by squaring, refusing what leaves 64 bits (Python would go on).
            int64_t result = 1, base = asInt(a), exponent = asInt(b);
            bool overflow = false;
            while (exponent > 0 && !overflow) {
                if (exponent & 1) overflow = __builtin_mul_overflow(result, base, &result);
                exponent >>= 1;
                if (exponent > 0) overflow = overflow || __builtin_mul_overflow(base, base, &base);
            }
            if (overflow) fail("OverflowError", "integer result too large");
            return Value(result);
        }
        return Value(std::pow(x, y));
    }
    if (floats) {
        if (op == "+") return Value(x + y);
        if (op == "-") return Value(x - y);
        if (op == "*") return Value(x * y);
    } else {
        int64_t result = 0;
        const bool overflow = op == "+" ? __builtin_add_overflow(asInt(a), asInt(b), &result)
            : op == "-"                 ? __builtin_sub_overflow(asInt(a), asInt(b), &result)
                                        : __builtin_mul_overflow(asInt(a), asInt(b), &result);
        if (overflow) fail("OverflowError", "integer result too large");
        return Value(result);
    }
    unsupported(op, a, b);
}

} // namespace hearth::jinja
