#include "chat/jinja/parser.h"

#include "chat/jinja/filters.h"
#include "chat/jinja/jinja_error.h"

#include <cstring>

namespace hearth::jinja {

namespace {

constexpr int kMaxNesting = 200; // deeper expressions or blocks are refused, not recursed into

class Parser {
public:
    explicit Parser(const std::vector<Token>& tokens)
        : m_tokens(tokens)
    {
    }

    Body parseTemplate()
    {
        Body body = parseBody({});
        if (peek().kind != TokenKind::End) error("unexpected tag");
        return body;
    }

private:
    const std::vector<Token>& m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;

    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser)
            : p(parser)
        {
            if (++p.m_depth > kMaxNesting)
                p.error("the template nests deeper than " + std::to_string(kMaxNesting) + " levels");
        }
        ~DepthGuard() { --p.m_depth; }
    };

    const Token& peek(size_t ahead = 0) const
    {
        return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)];
    }
    const Token& next() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }

    [[noreturn]] void error(const std::string& message, const Token* at = nullptr) const
    {
        const Token& t = at ? *at : peek();
        throw JinjaError { JinjaErrorKind::Syntax, "TemplateSyntaxError", message, t.line, t.column };
    }

    static std::string describe(const Token& t)
    {
        switch (t.kind) {
        case TokenKind::BlockEnd:
            return "end of statement block";
        case TokenKind::VariableEnd:
            return "end of print statement";
        case TokenKind::End:
            return "end of template";
        case TokenKind::String:
            return "string";
        default:
            return "'" + t.text + "'";
        }
    }

    bool isOp(const char* op, size_t ahead = 0) const
    {
        return peek(ahead).kind == TokenKind::Operator && peek(ahead).text == op;
    }
    bool isName(const char* name, size_t ahead = 0) const
    {
        return peek(ahead).kind == TokenKind::Name && peek(ahead).text == name;
    }
    void expectOp(const char* op)
    {
        if (!isOp(op)) error(std::string("expected token '") + op + "', got " + describe(peek()));
        ++m_pos;
    }
    std::string expectName()
    {
        if (peek().kind != TokenKind::Name) error("expected name, got " + describe(peek()));
        return next().text;
    }
    void expectBlockEnd()
    {
        if (peek().kind != TokenKind::BlockEnd)
            error("expected end of statement block, got " + describe(peek()));
        ++m_pos;
    }

    // Statements until one of `enders` ({% endif %}, {% else %}, ...); leaves the ender's name current.
    Body parseBody(const std::vector<const char*>& enders)
    {
        DepthGuard guard(*this);
        Body body;
        while (true) {
            const Token& t = peek();
            if (t.kind == TokenKind::End) {
                if (!enders.empty())
                    error(
                        std::string("Unexpected end of template. Jinja was looking for ") + enders[0] + ".");
                return body;
            }
            if (t.kind == TokenKind::Text) {
                auto node = std::make_unique<Node>();
                node->kind = NodeKind::Text;
                node->text = t.text;
                body.push_back(std::move(node));
                ++m_pos;
            } else if (t.kind == TokenKind::VariableBegin) {
                ++m_pos;
                auto node = std::make_unique<Node>();
                node->kind = NodeKind::Output;
                node->line = t.line;
                node->column = t.column;
                node->expr = parseTupleOrExpression();
                if (peek().kind != TokenKind::VariableEnd)
                    error("expected end of print statement, got " + describe(peek()));
                ++m_pos;
                body.push_back(std::move(node));
            } else if (t.kind == TokenKind::BlockBegin) {
                const Token& keyword = peek(1);
                if (keyword.kind != TokenKind::Name) error("tag name expected", &keyword);
                for (const char* ender : enders)
                    if (keyword.text == ender) {
                        ++m_pos; // the ender's name is next
                        return body;
                    }
                m_pos += 2;
                body.push_back(parseStatement(keyword));
            } else {
                error("unexpected " + describe(t));
            }
        }
    }

    std::unique_ptr<Node> parseStatement(const Token& keyword)
    {
        auto node = std::make_unique<Node>();
        node->line = keyword.line;
        node->column = keyword.column;
        const std::string& word = keyword.text;
        if (word == "if") {
            node->kind = NodeKind::If;
            ExprPtr condition = parseExpression();
            expectBlockEnd();
            while (true) {
                Body body = parseBody({ "elif", "else", "endif" });
                node->branches.emplace_back(std::move(condition), std::move(body));
                const std::string ender = next().text;
                if (ender == "elif") {
                    condition = parseExpression();
                    expectBlockEnd();
                    continue;
                }
                if (ender == "else") {
                    expectBlockEnd();
                    node->elseBody = parseBody({ "endif" });
                    ++m_pos;
                }
                expectBlockEnd();
                break;
            }
        } else if (word == "for") {
            node->kind = NodeKind::For;
            node->targets.push_back(expectName());
            while (isOp(",")) {
                ++m_pos;
                node->targets.push_back(expectName());
            }
            if (!isName("in")) error("expected token 'in', got " + describe(peek()));
            ++m_pos;
            node->expr = parseTupleOrExpression(/*withCondition=*/false);
            if (isName("if")) {
                ++m_pos;
                node->condition = parseExpression();
            }
            if (isName("recursive")) error("recursive loops are not supported");
            expectBlockEnd();
            node->body = parseBody({ "endfor", "else" });
            if (next().text == "else") {
                expectBlockEnd();
                node->elseBody = parseBody({ "endfor" });
                ++m_pos;
            }
            expectBlockEnd();
        } else if (word == "set") {
            const std::string target = expectName();
            if (isOp(".")) {
                ++m_pos;
                node->kind = NodeKind::Set;
                node->targets.push_back(target);
                node->text = expectName();
                expectOp("=");
                node->expr = parseTupleOrExpression();
                expectBlockEnd();
                return node;
            }
            node->targets.push_back(target);
            while (isOp(",")) {
                ++m_pos;
                node->targets.push_back(expectName());
            }
            if (isOp("=")) {
                ++m_pos;
                node->kind = NodeKind::Set;
                node->expr = parseTupleOrExpression();
                expectBlockEnd();
            } else {
                node->kind = NodeKind::SetBlock;
                if (isOp("|")) node->expr = parseFilters(nullptr);
                expectBlockEnd();
                node->body = parseBody({ "endset" });
                ++m_pos;
                expectBlockEnd();
            }
        } else if (word == "macro") {
            node->kind = NodeKind::Macro;
            node->text = expectName();
            expectOp("(");
            while (!isOp(")")) {
                if (!node->targets.empty()) expectOp(",");
                if (isOp(")")) break;
                node->targets.push_back(expectName());
                if (isOp("=")) {
                    ++m_pos;
                    node->defaults.push_back(parseExpression());
                } else {
                    node->defaults.push_back(nullptr);
                }
            }
            ++m_pos;
            expectBlockEnd();
            node->body = parseBody({ "endmacro" });
            ++m_pos;
            if (peek().kind == TokenKind::Name) ++m_pos; // {% endmacro name %}
            expectBlockEnd();
        } else if (word == "call") {
            node->kind = NodeKind::CallBlock;
            node->expr = parseExpression();
            if (node->expr->kind != ExprKind::Call) error("expected a call after {% call", &keyword);
            expectBlockEnd();
            node->body = parseBody({ "endcall" });
            ++m_pos;
            expectBlockEnd();
        } else if (word == "filter") {
            node->kind = NodeKind::FilterBlock;
            node->expr = parseFilters(nullptr, /*first=*/true);
            expectBlockEnd();
            node->body = parseBody({ "endfilter" });
            ++m_pos;
            expectBlockEnd();
        } else if (word == "break" || word == "continue") {
            node->kind = word == "break" ? NodeKind::Break : NodeKind::Continue;
            expectBlockEnd();
        } else {
            error("Encountered unknown tag '" + word + "'.", &keyword);
        }
        return node;
    }

    ExprPtr make(ExprKind kind, const Token& at)
    {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = at.line;
        e->column = at.column;
        return e;
    }

    // `a, b` without brackets in {{ }}, {% set %} and {% for %}.
    ExprPtr parseTupleOrExpression(bool withCondition = true)
    {
        const Token& start = peek();
        ExprPtr first = withCondition ? parseExpression() : parseOr();
        if (!isOp(",")) return first;
        auto tuple = make(ExprKind::Tuple, start);
        tuple->args.push_back(std::move(first));
        while (isOp(",")) {
            ++m_pos;
            if (peek().kind == TokenKind::BlockEnd || peek().kind == TokenKind::VariableEnd) break;
            tuple->args.push_back(withCondition ? parseExpression() : parseOr());
        }
        return tuple;
    }

    ExprPtr parseExpression()
    {
        DepthGuard guard(*this);
        ExprPtr value = parseOr();
        while (isName("if")) {
            const Token& at = next();
            auto conditional = make(ExprKind::Conditional, at);
            conditional->args.push_back(std::move(value));
            conditional->args.push_back(parseOr());
            if (isName("else")) {
                ++m_pos;
                conditional->args.push_back(parseExpression());
            } else {
                conditional->args.push_back(nullptr);
            }
            value = std::move(conditional);
        }
        return value;
    }

    ExprPtr binary(const std::string& op, ExprPtr left, ExprPtr right, const Token& at)
    {
        auto e = make(ExprKind::Binary, at);
        e->name = op;
        e->args.push_back(std::move(left));
        e->args.push_back(std::move(right));
        return e;
    }

    ExprPtr parseOr()
    {
        ExprPtr left = parseAnd();
        while (isName("or")) {
            const Token& at = next();
            left = binary("or", std::move(left), parseAnd(), at);
        }
        return left;
    }

    ExprPtr parseAnd()
    {
        ExprPtr left = parseNot();
        while (isName("and")) {
            const Token& at = next();
            left = binary("and", std::move(left), parseNot(), at);
        }
        return left;
    }

    ExprPtr parseNot()
    {
        if (isName("not")) {
            DepthGuard guard(*this);
            const Token& at = next();
            auto e = make(ExprKind::Unary, at);
            e->name = "not";
            e->args.push_back(parseNot());
            return e;
        }
        return parseCompare();
    }

    ExprPtr parseCompare()
    {
        ExprPtr left = parseMath1();
        while (true) {
            const Token& at = peek();
            std::string op;
            if (at.kind == TokenKind::Operator
                && (at.text == "==" || at.text == "!=" || at.text == "<" || at.text == ">" || at.text == "<="
                    || at.text == ">="))
                op = at.text;
            else if (isName("in"))
                op = "in";
            else if (isName("not") && isName("in", 1))
                op = "not in";
            else
                return left;
            m_pos += op == "not in" ? 2 : 1;
            left = binary(op, std::move(left), parseMath1(), at);
        }
    }

    ExprPtr parseMath1()
    {
        ExprPtr left = parseConcat();
        while (isOp("+") || isOp("-")) {
            const Token& at = next();
            left = binary(at.text, std::move(left), parseConcat(), at);
        }
        return left;
    }

    ExprPtr parseConcat()
    {
        ExprPtr left = parseMath2();
        while (isOp("~")) {
            const Token& at = next();
            left = binary("~", std::move(left), parseMath2(), at);
        }
        return left;
    }

    ExprPtr parseMath2()
    {
        ExprPtr left = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const Token& at = next();
            left = binary(at.text, std::move(left), parsePow(), at);
        }
        return left;
    }

    ExprPtr parsePow()
    {
        ExprPtr left = parseUnary(true);
        while (isOp("**")) {
            const Token& at = next();
            left = binary("**", std::move(left), parseUnary(true), at);
        }
        return left;
    }

    ExprPtr parseUnary(bool withFilter)
    {
        DepthGuard guard(*this);
        ExprPtr node;
        if (isOp("-") || isOp("+")) {
            const Token& at = next();
            node = make(ExprKind::Unary, at);
            node->name = at.text;
            node->args.push_back(parseUnary(false));
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(std::move(node));
        if (withFilter) node = parseFilterExpression(std::move(node));
        return node;
    }

    ExprPtr parsePrimary()
    {
        const Token& t = peek();
        if (t.kind == TokenKind::Name) {
            ++m_pos;
            auto e = make(ExprKind::Literal, t);
            if (t.text == "true" || t.text == "True")
                e->literal = Value(true);
            else if (t.text == "false" || t.text == "False")
                e->literal = Value(false);
            else if (t.text == "none" || t.text == "None")
                e->literal = Value::none();
            else {
                e->kind = ExprKind::Name;
                e->name = t.text;
            }
            return e;
        }
        if (t.kind == TokenKind::String) {
            std::string value;
            while (peek().kind == TokenKind::String)
                value += next().text; // adjacent literals join, as in Python
            auto e = make(ExprKind::Literal, t);
            e->literal = Value(value);
            return e;
        }
        if (t.kind == TokenKind::Integer || t.kind == TokenKind::Float) {
            ++m_pos;
            auto e = make(ExprKind::Literal, t);
            try {
                e->literal = t.kind == TokenKind::Integer ? Value(static_cast<int64_t>(std::stoll(t.text)))
                                                          : Value(std::stod(t.text));
            } catch (const std::exception&) {
                error("number out of range: " + t.text, &t);
            }
            return e;
        }
        if (isOp("(")) {
            ++m_pos;
            if (isOp(")")) {
                ++m_pos;
                auto e = make(ExprKind::Tuple, t);
                return e;
            }
            ExprPtr inner = parseExpression();
            if (isOp(",")) {
                auto tuple = make(ExprKind::Tuple, t);
                tuple->args.push_back(std::move(inner));
                while (isOp(",")) {
                    ++m_pos;
                    if (isOp(")")) break;
                    tuple->args.push_back(parseExpression());
                }
                inner = std::move(tuple);
            }
            expectOp(")");
            return inner;
        }
        if (isOp("[")) {
            ++m_pos;
            auto e = make(ExprKind::List, t);
            while (!isOp("]")) {
                if (!e->args.empty()) expectOp(",");
                if (isOp("]")) break;
                e->args.push_back(parseExpression());
            }
            ++m_pos;
            return e;
        }
        if (isOp("{")) {
            ++m_pos;
            auto e = make(ExprKind::Dict, t);
            while (!isOp("}")) {
                if (!e->args.empty()) expectOp(",");
                if (isOp("}")) break;
                e->args.push_back(parseExpression());
                expectOp(":");
                e->args.push_back(parseExpression());
            }
            ++m_pos;
            return e;
        }
        error("Expected an expression, got " + describe(t));
    }

    ExprPtr parsePostfix(ExprPtr node)
    {
        while (true) {
            const Token& at = peek();
            if (isOp(".")) {
                ++m_pos;
                auto e = make(ExprKind::Attribute, at);
                if (peek().kind == TokenKind::Integer) {
                    e->kind = ExprKind::Item;
                    e->args.push_back(std::move(node));
                    auto index = make(ExprKind::Literal, peek());
                    index->literal = Value(static_cast<int64_t>(std::stoll(next().text)));
                    e->args.push_back(std::move(index));
                } else {
                    e->name = expectName();
                    e->args.push_back(std::move(node));
                }
                node = std::move(e);
            } else if (isOp("[")) {
                ++m_pos;
                node = parseSubscript(std::move(node), at);
            } else if (isOp("(")) {
                node = parseCall(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr target, const Token& at)
    {
        ExprPtr parts[3];
        bool slice = false;
        for (int i = 0; i < 3; ++i) {
            if (!isOp(":") && !isOp("]")) parts[i] = parseExpression();
            if (isOp(":") && i < 2) {
                slice = true;
                ++m_pos;
                continue;
            }
            break;
        }
        expectOp("]");
        auto e = make(slice ? ExprKind::Slice : ExprKind::Item, at);
        e->args.push_back(std::move(target));
        if (!slice && !parts[0]) error("expected an index", &at);
        e->args.push_back(std::move(parts[0]));
        if (slice) {
            e->args.push_back(std::move(parts[1]));
            e->args.push_back(std::move(parts[2]));
        }
        return e;
    }

    // (args, name=value); fills `e` from the current "(".
    void parseArguments(Expr& e)
    {
        expectOp("(");
        bool first = true;
        while (!isOp(")")) {
            if (!first) expectOp(",");
            first = false;
            if (isOp(")")) break;
            if (peek().kind == TokenKind::Name && isOp("=", 1)) {
                std::string name = next().text;
                ++m_pos;
                e.kwargs.emplace_back(std::move(name), parseExpression());
            } else {
                if (!e.kwargs.empty()) error("positional argument follows keyword argument");
                e.args.push_back(parseExpression());
            }
        }
        ++m_pos;
    }

    ExprPtr parseCall(ExprPtr callee)
    {
        auto e = make(ExprKind::Call, peek());
        e->args.push_back(std::move(callee));
        parseArguments(*e);
        return e;
    }

    // `| name(args)` chains; a null input is the body of a filter block or set block.
    ExprPtr parseFilters(ExprPtr input, bool first = false)
    {
        while (first || isOp("|")) {
            if (!first) ++m_pos;
            first = false;
            const Token& at = peek();
            std::string name = expectName();
            while (isOp(".")) {
                ++m_pos;
                name += "." + expectName();
            }
            if (!hasFilter(name))
                throw JinjaError { JinjaErrorKind::Syntax, "TemplateAssertionError",
                    "No filter named '" + name + "'.", at.line, at.column };
            auto e = make(ExprKind::Filter, at);
            e->name = name;
            e->args.push_back(std::move(input));
            if (isOp("(")) parseArguments(*e);
            input = std::move(e);
        }
        return input;
    }

    ExprPtr parseFilterExpression(ExprPtr node)
    {
        while (true) {
            if (isOp("|")) {
                node = parseFilters(std::move(node));
            } else if (isName("is")) {
                const Token& at = next();
                auto e = make(ExprKind::Test, at);
                if (isName("not")) {
                    ++m_pos;
                    e->negated = true;
                }
                // "is none", "is true": names that are literals elsewhere.
                e->name = expectName();
                while (isOp(".")) {
                    ++m_pos;
                    e->name += "." + expectName();
                }
                if (!hasTest(e->name))
                    throw JinjaError { JinjaErrorKind::Syntax, "TemplateAssertionError",
                        "No test named '" + e->name + "'.", at.line, at.column };
                e->args.push_back(std::move(node));
                if (isOp("(")) {
                    parseArguments(*e);
                } else if (startsArgument()) {
                    e->args.push_back(parsePostfix(parsePrimary()));
                }
                node = std::move(e);
            } else if (isOp("(")) {
                node = parseCall(std::move(node));
            } else {
                return node;
            }
        }
    }

    // `x is divisibleby 3`: a test's single argument without parentheses.
    bool startsArgument() const
    {
        const Token& t = peek();
        if (t.kind == TokenKind::String || t.kind == TokenKind::Integer || t.kind == TokenKind::Float)
            return true;
        if (t.kind == TokenKind::Name)
            return t.text != "else" && t.text != "or" && t.text != "and" && t.text != "is" && t.text != "in"
                && t.text != "not" && t.text != "if";
        return t.kind == TokenKind::Operator
            && (t.text == "[" || t.text == "{" || t.text == "-" || t.text == "(");
    }
};

} // namespace

Body parse(const std::vector<Token>& tokens)
{
    return Parser(tokens).parseTemplate();
}

} // namespace hearth::jinja
