#include "chat/jinja/filters.h"

#include "chat/jinja/interpreter.h"
#include "chat/jinja/jinja_error.h"
#include "chat/jinja/json.h"
#include "chat/jinja/unicode_text.h"

#include <algorithm>
#include <cmath>

namespace hearth::jinja {

namespace {

const char* const kFilters[] = { "abs", "capitalize", "count", "d", "default", "dictsort", "first", "float",
    "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
    "rejectattr", "replace", "reverse", "safe", "select", "selectattr", "sort", "string", "sum", "title",
    "tojson", "trim", "unique", "upper", "wordcount" };

const char* const kTests[] = { "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "even",
    "false", "filter", "float", "ge", "gt", "in", "integer", "iterable", "le", "lower", "lt", "mapping", "ne",
    "none", "number", "odd", "sameas", "sequence", "string", "test", "true", "undefined", "upper",
    "==", "!=", "<", ">", "<=", ">=" };

const Value* argument(const CallArgs& args, size_t index, const char* name)
{
    if (index < args.positional.size()) return &args.positional[index];
    return args.find(name);
}

bool isNumeric(const Value& v)
{
    return v.isNumber() || v.kind() == ValueKind::Bool;
}

// The attribute path "a.b" of select/map/sort, as jinja2's make_attrgetter walks it.
Value attributePath(Interpreter& interpreter, const Value& item, const std::string& path)
{
    Value current = item;
    size_t pos = 0;
    while (true) {
        const size_t dot = path.find('.', pos);
        const std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        const bool digits = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
        current = digits ? interpreter.getItem(current, Value(static_cast<int64_t>(std::stoll(part))))
                         : interpreter.getItem(current, Value(part));
        if (dot == std::string::npos) return current;
        pos = dot + 1;
    }
}

// select / reject / selectattr / rejectattr.
Value selectItems(Interpreter& interpreter, const Value& input, CallArgs& args, bool byAttribute, bool keep)
{
    std::string attribute;
    size_t testIndex = 0;
    if (byAttribute) {
        if (args.positional.empty() || !args.positional[0].isString())
            fail("TypeError", "selectattr/rejectattr need an attribute name");
        attribute = args.positional[0].text().str();
        testIndex = 1;
    }
    std::string test;
    CallArgs testArgs;
    if (testIndex < args.positional.size()) {
        test = args.positional[testIndex].text().str();
        if (!hasTest(test)) fail("TemplateRuntimeError", "No test named '" + test + "'.");
        testArgs.positional.assign(args.positional.begin() + testIndex + 1, args.positional.end());
    }
    List out;
    if (!input.truthy()) return Value::list({}); // jinja2: `if seq:` before walking it
    for (const auto& item : interpreter.iterate(input)) {
        const Value subject = byAttribute ? attributePath(interpreter, item, attribute) : item;
        const bool passed = test.empty() ? subject.truthy() : applyTest(interpreter, test, subject, testArgs);
        if (passed == keep) out.push_back(item);
    }
    return Value::list(std::move(out));
}

Value mapItems(Interpreter& interpreter, const Value& input, CallArgs& args)
{
    List out;
    if (!input.truthy()) return Value::list({}); // jinja2: `if seq:` before walking it
    if (const Value* attribute = args.find("attribute")) {
        const Value* fallback = args.find("default");
        for (const auto& item : interpreter.iterate(input)) {
            Value v = attributePath(interpreter, item, toText(*attribute).str());
            out.push_back(v.isUndefined() && fallback ? *fallback : v);
        }
        return Value::list(std::move(out));
    }
    if (args.positional.empty()) return Value::list(interpreter.iterate(input));
    const std::string filter = toText(args.positional[0]).str();
    if (!hasFilter(filter)) fail("TemplateRuntimeError", "No filter named '" + filter + "'.");
    CallArgs rest;
    rest.positional.assign(args.positional.begin() + 1, args.positional.end());
    rest.named = args.named;
    for (const auto& item : interpreter.iterate(input)) {
        CallArgs each = rest;
        out.push_back(applyFilter(interpreter, filter, item, each));
    }
    return Value::list(std::move(out));
}

int compareForSort(const Value& a, const Value& b, bool caseSensitive)
{
    if (a.isString() && b.isString()) {
        const std::string x = caseSensitive ? a.text().str() : asciiLower(a.text().str());
        const std::string y = caseSensitive ? b.text().str() : asciiLower(b.text().str());
        return x.compare(y);
    }
    if (isNumeric(a) && isNumeric(b)) return a.number() < b.number() ? -1 : a.number() > b.number() ? 1 : 0;
    fail("TypeError",
        "'<' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

Value indent(Interpreter& interpreter, const Value& input, CallArgs& args)
{
    const Value* width = argument(args, 0, "width");
    const Value* first = argument(args, 1, "first");
    const Value* blank = argument(args, 2, "blank");
    const std::string pad = !width ? std::string(4, ' ')
        : width->isString()        ? width->text().str()
                            : std::string(static_cast<size_t>(std::max<int64_t>(0, width->integer())), ' ');
    const MarkedText text = toText(input);
    // jinja2: newline-join the lines, indenting every line but the first (unless first=True), and
    // blank lines only when blank=True.
    const std::string& s = text.str();
    MarkedText out;
    size_t pos = 0;
    bool isFirst = true;
    while (true) {
        const size_t nl = s.find('\n', pos);
        const size_t end = nl == std::string::npos ? s.size() : nl;
        const bool empty = end == pos;
        const bool indentThis = isFirst ? (first && first->truthy()) : (!empty || (blank && blank->truthy()));
        if (indentThis) out.append(pad, false);
        out.append(text.substr(pos, end - pos));
        interpreter.checkLength(out.size());
        if (nl == std::string::npos) break;
        out.append(text.substr(nl, 1));
        pos = nl + 1;
        isFirst = false;
    }
    interpreter.checkBytes(out.size());
    return Value(std::move(out));
}

Value toJsonFilter(Interpreter& interpreter, const Value& input, CallArgs& args)
{
    JsonStyle style;
    const Value* indentArg = argument(args, 0, "indent");
    if (indentArg && !indentArg->isNone() && !indentArg->isUndefined()) {
        style.indent = indentArg->isString()
            ? indentArg->text().str()
            : std::string(static_cast<size_t>(std::max<int64_t>(0, indentArg->integer())), ' ');
    }
    style.itemSeparator = style.indent ? "," : ", ";
    if (const Value* separators = args.find("separators");
        separators && separators->isList() && separators->items().size() == 2) {
        style.itemSeparator = toText(separators->items()[0]).str();
        style.keySeparator = toText(separators->items()[1]).str();
    }
    if (const Value* sortKeys = args.find("sort_keys")) style.sortKeys = sortKeys->truthy();
    if (const Value* ascii = args.find("ensure_ascii")) style.ensureAscii = ascii->truthy();
    MarkedText out(toJson(input, style, interpreter.limits().maxStringBytes));
    // Serialised data keeps the origin of what it serialises.
    std::function<bool(const Value&)> fromCaller = [&](const Value& v) {
        if (v.isString()) return v.text().anyFromCaller();
        for (const auto& item : v.isList() ? v.items() : List {})
            if (fromCaller(item)) return true;
        if (v.isDict())
            for (const auto& [key, item] : v.entries().entries)
                if (fromCaller(item)) return true;
        return false;
    };
    if (fromCaller(input)) out.markAllFromCaller();
    return Value(std::move(out));
}

} // namespace

bool hasFilter(std::string_view name)
{
    return std::find(std::begin(kFilters), std::end(kFilters), name) != std::end(kFilters);
}

bool hasTest(std::string_view name)
{
    return std::find(std::begin(kTests), std::end(kTests), name) != std::end(kTests);
}

Value applyFilter(Interpreter& interpreter, const std::string& name, const Value& input, CallArgs& args)
{
    interpreter.step();
    if (name == "trim") {
        if (const Value* chars = argument(args, 0, "chars"); chars && chars->isString()) {
            CallArgs call;
            call.positional.push_back(*chars);
            return interpreter.call(interpreter.getAttribute(Value(toText(input)), "strip"), call);
        }
        const MarkedText text = toText(input);
        const size_t begin = leadingPythonSpace(text.str());
        const size_t end = text.size() - trailingPythonSpace(std::string_view(text.str()).substr(begin));
        return Value(text.substr(begin, end - begin));
    }
    if (name == "tojson") return toJsonFilter(interpreter, input, args);
    if (name == "length" || name == "count") {
        if (input.isString()) return Value(static_cast<int64_t>(codepointCount(input.text().str())));
        if (input.isList()) return Value(static_cast<int64_t>(input.items().size()));
        if (input.isDict() || input.kind() == ValueKind::Namespace)
            return Value(static_cast<int64_t>(input.entries().entries.size()));
        if (input.isUndefined()) return Value(int64_t(0));
        fail("TypeError", "object of type '" + input.typeName() + "' has no len()");
    }
    if (name == "items") {
        if (input.isUndefined()) return Value::list({});
        if (!input.isDict()) fail("TypeError", "Can only get item pairs from a mapping.");
        CallArgs none;
        return interpreter.call(interpreter.getAttribute(input, "items"), none);
    }
    if (name == "default" || name == "d") {
        const Value* fallback = argument(args, 0, "default_value");
        const Value* boolean = argument(args, 1, "boolean");
        const bool useFallback = input.isUndefined() || (boolean && boolean->truthy() && !input.truthy());
        return useFallback ? (fallback ? *fallback : Value(std::string())) : input;
    }
    if (name == "join") {
        const Value* separator = argument(args, 0, "d");
        const Value* attribute = argument(args, 1, "attribute");
        MarkedText out;
        bool first = true;
        for (const auto& item : interpreter.iterate(input)) {
            if (!first && separator) out.append(toText(*separator));
            first = false;
            const MarkedText piece
                = toText(attribute ? attributePath(interpreter, item, toText(*attribute).str()) : item);
            interpreter.checkLength(out.size() + piece.size());
            out.append(piece);
        }
        interpreter.checkBytes(out.size());
        return Value(std::move(out));
    }
    if (name == "selectattr" || name == "rejectattr")
        return selectItems(interpreter, input, args, true, name == "selectattr");
    if (name == "select" || name == "reject")
        return selectItems(interpreter, input, args, false, name == "select");
    if (name == "map") return mapItems(interpreter, input, args);
    if (name == "list") return Value::list(interpreter.iterate(input));
    if (name == "first" || name == "last") {
        const List items = interpreter.iterate(input);
        if (items.empty()) return Value::undefined("No first item, sequence was empty.");
        return name == "first" ? items.front() : items.back();
    }
    if (name == "reverse") {
        if (input.isString()) {
            const auto offsets = codepointOffsets(input.text().str());
            MarkedText out;
            for (size_t i = offsets.size() - 1; i > 0; --i)
                out.append(input.text().substr(offsets[i - 1], offsets[i] - offsets[i - 1]));
            return Value(std::move(out));
        }
        List items = interpreter.iterate(input);
        std::reverse(items.begin(), items.end());
        return Value::list(std::move(items));
    }
    if (name == "lower" || name == "upper" || name == "title" || name == "capitalize") {
        const MarkedText text = toText(input);
        const std::string& s = text.str();
        return Value(text.derived(name == "lower" ? asciiLower(s)
                : name == "upper"                 ? asciiUpper(s)
                : name == "title"                 ? pythonTitle(s)
                                                  : pythonCapitalize(s)));
    }
    if (name == "replace") {
        CallArgs call;
        call.positional = args.positional;
        return interpreter.call(interpreter.getAttribute(Value(toText(input)), "replace"), call);
    }
    if (name == "safe" || name == "string") return input.isString() ? input : Value(toText(input));
    if (name == "indent") return indent(interpreter, input, args);
    if (name == "int") {
        if (input.kind() == ValueKind::Float) return Value(static_cast<int64_t>(input.number()));
        if (isNumeric(input))
            return Value(input.kind() == ValueKind::Bool ? int64_t(input.boolean()) : input.integer());
        try {
            return Value(static_cast<int64_t>(std::stoll(input.isString() ? input.text().str() : "")));
        } catch (const std::exception&) {
            const Value* fallback = argument(args, 0, "default");
            return fallback ? *fallback : Value(int64_t(0));
        }
    }
    if (name == "float") {
        if (isNumeric(input))
            return Value(input.kind() == ValueKind::Bool ? double(input.boolean()) : input.number());
        try {
            return Value(std::stod(input.isString() ? input.text().str() : ""));
        } catch (const std::exception&) {
            const Value* fallback = argument(args, 0, "default");
            return fallback ? *fallback : Value(0.0);
        }
    }
    if (name == "abs") {
        if (input.kind() == ValueKind::Float) return Value(std::fabs(input.number()));
        if (input.kind() == ValueKind::Int)
            return Value(input.integer() < 0 ? -input.integer() : input.integer());
        fail("TypeError", "bad operand type for abs(): '" + input.typeName() + "'");
    }
    if (name == "sum") {
        Value total(int64_t(0));
        bool floats = false;
        double f = 0;
        int64_t i = 0;
        for (const auto& item : interpreter.iterate(input)) {
            if (!isNumeric(item))
                fail("TypeError", "unsupported operand type(s) for +: 'int' and '" + item.typeName() + "'");
            floats = floats || item.kind() == ValueKind::Float;
            f += item.number();
            if (item.kind() != ValueKind::Float)
                i += item.kind() == ValueKind::Bool ? item.boolean() : item.integer();
        }
        return floats ? Value(f) : Value(i);
    }
    if (name == "sort" || name == "min" || name == "max" || name == "unique") {
        const Value* attribute = args.find("attribute");
        const Value* reverse = name == "sort" ? argument(args, 0, "reverse") : nullptr;
        const Value* caseArg = args.find("case_sensitive");
        const bool caseSensitive = caseArg && caseArg->truthy();
        List items = interpreter.iterate(input);
        auto key = [&](const Value& v) {
            return attribute ? attributePath(interpreter, v, toText(*attribute).str()) : v;
        };
        if (name == "unique") {
            List out;
            for (const auto& item : items) {
                bool seen = false;
                for (const auto& kept : out)
                    seen = seen
                        || (key(item).isString() && key(kept).isString() && !caseSensitive
                                ? asciiLower(key(item).text().str()) == asciiLower(key(kept).text().str())
                                : equals(key(item), key(kept)));
                if (!seen) out.push_back(item);
            }
            return Value::list(std::move(out));
        }
        std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
            return compareForSort(key(a), key(b), caseSensitive) < 0;
        });
        if (name == "min")
            return items.empty() ? Value::undefined("No aggregated item, sequence was empty.")
                                 : items.front();
        if (name == "max") {
            if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
            // max keeps the first of equal items
            size_t best = 0;
            for (size_t k = 1; k < items.size(); ++k)
                if (compareForSort(key(items[k]), key(items[best]), caseSensitive) > 0) best = k;
            return items[best];
        }
        if (reverse && reverse->truthy()) {
            std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
                return compareForSort(key(a), key(b), caseSensitive) > 0;
            });
        }
        return Value::list(std::move(items));
    }
    if (name == "dictsort") {
        if (!input.isDict()) fail("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
        CallArgs none;
        List items = interpreter.call(interpreter.getAttribute(input, "items"), none).items();
        std::stable_sort(items.begin(), items.end(), [](const Value& a, const Value& b) {
            return compareForSort(a.items()[0], b.items()[0], false) < 0;
        });
        return Value::list(std::move(items));
    }
    if (name == "wordcount")
        return Value(static_cast<int64_t>(splitOnWhitespace(toText(input).str(), -1).size()));
    fail("TemplateRuntimeError", "No filter named '" + name + "'.");
}

bool applyTest(Interpreter& interpreter, const std::string& name, const Value& input, CallArgs& args)
{
    interpreter.step();
    const Value* other = argument(args, 0, "value");
    auto needArgument = [&]() -> const Value& {
        if (!other) fail("TypeError", "test '" + name + "' needs an argument");
        return *other;
    };
    if (name == "defined") return !input.isUndefined();
    if (name == "undefined") return input.isUndefined();
    if (name == "none") return input.isNone();
    if (name == "boolean") return input.kind() == ValueKind::Bool;
    if (name == "true") return input.kind() == ValueKind::Bool && input.boolean();
    if (name == "false") return input.kind() == ValueKind::Bool && !input.boolean();
    if (name == "string") return input.isString();
    if (name == "number") return isNumeric(input);
    if (name == "integer") return input.kind() == ValueKind::Int;
    if (name == "float") return input.kind() == ValueKind::Float;
    if (name == "mapping") return input.isDict();
    if (name == "iterable")
        return input.isString() || input.isList() || input.isDict() || input.isUndefined();
    if (name == "sequence") return input.isString() || input.isList() || input.isDict();
    if (name == "callable") return input.isCallable();
    if (name == "lower") return input.isString() && asciiLower(input.text().str()) == input.text().str();
    if (name == "upper") return input.isString() && asciiUpper(input.text().str()) == input.text().str();
    if (name == "filter") return input.isString() && hasFilter(input.text().str());
    if (name == "test") return input.isString() && hasTest(input.text().str());
    if (name == "odd" || name == "even" || name == "divisibleby") {
        if (!isNumeric(input)) fail("TypeError", "not all arguments converted during string formatting");
        const int64_t n
            = input.kind() == ValueKind::Bool ? input.boolean() : static_cast<int64_t>(input.number());
        if (name == "odd") return n % 2 != 0;
        if (name == "even") return n % 2 == 0;
        const Value& d = needArgument();
        if (!isNumeric(d) || d.number() == 0) fail("ZeroDivisionError", "integer division or modulo by zero");
        return n % static_cast<int64_t>(d.number()) == 0;
    }
    if (name == "eq" || name == "equalto" || name == "==") return equals(input, needArgument());
    if (name == "ne" || name == "!=") return !equals(input, needArgument());
    if (name == "sameas") {
        const Value& o = needArgument();
        if (input.kind() != o.kind()) return false;
        if (input.isList()) return &input.items() == &o.items();
        if (input.isDict()) return &input.entries() == &o.entries();
        return equals(input, o);
    }
    if (name == "in") {
        const Value& container = needArgument();
        if (container.isString())
            return input.isString() && container.text().str().find(input.text().str()) != std::string::npos;
        if (container.isDict()) return input.isString() && container.entries().find(input.text().str());
        for (const auto& item : interpreter.iterate(container))
            if (equals(input, item)) return true;
        return false;
    }
    if (name == "lt" || name == "gt" || name == "le" || name == "ge" || name == "<" || name == ">"
        || name == "<=" || name == ">=") {
        const Value& o = needArgument();
        const int c = compareForSort(input, o, true);
        if (name == "lt" || name == "<") return c < 0;
        if (name == "gt" || name == ">") return c > 0;
        if (name == "le" || name == "<=") return c <= 0;
        return c >= 0;
    }
    fail("TemplateRuntimeError", "No test named '" + name + "'.");
}

} // namespace hearth::jinja
