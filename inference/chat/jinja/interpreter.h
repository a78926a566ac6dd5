// Renders a parsed template: statements (interpreter.cpp) and expressions (evaluate.cpp), with
// jinja2's scoping (a for-loop body and a macro call each get their own scope; `if` does not) and
// the budgets that keep a hostile template from running away with time or memory.
#pragma once

#include "chat/jinja/ast.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace hearth::jinja {

struct Limits {
    size_t maxStringBytes = size_t(16) << 20; // any string, the output included
    size_t maxTotalBytes = size_t(512) << 20; // all strings built during a render, together
    size_t maxItems = size_t(1) << 20; // any list (range(), list * n)
    uint64_t maxSteps = 5'000'000; // expressions evaluated and statements run
    int maxCallDepth = 100; // nested macro calls (jinja2 hits Python's recursion limit)
};

struct CivilDate {
    int year = 2024;
    int month = 7; // 1..12
    int day = 26;
};

class Interpreter {
public:
    // `globals`: the render's variables (messages, bos_token, ...) over the built-ins (range,
    // namespace, raise_exception, strftime_now with `today`).
    Interpreter(const Dict& globals, const Limits& limits, CivilDate today);

    MarkedText render(const Body& body);

    // For filters, tests and methods.
    Value evaluate(const Expr& expr);
    Value call(const Value& callee, CallArgs& args);
    Value getAttribute(const Value& object, const std::string& name);
    Value getItem(const Value& object, const Value& key);
    // The values a for loop (or a filter such as join) walks; throws TypeError for None, numbers.
    List iterate(const Value& value);
    // A new string of `bytes`: refused past maxStringBytes, or when all strings built so far pass
    // maxTotalBytes (a loop keeping many large strings alive).
    void checkBytes(size_t bytes);
    // A string still growing to `bytes`: refused past maxStringBytes (charge it once it is built).
    void checkLength(size_t bytes) const;
    void checkItems(size_t count) const;
    void step();
    const Limits& limits() const { return m_limits; }

private:
    struct Scope {
        Dict vars;
        Scope* parent = nullptr;
    };
    enum class Flow { Normal, Break, Continue };

    Limits m_limits;
    CivilDate m_today;
    Scope m_globals;
    Scope m_root;
    Scope* m_scope = &m_root;
    uint64_t m_steps = 0;
    size_t m_builtBytes = 0;
    int m_callDepth = 0;
    std::optional<Value> m_filterInput; // the body text a {% filter %} or {% set %} block applies to

    Value lookup(const std::string& name) const;
    void assign(const std::string& name, Value value) { m_scope->vars.set(name, std::move(value)); }
    void assignTargets(const std::vector<std::string>& targets, const Value& value, int line, int column);
    void installBuiltins();

    Flow renderBody(const Body& body, MarkedText& out);
    Flow renderNode(const Node& node, MarkedText& out);
    Flow renderFor(const Node& node, MarkedText& out);
    void append(MarkedText& out, const MarkedText& text);
    Value makeMacro(const Node& node);
    Value callMacro(const Node& node, CallArgs& args);

    Value evaluateBinary(const Expr& expr);
    Value evaluateFilter(const Expr& expr);
    Value evaluateTest(const Expr& expr);
    Value slice(const Value& object, const Expr& expr);
    CallArgs evaluateArguments(const Expr& expr, size_t firstArg);
};

} // namespace hearth::jinja
