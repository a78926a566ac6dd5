#include "chat/jinja/interpreter.h"

#include "chat/jinja/jinja_error.h"

namespace hearth::jinja {

Interpreter::Interpreter(const Dict& globals, const Limits& limits, CivilDate today)
    : m_limits(limits)
    , m_today(today)
{
    installBuiltins();
    for (const auto& [name, value] : globals.entries)
        m_globals.vars.set(name, value);
    m_root.parent = &m_globals;
}

MarkedText Interpreter::render(const Body& body)
{
    MarkedText out;
    renderBody(body, out);
    return out;
}

void Interpreter::checkBytes(size_t bytes)
{
    if (bytes > m_limits.maxStringBytes) {
        throw JinjaError { JinjaErrorKind::Limit, "LimitError",
            "the template built a string of more than " + std::to_string(m_limits.maxStringBytes >> 20)
                + " MiB; refused" };
    }
    m_builtBytes += bytes;
    if (m_builtBytes > m_limits.maxTotalBytes) {
        throw JinjaError { JinjaErrorKind::Limit, "LimitError",
            "the template built more than " + std::to_string(m_limits.maxTotalBytes >> 20)
                + " MiB of strings; refused" };
    }
}

void Interpreter::checkLength(size_t bytes) const
{
    if (bytes > m_limits.maxStringBytes) {
        throw JinjaError { JinjaErrorKind::Limit, "LimitError",
            "the template built a string of more than " + std::to_string(m_limits.maxStringBytes >> 20)
                + " MiB; refused" };
    }
}

void Interpreter::checkItems(size_t count) const
{
    if (count > m_limits.maxItems) {
        throw JinjaError { JinjaErrorKind::Limit, "LimitError",
            "the template built a list of more than " + std::to_string(m_limits.maxItems)
                + " items; refused" };
    }
}

void Interpreter::step()
{
    if (++m_steps > m_limits.maxSteps) {
        throw JinjaError { JinjaErrorKind::Limit, "LimitError",
            "the template ran for more than " + std::to_string(m_limits.maxSteps) + " steps; refused" };
    }
}

Value Interpreter::lookup(const std::string& name) const
{
    for (const Scope* scope = m_scope; scope; scope = scope->parent)
        if (const Value* value = scope->vars.find(name)) return *value;
    return Value::undefined("'" + name + "' is undefined");
}

void Interpreter::append(MarkedText& out, const MarkedText& text)
{
    checkLength(out.size() + text.size());
    checkBytes(text.size()); // the output grows by the piece, not by its whole length again
    out.append(text);
}

void Interpreter::assignTargets(
    const std::vector<std::string>& targets, const Value& value, int line, int column)
{
    if (targets.size() == 1) {
        assign(targets[0], value);
        return;
    }
    List items = iterate(value);
    if (items.size() != targets.size()) {
        fail("ValueError",
            items.size() < targets.size()
                ? "not enough values to unpack (expected " + std::to_string(targets.size()) + ", got "
                    + std::to_string(items.size()) + ")"
                : "too many values to unpack (expected " + std::to_string(targets.size()) + ")",
            line, column);
    }
    for (size_t i = 0; i < targets.size(); ++i)
        assign(targets[i], items[i]);
}

Interpreter::Flow Interpreter::renderBody(const Body& body, MarkedText& out)
{
    for (const auto& node : body) {
        const Flow flow = renderNode(*node, out);
        if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::renderNode(const Node& node, MarkedText& out)
{
    step();
    switch (node.kind) {
    case NodeKind::Text:
        append(out, MarkedText(node.text));
        break;
    case NodeKind::Output:
        append(out, toText(evaluate(*node.expr)));
        break;
    case NodeKind::If:
        for (const auto& [condition, body] : node.branches)
            if (evaluate(*condition).truthy()) return renderBody(body, out);
        return renderBody(node.elseBody, out);
    case NodeKind::For:
        return renderFor(node, out);
    case NodeKind::Set: {
        Value value = evaluate(*node.expr);
        if (node.text.empty()) {
            assignTargets(node.targets, value, node.line, node.column);
            break;
        }
        const Value target = lookup(node.targets[0]);
        if (target.kind() != ValueKind::Namespace)
            fail("TemplateRuntimeError", "cannot assign attribute on non-namespace object", node.line,
                node.column);
        target.mutableEntries().set(node.text, std::move(value));
        break;
    }
    case NodeKind::SetBlock:
    case NodeKind::FilterBlock: {
        MarkedText captured;
        renderBody(node.body, captured);
        Value value(std::move(captured));
        if (node.expr) {
            m_filterInput = value;
            value = evaluate(*node.expr);
            m_filterInput.reset();
        }
        if (node.kind == NodeKind::SetBlock)
            assignTargets(node.targets, value, node.line, node.column);
        else
            append(out, toText(value));
        break;
    }
    case NodeKind::Macro:
        assign(node.text, makeMacro(node));
        break;
    case NodeKind::CallBlock: {
        const Expr& call = *node.expr;
        Value callee = evaluate(*call.args[0]);
        CallArgs args = evaluateArguments(call, 1);
        Scope* scope = m_scope;
        args.named.emplace_back("caller", Value::function("caller", [this, &node, scope](CallArgs&) {
            Scope local { {}, scope };
            Scope* saved = m_scope;
            m_scope = &local;
            MarkedText text;
            try {
                renderBody(node.body, text);
            } catch (...) {
                m_scope = saved;
                throw;
            }
            m_scope = saved;
            return Value(std::move(text));
        }));
        append(out, toText(this->call(callee, args)));
        break;
    }
    case NodeKind::Break:
        return Flow::Break;
    case NodeKind::Continue:
        return Flow::Continue;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::renderFor(const Node& node, MarkedText& out)
{
    const Value iterable = evaluate(*node.expr);
    List items = iterate(iterable);
    Scope* outer = m_scope;
    // The loop filter (`for x in xs if cond`) runs first: loop.length counts what passes.
    if (node.condition) {
        List kept;
        for (const auto& item : items) {
            Scope probe { {}, outer };
            m_scope = &probe;
            try {
                assignTargets(node.targets, item, node.line, node.column);
                if (evaluate(*node.condition).truthy()) kept.push_back(item);
            } catch (...) {
                m_scope = outer;
                throw;
            }
            m_scope = outer;
        }
        items = std::move(kept);
    }
    if (items.empty()) return renderBody(node.elseBody, out);
    const int64_t length = static_cast<int64_t>(items.size());
    for (int64_t i = 0; i < length; ++i) {
        step();
        Scope iteration { {}, outer }; // each pass starts afresh, as in jinja2
        m_scope = &iteration;
        Flow flow = Flow::Normal;
        try {
            Dict loop;
            loop.set("index", Value(i + 1));
            loop.set("index0", Value(i));
            loop.set("revindex", Value(length - i));
            loop.set("revindex0", Value(length - i - 1));
            loop.set("first", Value(i == 0));
            loop.set("last", Value(i + 1 == length));
            loop.set("length", Value(length));
            loop.set("depth", Value(int64_t(1)));
            loop.set("depth0", Value(int64_t(0)));
            loop.set("previtem", i > 0 ? items[i - 1] : Value::undefined("there is no previous item"));
            loop.set("nextitem", i + 1 < length ? items[i + 1] : Value::undefined("there is no next item"));
            loop.set("cycle", Value::function("loop.cycle", [i](CallArgs& args) {
                if (args.positional.empty()) fail("TypeError", "no items for cycling given");
                return args.positional[static_cast<size_t>(i) % args.positional.size()];
            }));
            assign("loop", Value::dict(std::move(loop)));
            assignTargets(node.targets, items[i], node.line, node.column);
            flow = renderBody(node.body, out);
        } catch (...) {
            m_scope = outer;
            throw;
        }
        m_scope = outer;
        if (flow == Flow::Break) break;
    }
    return Flow::Normal;
}

Value Interpreter::makeMacro(const Node& node)
{
    return Value::function(node.text, [this, &node](CallArgs& args) { return callMacro(node, args); });
}

Value Interpreter::callMacro(const Node& node, CallArgs& args)
{
    if (m_callDepth >= m_limits.maxCallDepth) {
        throw JinjaError { JinjaErrorKind::Limit, "LimitError",
            "macro '" + node.text + "' nested more than " + std::to_string(m_limits.maxCallDepth)
                + " calls deep (endless recursion?); refused",
            node.line, node.column };
    }
    // A macro sees the template's top-level variables and its own arguments.
    Scope local { {}, &m_root };
    Scope* saved = m_scope;
    m_scope = &local;
    ++m_callDepth;
    MarkedText text;
    try {
        const size_t count = node.targets.size();
        for (size_t i = 0; i < count; ++i) {
            const std::string& param = node.targets[i];
            if (i < args.positional.size()) {
                assign(param, args.positional[i]);
            } else if (const Value* named = args.find(param)) {
                assign(param, *named);
            } else if (node.defaults[i]) {
                assign(param, evaluate(*node.defaults[i]));
            } else {
                assign(param, Value::undefined("parameter '" + param + "' was not provided"));
            }
        }
        List extra;
        for (size_t i = count; i < args.positional.size(); ++i)
            extra.push_back(args.positional[i]);
        assign("varargs", Value::list(std::move(extra), true));
        Dict kwargs;
        for (const auto& [name, value] : args.named) {
            bool isParam = false;
            for (const auto& param : node.targets)
                isParam = isParam || param == name;
            if (name == "caller")
                assign("caller", value);
            else if (!isParam)
                kwargs.set(name, value);
        }
        assign("kwargs", Value::dict(std::move(kwargs)));
        renderBody(node.body, text);
    } catch (...) {
        m_scope = saved;
        --m_callDepth;
        throw;
    }
    m_scope = saved;
    --m_callDepth;
    return Value(std::move(text));
}

} // namespace hearth::jinja
