// A Jinja value with Python's semantics: undefined, None, bools, ints, floats, strings (MarkedText),
// lists and tuples, dicts (insertion-ordered, string keys), namespace() objects and callables.
// Lists, dicts and namespaces are shared, as Python objects are; the sandbox never mutates a list.
#pragma once

#include "chat/jinja/marked_text.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::jinja {

enum class ValueKind { Undefined, None, Bool, Int, Float, String, List, Dict, Namespace, Callable };

class Value;
struct Dict;
using List = std::vector<Value>;

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;
    const Value* find(std::string_view name) const;
};

using Function = std::function<Value(CallArgs&)>;

class Value {
public:
    Value() = default; // undefined
    static Value undefined(std::string hint) // hint: "'x' is undefined"
    {
        Value v;
        v.m_hint = std::make_shared<std::string>(std::move(hint));
        return v;
    }
    static Value none();
    Value(bool b);
    Value(int64_t i);
    Value(int i)
        : Value(static_cast<int64_t>(i))
    {
    }
    Value(double f);
    Value(MarkedText s);
    Value(std::string s, bool fromCaller = false)
        : Value(MarkedText(std::move(s), fromCaller))
    {
    }
    Value(const char* s)
        : Value(std::string(s))
    {
    }
    static Value list(List items, bool tuple = false);
    static Value dict(Dict entries);
    static Value ns(Dict entries);
    static Value function(std::string name, Function fn);

    ValueKind kind() const { return m_kind; }
    bool isUndefined() const { return m_kind == ValueKind::Undefined; }
    bool isNone() const { return m_kind == ValueKind::None; }
    bool isString() const { return m_kind == ValueKind::String; }
    bool isNumber() const { return m_kind == ValueKind::Int || m_kind == ValueKind::Float; }
    bool isList() const { return m_kind == ValueKind::List; }
    bool isTuple() const { return m_kind == ValueKind::List && m_tuple; }
    bool isDict() const { return m_kind == ValueKind::Dict; }
    bool isCallable() const { return m_kind == ValueKind::Callable; }

    bool boolean() const { return m_bool; }
    int64_t integer() const { return m_int; }
    double number() const { return m_kind == ValueKind::Float ? m_float : static_cast<double>(m_int); }
    const MarkedText& text() const { return *m_text; }
    const List& items() const { return *m_list; }
    const Dict& entries() const { return *m_dict; }
    Dict& mutableEntries() const { return *m_dict; } // namespace attributes only
    const Function& fn() const { return *m_fn; }
    const std::string& callableName() const { return *m_hint; }
    std::string undefinedHint() const { return m_hint ? *m_hint : "value is undefined"; }

    bool truthy() const;
    // Python's type name, as jinja2's errors print it: "NoneType", "str", "list", ...
    std::string typeName() const;

private:
    ValueKind m_kind = ValueKind::Undefined;
    bool m_bool = false;
    bool m_tuple = false;
    int64_t m_int = 0;
    double m_float = 0;
    std::shared_ptr<MarkedText> m_text;
    std::shared_ptr<List> m_list;
    std::shared_ptr<Dict> m_dict;
    std::shared_ptr<Function> m_fn;
    std::shared_ptr<std::string> m_hint; // undefined: why; callable: its name
};

struct Dict {
    std::vector<std::pair<std::string, Value>> entries;
    const Value* find(std::string_view key) const;
    void set(const std::string& key, Value value);
};

// Python's equality (1 == 1.0, deep for lists and dicts).
bool equals(const Value& a, const Value& b);
// str(x) as Python prints it in {{ }}: None → "None", lists as their repr, undefined → "".
MarkedText toText(const Value& value);
// repr(x): 'a' → "'a'".
std::string pythonRepr(const Value& value);
// Python's repr of a float: "1.0", "0.30000000000000004", "1e+16".
std::string floatRepr(double value);

} // namespace hearth::jinja
