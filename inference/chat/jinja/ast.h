// The parsed template: expressions and statements, as jinja2's parser builds them.
#pragma once

#include "chat/jinja/value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hearth::jinja {

enum class ExprKind {
    Literal, // value
    Name, // name
    List, // args
    Tuple, // args
    Dict, // args: key, value, key, value, ...
    Attribute, // args[0].name
    Item, // args[0][args[1]]
    Slice, // args[0][args[1]:args[2]:args[3]] (null where absent)
    Call, // args[0](args[1..], kwargs)
    Filter, // args[0] | name(args[1..], kwargs)
    Test, // args[0] is [not] name(args[1..])
    Unary, // name: "not" | "-" | "+"
    Binary, // name: "+", "-", "*", "/", "//", "%", "**", "~", "==", "!=", "<", ">", "<=", ">=", "in", "not
            // in", "and", "or"
    Conditional, // args[0] if args[1] else args[2] (args[2] may be null)
};

struct Expr {
    ExprKind kind = ExprKind::Literal;
    int line = 0;
    int column = 0;
    std::string name;
    bool negated = false; // Test: "is not"
    Value literal;
    std::vector<std::unique_ptr<Expr>> args;
    std::vector<std::pair<std::string, std::unique_ptr<Expr>>> kwargs;
};

using ExprPtr = std::unique_ptr<Expr>;

enum class NodeKind {
    Text, // text
    Output, // {{ expr }}
    If, // branches (condition, body), elseBody
    For, // targets in expr [if condition]: body, elseBody
    Set, // targets (or attribute: targets[0].name) = expr
    SetBlock, // {% set targets[0] %}body{% endset %}, optional filter (a Filter chain on a null input)
    Macro, // name(params = defaults): body
    CallBlock, // {% call expr %}body{% endcall %}: body is `caller`
    FilterBlock, // {% filter f %}body{% endfilter %}
    Break,
    Continue,
};

struct Node;
using Body = std::vector<std::unique_ptr<Node>>;

struct Node {
    NodeKind kind = NodeKind::Text;
    int line = 0;
    int column = 0;
    std::string text; // Text; Macro: the name; Set on an attribute: the attribute
    ExprPtr expr; // Output, For (iterable), Set (value), CallBlock (the call), SetBlock/FilterBlock (filter)
    ExprPtr condition; // For: the loop filter
    std::vector<std::string> targets; // For, Set, SetBlock; Macro: parameter names
    std::vector<ExprPtr> defaults; // Macro: one per parameter (null: none)
    std::vector<std::pair<ExprPtr, Body>> branches; // If
    Body body;
    Body elseBody;
};

} // namespace hearth::jinja
