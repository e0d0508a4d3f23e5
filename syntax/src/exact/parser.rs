//! Recursive descent over C++ Nix's grammar, with precedence climbing for
//! operators.
//!
//! Syntax errors reproduce bison's: bison (with default reductions) only
//! detects an error in a state without reductions, so the expected tokens
//! it lists are the tokens that state can shift. Each `expect`/`unexpected`
//! call below names the set of the bison state the parser is mirroring at
//! that point; sets of more than four tokens print no list at all.

use std::collections::VecDeque;

use rnix::TextSize;

use super::ParseContext;
use super::error::ParseFailure;
use super::expr::{AttrName, BinOp, Expr, Lambda, StrPart};
use super::lexer::Lexer;
use super::render::format_position;
use super::strings::{IndPart, resolve_path_literal, strip_indentation};
use super::token::{EXPECT_ATTR, Tok, TokValue, Token};

pub(crate) type PResult<T> = Result<T, ParseFailure>;

/// How deep expressions may nest before parsing stops with an error, so
/// that parsing, printing and scope checking never exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 1000;

/// Longest chain of left-associative operators (`a + b + …`) accepted.
pub(crate) const MAX_LEFT_CHAIN: usize = 10_000;

/// Any set with more than four tokens: bison then prints no list.
pub(crate) const NO_LIST: &[Tok] = &[];

pub(crate) struct Parser<'s, 'c> {
    lexer: Lexer<'s>,
    /// Lexed tokens not consumed yet (the grammar looks at most three
    /// ahead).
    buf: VecDeque<Token>,
    /// The lexer's error, once it failed: it stands after `buf`'s tokens,
    /// and the parser sees it when it asks for a token that far ahead.
    lex_error: Option<ParseFailure>,
    pub(crate) ctx: &'c ParseContext<'c>,
    pub(crate) src: &'s str,
    depth: usize,
    /// The last legacy `e or` call: start of `e`, end of `or`.
    cursed_or: Option<(u32, u32)>,
    /// Warnings C++ Nix prints while parsing, as `(start, end)` spans of
    /// "cursed or" calls.
    pub(crate) cursed_or_warnings: Vec<(u32, u32)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Assoc {
    Left,
    Right,
    Neither,
}

/// Precedence levels from parser.y (higher binds tighter); 7 is `!`, 12
/// is unary minus.
fn binary_op(kind: Tok) -> Option<(u8, Assoc)> {
    use Tok::*;
    Some(match kind {
        Impl => (1, Assoc::Right),
        Or => (2, Assoc::Left),
        And => (3, Assoc::Left),
        Eq | NEq => (4, Assoc::Neither),
        Lt | Gt | Leq | Geq => (5, Assoc::Neither),
        Update => (6, Assoc::Right),
        Plus | Minus => (8, Assoc::Left),
        Star | Slash => (9, Assoc::Left),
        Concat => (10, Assoc::Right),
        Question => (11, Assoc::Neither),
        _ => return None,
    })
}

const NOT_OPERAND: u8 = 8;
const NEGATE_OPERAND: u8 = 13;

impl<'s, 'c> Parser<'s, 'c> {
    pub(crate) fn new(src: &'s str, ctx: &'c ParseContext<'c>) -> Self {
        Parser {
            lexer: Lexer::new(src),
            buf: VecDeque::with_capacity(4),
            lex_error: None,
            ctx,
            src,
            depth: 0,
            cursed_or: None,
            cursed_or_warnings: Vec::new(),
        }
    }

    // ----- token plumbing -----

    pub(crate) fn peek_n(&mut self, n: usize) -> PResult<&Token> {
        if n < self.buf.len() {
            return Ok(&self.buf[n]);
        }
        self.fill(n)
    }

    /// Lexes until the buffer holds token `n`, or the lexer fails first.
    #[cold]
    fn fill(&mut self, n: usize) -> PResult<&Token> {
        while self.buf.len() <= n {
            if let Some(e) = &self.lex_error {
                return Err(e.clone());
            }
            match self.lexer.next_token() {
                Ok(t) => self.buf.push_back(t),
                Err(e) => self.lex_error = Some(e),
            }
        }
        Ok(&self.buf[n])
    }

    pub(crate) fn peek(&mut self) -> PResult<&Token> {
        self.peek_n(0)
    }

    pub(crate) fn kind(&mut self) -> PResult<Tok> {
        Ok(self.peek()?.kind)
    }

    pub(crate) fn kind_n(&mut self, n: usize) -> PResult<Tok> {
        Ok(self.peek_n(n)?.kind)
    }

    pub(crate) fn start(&mut self) -> PResult<u32> {
        Ok(self.peek()?.start)
    }

    pub(crate) fn bump(&mut self) -> PResult<Token> {
        self.peek()?;
        match self.buf.pop_front() {
            Some(t) => Ok(t),
            None => unreachable_eof(),
        }
    }

    /// Consumes a `tok`, or fails as bison does in a state that can shift
    /// exactly `expected`.
    pub(crate) fn expect(&mut self, tok: Tok, expected: &[Tok]) -> PResult<Token> {
        if self.kind()? == tok {
            self.bump()
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// Bison's "syntax error, unexpected X[, expecting A or B]" for the
    /// next token.
    pub(crate) fn unexpected(&mut self, expected: &[Tok]) -> ParseFailure {
        let t = match self.peek() {
            Ok(t) => t.clone(),
            Err(e) => return e,
        };
        let mut msg = format!("syntax error, unexpected {}", t.kind.bison_name());
        if (1..=4).contains(&expected.len()) {
            let names: Vec<&str> = expected.iter().map(|t| t.bison_name()).collect();
            msg.push_str(", expecting ");
            msg.push_str(&names.join(" or "));
        }
        // C++ Nix points an unexpected end of file at its end.
        let at = if t.kind == Tok::Eof { t.end } else { t.start };
        ParseFailure::at(msg, at)
    }

    pub(crate) fn position(&self, offset: TextSize) -> String {
        format_position(self.ctx.source_name, self.src, offset)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.start()?;
            return Err(ParseFailure::at(
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                at,
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----- expressions -----

    /// `start: expr` followed by end of file.
    pub(crate) fn parse_root(&mut self) -> PResult<Expr> {
        let e = self.parse_expr()?;
        self.expect(Tok::Eof, &[Tok::Eof])?;
        Ok(e)
    }

    /// `expr` (= `expr_function`): lambdas, `assert`, `with`, `let … in`,
    /// `if`, and operator expressions.
    pub(crate) fn parse_expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.parse_expr_function();
        self.leave();
        e
    }

    fn parse_expr_function(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let pos = TextSize::from(start);
        match self.kind()? {
            Tok::Id if self.kind_n(1)? == Tok::Colon => {
                let arg = self.bump()?.text().to_string();
                self.bump()?;
                let body = self.parse_expr()?;
                Ok(Expr::Lambda(Box::new(Lambda {
                    pos,
                    arg: Some(arg),
                    formals: None,
                    body,
                })))
            }
            Tok::Id if self.kind_n(1)? == Tok::At => {
                let arg = self.bump()?.text().to_string();
                self.bump()?;
                self.expect(Tok::LBrace, &[Tok::LBrace])?;
                let formals = self.parse_formals()?;
                self.expect(Tok::Colon, &[Tok::Colon])?;
                let body = self.parse_expr()?;
                self.finish_lambda(pos, Some(arg), formals, body)
            }
            Tok::LBrace if self.brace_starts_formals()? => {
                self.bump()?;
                let formals = self.parse_formals()?;
                let arg = match self.kind()? {
                    Tok::Colon => None,
                    Tok::At => {
                        self.bump()?;
                        Some(self.expect(Tok::Id, &[Tok::Id])?.text().to_string())
                    }
                    _ => return Err(self.unexpected(&[Tok::Colon, Tok::At])),
                };
                self.expect(Tok::Colon, &[Tok::Colon])?;
                let body = self.parse_expr()?;
                self.finish_lambda(pos, arg, formals, body)
            }
            Tok::Assert | Tok::With => {
                let is_assert = self.bump()?.kind == Tok::Assert;
                let first = self.parse_expr()?;
                self.expect(Tok::Semi, &[Tok::Semi])?;
                let body = Box::new(self.parse_expr()?);
                Ok(if is_assert {
                    Expr::Assert {
                        pos,
                        cond: Box::new(first),
                        body,
                    }
                } else {
                    Expr::With {
                        pos,
                        env: Box::new(first),
                        body,
                    }
                })
            }
            Tok::Let if self.kind_n(1)? != Tok::LBrace => {
                self.bump()?;
                let mut attrs = super::expr::Attrs::new(pos);
                self.parse_binds(&mut attrs)?;
                self.expect(Tok::In, &[Tok::In, Tok::Inherit])?;
                let body = self.parse_expr()?;
                if !attrs.dynamic.is_empty() {
                    return Err(ParseFailure::at(
                        "dynamic attributes not allowed in let",
                        start,
                    ));
                }
                Ok(Expr::Let {
                    pos,
                    attrs: Box::new(attrs),
                    body: Box::new(body),
                })
            }
            Tok::If => {
                self.bump()?;
                let cond = self.parse_expr()?;
                self.expect(Tok::Then, &[Tok::Then])?;
                let then_ = self.parse_expr()?;
                self.expect(Tok::Else, &[Tok::Else])?;
                let else_ = self.parse_expr()?;
                Ok(Expr::If {
                    pos,
                    cond: Box::new(cond),
                    then_: Box::new(then_),
                    else_: Box::new(else_),
                })
            }
            _ => self.parse_op(0),
        }
    }

    /// After `{` at the start of an expression, bison decides between a
    /// formal set and an attribute set with the tokens that follow.
    fn brace_starts_formals(&mut self) -> PResult<bool> {
        Ok(match self.kind_n(1)? {
            Tok::Ellipsis => true,
            Tok::RBrace => matches!(self.kind_n(2)?, Tok::Colon | Tok::At),
            Tok::Id => matches!(self.kind_n(2)?, Tok::Comma | Tok::RBrace | Tok::Question),
            _ => false,
        })
    }

    /// Precedence climbing over `expr_op`.
    fn parse_op(&mut self, min: u8) -> PResult<Expr> {
        self.enter()?;
        let r = self.parse_op_inner(min);
        self.leave();
        r
    }

    fn parse_op_inner(&mut self, min: u8) -> PResult<Expr> {
        let lhs_start = self.start()?;
        let mut lhs = self.parse_prefix()?;
        let mut chain = 0;
        loop {
            let kind = self.kind()?;
            let Some((prec, assoc)) = binary_op(kind) else {
                break;
            };
            if prec < min {
                break;
            }
            // Left-nested chains deepen the tree without recursing here, so
            // they get their own, much larger limit: only consumers of the
            // tree (printing, scope checks, drop) recurse over them, at a
            // small cost per level.
            chain += 1;
            if chain > MAX_LEFT_CHAIN {
                let at = self.start()?;
                return Err(ParseFailure::at(
                    format!(
                        "expression nested too deeply (more than {MAX_LEFT_CHAIN} operations in a chain)"
                    ),
                    at,
                ));
            }
            let op = self.bump()?;
            let pos = TextSize::from(op.start);
            if kind == Tok::Question {
                let path = self.parse_attrpath()?;
                lhs = Expr::HasAttr {
                    pos,
                    expr: Box::new(lhs),
                    path,
                };
                continue;
            }
            let rhs_start = self.start()?;
            let rhs = self.parse_op(if assoc == Assoc::Right {
                prec
            } else {
                prec + 1
            })?;
            lhs = combine(kind, pos, lhs, lhs_start, rhs, rhs_start);
            if assoc == Assoc::Neither
                && let Some((next, _)) = binary_op(self.kind()?)
                && next == prec
            {
                return Err(self.unexpected(NO_LIST));
            }
        }
        Ok(lhs)
    }

    fn parse_prefix(&mut self) -> PResult<Expr> {
        match self.kind()? {
            Tok::Bang => {
                let pos = TextSize::from(self.bump()?.start);
                let e = self.parse_op(NOT_OPERAND)?;
                Ok(Expr::Not {
                    pos,
                    expr: Box::new(e),
                })
            }
            Tok::Minus => {
                let pos = TextSize::from(self.bump()?.start);
                let e = self.parse_op(NEGATE_OPERAND)?;
                Ok(Expr::Call {
                    pos,
                    fun: Box::new(Expr::var(pos, "__sub")),
                    args: vec![Expr::Int { pos, value: 0 }, e],
                })
            }
            _ => self.parse_app(),
        }
    }

    /// `expr_app`: a function followed by arguments.
    fn parse_app(&mut self) -> PResult<Expr> {
        let pos = TextSize::from(self.start()?);
        let mut fun = self.parse_select()?;
        while self.kind()?.starts_simple() {
            let arg = self.parse_select_warn()?;
            fun = make_call(pos, fun, arg);
        }
        Ok(fun)
    }

    /// [`Self::parse_select`] where C++ Nix warns about a legacy `e or`
    /// call (an argument, a list element, the default of an `or`): its
    /// meaning will change. As the head of an application it will not.
    fn parse_select_warn(&mut self) -> PResult<Expr> {
        let start = self.start()?;
        let e = self.parse_select()?;
        // Only a call this very `expr_select` made (a nested one starts
        // later, inside a bracket).
        if let Some((s, end)) = self.cursed_or.take()
            && s == start
        {
            self.cursed_or_warnings.push((s, end));
        }
        Ok(e)
    }

    /// `expr_select`: `e.a.b`, `e.a.b or d`, and the legacy `e or` call.
    fn parse_select(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.parse_select_inner();
        self.leave();
        r
    }

    fn parse_select_inner(&mut self) -> PResult<Expr> {
        let pos = TextSize::from(self.start()?);
        let simple = self.parse_simple()?;
        match self.kind()? {
            Tok::Dot => {
                self.bump()?;
                let path = self.parse_attrpath()?;
                let default = if self.kind()? == Tok::OrKw {
                    self.bump()?;
                    if !self.kind()?.starts_simple() {
                        return Err(self.unexpected(NO_LIST));
                    }
                    Some(Box::new(self.parse_select_warn()?))
                } else {
                    None
                };
                Ok(Expr::Select {
                    pos,
                    expr: Box::new(simple),
                    path,
                    default,
                })
            }
            Tok::OrKw => {
                // `f or`: C++ Nix still treats `or` here as a variable.
                let or = self.bump()?;
                self.cursed_or = Some((u32::from(pos), or.end));
                Ok(Expr::Call {
                    pos,
                    fun: Box::new(simple),
                    args: vec![Expr::var(or.start.into(), "or")],
                })
            }
            _ => Ok(simple),
        }
    }

    /// `attrpath`: one or more attribute names separated by `.`.
    pub(crate) fn parse_attrpath(&mut self) -> PResult<Vec<AttrName>> {
        let mut path = vec![self.parse_attr()?];
        while self.kind()? == Tok::Dot {
            self.bump()?;
            path.push(self.parse_attr()?);
        }
        Ok(path)
    }

    /// `attr` or `string_attr`.
    pub(crate) fn parse_attr(&mut self) -> PResult<AttrName> {
        match self.kind()? {
            Tok::Id => Ok(AttrName::Static(self.bump()?.text().to_string())),
            Tok::OrKw => {
                self.bump()?;
                Ok(AttrName::Static("or".into()))
            }
            Tok::Quote => {
                let q = self.bump()?;
                Ok(match self.parse_string_parts(q.start)? {
                    Ok(s) => AttrName::Static(s),
                    Err(e) => AttrName::Dynamic(e),
                })
            }
            Tok::DollarCurly => {
                self.bump()?;
                let e = self.parse_expr()?;
                self.expect(Tok::RBrace, &[Tok::RBrace])?;
                Ok(match e {
                    Expr::String { value, .. } => AttrName::Static(value),
                    e => AttrName::Dynamic(e),
                })
            }
            _ => Err(self.unexpected(EXPECT_ATTR)),
        }
    }

    /// The inside of `"…"` after the opening quote, through the closing
    /// one: a plain string (`Ok`) or a concatenation (`Err`).
    fn parse_string_parts(&mut self, quote: u32) -> PResult<Result<String, Expr>> {
        let mut parts: Vec<StrPart> = Vec::new();
        let mut only_text = true;
        loop {
            match self.kind()? {
                Tok::Str => {
                    let t = self.bump()?;
                    parts.push(StrPart {
                        pos: t.start.into(),
                        expr: Expr::String {
                            pos: t.start.into(),
                            value: t.text().to_string(),
                        },
                    });
                }
                Tok::DollarCurly => {
                    only_text = false;
                    let t = self.bump()?;
                    let e = self.parse_expr()?;
                    self.expect(Tok::RBrace, &[Tok::RBrace])?;
                    parts.push(StrPart {
                        pos: t.start.into(),
                        expr: e,
                    });
                }
                Tok::Quote => {
                    self.bump()?;
                    break;
                }
                _ => return Err(self.unexpected(&[Tok::Quote])),
            }
        }
        if parts.is_empty() {
            return Ok(Ok(String::new()));
        }
        if only_text
            && parts.len() == 1
            && let Some(StrPart {
                expr: Expr::String { value, .. },
                ..
            }) = parts.pop()
        {
            return Ok(Ok(value));
        }
        let _ = quote;
        let pos = parts.first().map_or(TextSize::from(quote), |p| p.pos);
        Ok(Err(Expr::ConcatStrings {
            pos,
            force_string: true,
            parts,
        }))
    }

    /// `expr_simple`.
    fn parse_simple(&mut self) -> PResult<Expr> {
        let kind = self.kind()?;
        let start = self.start()?;
        let pos = TextSize::from(start);
        match kind {
            Tok::Id => {
                let name = self.bump()?.text().to_string();
                Ok(if name == "__curPos" {
                    Expr::CurPos { pos }
                } else {
                    Expr::Var { pos, name }
                })
            }
            Tok::Int | Tok::Float => Ok(match self.bump()?.value {
                TokValue::Int(value) => Expr::Int { pos, value },
                TokValue::Float(value) => Expr::Float { pos, value },
                _ => Expr::Int { pos, value: 0 },
            }),
            Tok::Quote => {
                self.bump()?;
                Ok(match self.parse_string_parts(start)? {
                    Ok(value) => Expr::String { pos, value },
                    Err(e) => e,
                })
            }
            Tok::IndStringOpen => {
                self.bump()?;
                let mut parts = Vec::new();
                loop {
                    match self.kind()? {
                        Tok::IndStr => {
                            let t = self.bump()?;
                            if let TokValue::IndText(s, indent) = t.value {
                                parts.push(IndPart::Text(s, indent, t.start));
                            }
                        }
                        Tok::DollarCurly => {
                            let t = self.bump()?;
                            let e = self.parse_expr()?;
                            self.expect(Tok::RBrace, &[Tok::RBrace])?;
                            parts.push(IndPart::Interp(e, t.start));
                        }
                        Tok::IndStringClose => {
                            self.bump()?;
                            break;
                        }
                        _ => {
                            return Err(self.unexpected(&[
                                Tok::IndStr,
                                Tok::DollarCurly,
                                Tok::IndStringClose,
                            ]));
                        }
                    }
                }
                Ok(strip_indentation(start, parts))
            }
            Tok::Path | Tok::HPath => self.parse_path(),
            Tok::SPath => {
                let t = self.bump()?;
                let text = t.text();
                let inner = text
                    .get(1..text.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string();
                Ok(Expr::Call {
                    pos,
                    fun: Box::new(Expr::var(pos, "__findFile")),
                    args: vec![
                        Expr::var(pos, "__nixPath"),
                        Expr::String { pos, value: inner },
                    ],
                })
            }
            Tok::Uri => Ok(Expr::String {
                pos,
                value: self.bump()?.text().to_string(),
            }),
            Tok::LParen => {
                self.bump()?;
                let e = self.parse_expr()?;
                self.expect(Tok::RParen, &[Tok::RParen])?;
                Ok(e)
            }
            Tok::Let | Tok::Rec => {
                self.bump()?;
                self.expect(Tok::LBrace, &[Tok::LBrace])?;
                let mut attrs = super::expr::Attrs::new(pos);
                attrs.recursive = true;
                self.parse_binds(&mut attrs)?;
                self.expect(Tok::RBrace, &[Tok::Inherit, Tok::RBrace])?;
                let attrs = Expr::Attrs(Box::new(attrs));
                Ok(if kind == Tok::Let {
                    Expr::Select {
                        pos,
                        expr: Box::new(attrs),
                        path: vec![AttrName::Static("body".into())],
                        default: None,
                    }
                } else {
                    attrs
                })
            }
            Tok::LBrace => {
                self.bump()?;
                let mut attrs = super::expr::Attrs::new(pos);
                if self.kind()? != Tok::RBrace {
                    self.parse_binds(&mut attrs)?;
                }
                self.expect(Tok::RBrace, &[Tok::Inherit])?;
                Ok(Expr::Attrs(Box::new(attrs)))
            }
            Tok::LBracket => {
                self.bump()?;
                let mut elems = Vec::new();
                loop {
                    let k = self.kind()?;
                    if k == Tok::RBracket {
                        self.bump()?;
                        break;
                    }
                    if !k.starts_simple() {
                        return Err(self.unexpected(NO_LIST));
                    }
                    elems.push(self.parse_select_warn()?);
                }
                Ok(Expr::List { pos, elems })
            }
            _ => Err(self.unexpected(NO_LIST)),
        }
    }

    /// `path_start PATH_END` or an interpolated path.
    fn parse_path(&mut self) -> PResult<Expr> {
        let t = self.bump()?;
        let pos = TextSize::from(t.start);
        let literal = t.text();
        let value = if t.kind == Tok::Path {
            resolve_path_literal(literal, self.ctx.base_dir)
        } else {
            match self.ctx.home {
                Some(home) => format!("{home}{}", &literal[1..]),
                None => {
                    return Err(ParseFailure::unpositioned(format!(
                        "the path '{literal}' can not be resolved in pure mode"
                    )));
                }
            }
        };
        let path = Expr::Path { pos, value };
        if self.kind()? == Tok::PathEnd {
            self.bump()?;
            return Ok(path);
        }
        let mut parts = vec![StrPart { pos, expr: path }];
        loop {
            match self.kind()? {
                Tok::Str => {
                    let s = self.bump()?;
                    let p = TextSize::from(s.start);
                    parts.push(StrPart {
                        pos: p,
                        expr: Expr::String {
                            pos: p,
                            value: s.text().to_string(),
                        },
                    });
                }
                Tok::DollarCurly => {
                    let d = self.bump()?;
                    let e = self.parse_expr()?;
                    self.expect(Tok::RBrace, &[Tok::RBrace])?;
                    parts.push(StrPart {
                        pos: d.start.into(),
                        expr: e,
                    });
                }
                Tok::PathEnd => {
                    self.bump()?;
                    break;
                }
                _ => return Err(self.unexpected(&[Tok::Str, Tok::PathEnd, Tok::DollarCurly])),
            }
        }
        Ok(Expr::ConcatStrings {
            pos,
            force_string: false,
            parts,
        })
    }
}

/// Builds a binary operator's node, desugaring as C++ Nix does.
fn combine(kind: Tok, pos: TextSize, lhs: Expr, lhs_start: u32, rhs: Expr, rhs_start: u32) -> Expr {
    let op = match kind {
        Tok::Eq => Some(BinOp::Eq),
        Tok::NEq => Some(BinOp::NEq),
        Tok::And => Some(BinOp::And),
        Tok::Or => Some(BinOp::Or),
        Tok::Impl => Some(BinOp::Impl),
        Tok::Update => Some(BinOp::Update),
        Tok::Concat => Some(BinOp::ConcatLists),
        _ => None,
    };
    if let Some(op) = op {
        return Expr::BinOp {
            pos,
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        };
    }
    let call = |name: &str, a: Expr, b: Expr| Expr::Call {
        pos,
        fun: Box::new(Expr::var(pos, name)),
        args: vec![a, b],
    };
    match kind {
        Tok::Lt => call("__lessThan", lhs, rhs),
        Tok::Gt => call("__lessThan", rhs, lhs),
        Tok::Leq => Expr::Not {
            pos,
            expr: Box::new(call("__lessThan", rhs, lhs)),
        },
        Tok::Geq => Expr::Not {
            pos,
            expr: Box::new(call("__lessThan", lhs, rhs)),
        },
        Tok::Plus => Expr::ConcatStrings {
            pos,
            force_string: false,
            parts: vec![
                StrPart {
                    pos: lhs_start.into(),
                    expr: lhs,
                },
                StrPart {
                    pos: rhs_start.into(),
                    expr: rhs,
                },
            ],
        },
        Tok::Minus => call("__sub", lhs, rhs),
        Tok::Star => call("__mul", lhs, rhs),
        _ => call("__div", lhs, rhs),
    }
}

/// C++ Nix's `makeCall`: an application whose function is already a call
/// (even a desugared one) gets the argument appended.
fn make_call(pos: TextSize, fun: Expr, arg: Expr) -> Expr {
    match fun {
        Expr::Call { pos, fun, mut args } => {
            args.push(arg);
            Expr::Call { pos, fun, args }
        }
        fun => Expr::Call {
            pos,
            fun: Box::new(fun),
            args: vec![arg],
        },
    }
}

/// The token buffer always holds the requested token or an error before
/// it; this is the unreachable remainder, kept panic-free.
fn unreachable_eof<T>() -> PResult<T> {
    Err(ParseFailure::at("syntax error, unexpected end of file", 0))
}
