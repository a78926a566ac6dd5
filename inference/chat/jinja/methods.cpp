#include "chat/jinja/methods.h"

#include "chat/jinja/interpreter.h"
#include "chat/jinja/jinja_error.h"
#include "chat/jinja/unicode_text.h"

namespace hearth::jinja {

namespace {

const Value& argument(CallArgs& args, size_t index, const char* name, const Value& fallback)
{
    if (index < args.positional.size()) return args.positional[index];
    if (const Value* named = args.find(name)) return *named;
    return fallback;
}

std::string stringArgument(const Value& v, const char* method)
{
    if (!v.isString()) fail("TypeError", std::string(method) + " arg must be None or str");
    return v.text().str();
}

// str.strip(chars) family: `chars` none means Python whitespace.
Value strip(const MarkedText& text, const Value& chars, bool left, bool right)
{
    const std::string& s = text.str();
    size_t begin = 0, end = s.size();
    if (chars.isUndefined() || chars.isNone()) {
        if (left) begin = leadingPythonSpace(s);
        if (right && begin < end) end = s.size() - trailingPythonSpace(std::string_view(s).substr(begin));
    } else {
        const std::string set = stringArgument(chars, "strip");
        const auto offsets = codepointOffsets(s);
        auto inSet = [&](size_t i) {
            return set.find(s.substr(offsets[i], offsets[i + 1] - offsets[i])) != std::string::npos;
        };
        size_t first = 0, last = offsets.size() - 1;
        if (left)
            while (first < last && inSet(first))
                ++first;
        if (right)
            while (last > first && inSet(last - 1))
                --last;
        begin = offsets[first];
        end = offsets[last];
    }
    return Value(text.substr(begin, end - begin));
}

Value split(
    Interpreter& interpreter, const MarkedText& text, const Value& sep, const Value& maxValue, bool fromRight)
{
    const long maxSplit = maxValue.isNumber() ? static_cast<long>(maxValue.integer()) : -1;
    List parts;
    const std::string& s = text.str();
    if (sep.isUndefined() || sep.isNone()) {
        if (fromRight && maxSplit >= 0) fail("NotImplementedError", "rsplit with a limit is not supported");
        for (const auto& [begin, length] : splitOnWhitespace(s, maxSplit))
            parts.push_back(Value(text.substr(begin, length)));
        return Value::list(std::move(parts));
    }
    const std::string separator = stringArgument(sep, "split");
    if (separator.empty()) fail("ValueError", "empty separator");
    std::vector<std::pair<size_t, size_t>> ranges;
    if (!fromRight) {
        size_t pos = 0;
        while (true) {
            const size_t found = (maxSplit < 0 || static_cast<long>(ranges.size()) < maxSplit)
                ? s.find(separator, pos)
                : std::string::npos;
            if (found == std::string::npos) {
                ranges.emplace_back(pos, s.size() - pos);
                break;
            }
            ranges.emplace_back(pos, found - pos);
            pos = found + separator.size();
        }
    } else {
        size_t end = s.size();
        while (true) {
            const size_t found
                = (maxSplit < 0 || static_cast<long>(ranges.size()) < maxSplit) && end >= separator.size()
                ? s.rfind(separator, end - separator.size())
                : std::string::npos;
            if (found == std::string::npos) {
                ranges.emplace_back(0, end);
                break;
            }
            ranges.emplace_back(found + separator.size(), end - found - separator.size());
            if (found == 0) {
                ranges.emplace_back(0, 0);
                break;
            }
            end = found;
        }
        std::reverse(ranges.begin(), ranges.end());
    }
    interpreter.checkItems(ranges.size());
    for (const auto& [begin, length] : ranges)
        parts.push_back(Value(text.substr(begin, length)));
    return Value::list(std::move(parts));
}

bool affixMatches(const std::string& s, const Value& affix, bool prefix)
{
    auto one = [&](const Value& v) {
        const std::string a = stringArgument(v, prefix ? "startswith" : "endswith");
        return a.size() <= s.size()
            && (prefix ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0);
    };
    if (affix.isList()) {
        for (const auto& item : affix.items())
            if (one(item)) return true;
        return false;
    }
    return one(affix);
}

Value replace(Interpreter& interpreter, const MarkedText& text, const std::string& from,
    const std::string& to, int64_t count)
{
    const std::string& s = text.str();
    std::string out;
    size_t pos = 0;
    int64_t done = 0;
    if (from.empty()) {
        // Python inserts `to` between every character (and at both ends).
        const auto offsets = codepointOffsets(s);
        for (size_t i = 0; i + 1 < offsets.size() || i == 0; ++i) {
            if (count < 0 || done < count) {
                out += to;
                ++done;
            }
            if (i + 1 < offsets.size()) out += s.substr(offsets[i], offsets[i + 1] - offsets[i]);
            if (i + 1 >= offsets.size()) break;
            interpreter.checkLength(out.size());
        }
        interpreter.checkBytes(out.size());
        if (!s.empty() && (count < 0 || done < count)) out += to;
        return Value(text.derived(std::move(out)));
    }
    while (count < 0 || done < count) {
        const size_t found = s.find(from, pos);
        if (found == std::string::npos) break;
        out.append(s, pos, found - pos);
        out += to;
        interpreter.checkLength(out.size());
        pos = found + from.size();
        ++done;
    }
    out.append(s, pos, std::string::npos);
    interpreter.checkBytes(out.size());
    return Value(text.derived(std::move(out)));
}

Value stringMethod(Interpreter& interpreter, const Value& self, const std::string& name, CallArgs& args)
{
    const MarkedText& text = self.text();
    const std::string& s = text.str();
    const Value none = Value::none();
    if (name == "strip") return strip(text, argument(args, 0, "chars", none), true, true);
    if (name == "lstrip") return strip(text, argument(args, 0, "chars", none), true, false);
    if (name == "rstrip") return strip(text, argument(args, 0, "chars", none), false, true);
    if (name == "split" || name == "rsplit")
        return split(interpreter, text, argument(args, 0, "sep", none), argument(args, 1, "maxsplit", none),
            name == "rsplit");
    if (name == "startswith" || name == "endswith") {
        if (args.positional.empty()) fail("TypeError", name + "() takes at least 1 argument (0 given)");
        return Value(affixMatches(s, args.positional[0], name == "startswith"));
    }
    if (name == "upper") return Value(text.derived(asciiUpper(s)));
    if (name == "lower") return Value(text.derived(asciiLower(s)));
    if (name == "title") return Value(text.derived(pythonTitle(s)));
    if (name == "capitalize") return Value(text.derived(pythonCapitalize(s)));
    if (name == "replace") {
        if (args.positional.size() < 2) fail("TypeError", "replace expected at least 2 arguments");
        const Value count
            = argument(args, 2, "count", Value(int64_t(-1))); // a copy: the fallback is a temporary
        return replace(interpreter, text, stringArgument(args.positional[0], "replace"),
            stringArgument(args.positional[1], "replace"), count.isNumber() ? count.integer() : -1);
    }
    if (name == "find" || name == "rfind" || name == "count" || name == "index") {
        if (args.positional.empty()) fail("TypeError", name + "() takes at least 1 argument (0 given)");
        const std::string needle = stringArgument(args.positional[0], name.c_str());
        if (name == "count") {
            if (needle.empty()) return Value(static_cast<int64_t>(codepointCount(s) + 1));
            int64_t n = 0;
            for (size_t pos = s.find(needle); pos != std::string::npos;
                 pos = s.find(needle, pos + needle.size()))
                ++n;
            return Value(n);
        }
        const size_t found = name == "rfind" ? s.rfind(needle) : s.find(needle);
        if (found == std::string::npos) {
            if (name == "index") fail("ValueError", "substring not found");
            return Value(int64_t(-1));
        }
        return Value(static_cast<int64_t>(codepointCount(std::string_view(s).substr(0, found))));
    }
    if (name == "join") {
        if (args.positional.empty()) fail("TypeError", "join() takes exactly one argument (0 given)");
        MarkedText out;
        bool first = true;
        for (const auto& item : interpreter.iterate(args.positional[0])) {
            if (!item.isString())
                fail("TypeError", "sequence item: expected str instance, " + item.typeName() + " found");
            if (!first) out.append(text);
            first = false;
            interpreter.checkLength(out.size() + item.text().size());
            out.append(item.text());
        }
        interpreter.checkBytes(out.size());
        return Value(std::move(out));
    }
    if (name == "isdigit" || name == "isalpha" || name == "isspace" || name == "isupper"
        || name == "islower") {
        if (s.empty()) return Value(false);
        bool all = true;
        for (unsigned char c : s) {
            if (name == "isdigit") all = all && c >= '0' && c <= '9';
            if (name == "isalpha") all = all && std::isalpha(c);
            if (name == "isspace") all = all && std::isspace(c);
            if (name == "isupper") all = all && !std::islower(c);
            if (name == "islower") all = all && !std::isupper(c);
        }
        return Value(all);
    }
    return Value::undefined("");
}

Value dictMethod(const Value& self, const std::string& name, CallArgs& args)
{
    const Dict& dict = self.entries();
    if (name == "items") {
        List out;
        for (const auto& [key, value] : dict.entries)
            out.push_back(Value::list({ Value(key), value }, true));
        return Value::list(std::move(out));
    }
    if (name == "keys" || name == "values") {
        List out;
        for (const auto& [key, value] : dict.entries)
            out.push_back(name == "keys" ? Value(key) : value);
        return Value::list(std::move(out));
    }
    // get
    if (args.positional.empty()) fail("TypeError", "get expected at least 1 argument, got 0");
    const Value fallback = args.positional.size() > 1 ? args.positional[1] : Value::none();
    if (!args.positional[0].isString()) return fallback;
    const Value* found = dict.find(args.positional[0].text().str());
    return found ? *found : fallback;
}

bool isOneOf(const std::string& name, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        if (name == n) return true;
    return false;
}

} // namespace

std::optional<Value> boundMethod(Interpreter& interpreter, const Value& object, const std::string& name)
{
    Interpreter* ip = &interpreter;
    if (object.isString()
        && isOneOf(name,
            { "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith", "upper", "lower",
                "title", "capitalize", "replace", "find", "rfind", "count", "index", "join", "isdigit",
                "isalpha", "isspace", "isupper", "islower" })) {
        return Value::function("str." + name,
            [ip, object, name](CallArgs& args) { return stringMethod(*ip, object, name, args); });
    }
    if (object.isDict() && isOneOf(name, { "items", "keys", "values", "get" }))
        return Value::function(
            "dict." + name, [object, name](CallArgs& args) { return dictMethod(object, name, args); });
    // The immutable sandbox refuses every method that would change a list or a dict.
    const bool listMutator = object.isList() && !object.isTuple()
        && isOneOf(name, { "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse" });
    const bool dictMutator
        = object.isDict() && isOneOf(name, { "update", "pop", "popitem", "clear", "setdefault" });
    if (listMutator || dictMutator) {
        const std::string type = object.typeName();
        return Value::function(type + "." + name, [name, type](CallArgs&) -> Value {
            fail("SecurityError", "access to attribute '" + name + "' of '" + type + "' object is unsafe.");
        });
    }
    return std::nullopt;
}

} // namespace hearth::jinja
