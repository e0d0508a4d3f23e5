//! Where lowered nodes are in their source: whole spans, line/column pairs
//! in the client's units, breakpoint locations and binding names.
//!
//! The evaluator keeps one offset per node (the position C++ Nix records:
//! the start of a construct, or a binary operator's operator). The end of
//! a node comes from the lossless tree instead, at display time only: a
//! node covers its own token and the positions of its direct children, and
//! its span is the smallest syntax node covering all of them (widened over
//! a selection's attribute path). Nothing of this costs the evaluator
//! anything, and positions stay beside the lowered tree.

use std::rc::Rc;

use rowan::TextRange;
use tvix_eval::lower::{AttrKey, Ir, IrKind};
use tvix_syntax::{LineIndex, SyntaxKind, SyntaxNode, TextSize};

/// A source text with what positions need: its line index and tree.
pub struct SourceMap {
    text: Rc<str>,
    lines: LineIndex,
    tree: SyntaxNode,
}

/// A 0-based position in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 0.
    pub line: u32,
    /// Column in UTF-16 code units, from 0.
    pub col: u32,
}

impl SourceMap {
    /// Indexes `text`.
    pub fn new(text: &str) -> SourceMap {
        SourceMap {
            text: Rc::from(text),
            lines: LineIndex::new(text),
            tree: tvix_syntax::parse(text).syntax(),
        }
    }

    /// The position of byte `offset`.
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let wide = self
            .lines
            .to_wide(self.lines.line_col(TextSize::from(offset)));
        Position {
            line: wide.line,
            col: wide.col,
        }
    }

    /// The span of `ir` (lowered from this text) as byte offsets.
    pub fn span(&self, ir: &Ir) -> (u32, u32) {
        let start = ir.pos.offset;
        let mut lo = start;
        let mut hi = self.token_end(start);
        for child in children(ir) {
            if child.pos.file == ir.pos.file {
                lo = lo.min(child.pos.offset);
                hi = hi.max(self.token_end(child.pos.offset));
            }
        }
        let len = self.text.len() as u32;
        if lo >= len {
            return (start, start);
        }
        let range = TextRange::new(TextSize::from(lo), TextSize::from(hi.min(len)));
        let mut node = match self.tree.covering_element(range) {
            rowan::NodeOrToken::Node(n) => n,
            rowan::NodeOrToken::Token(t) => match t.parent() {
                Some(p) => p,
                None => return (start, hi),
            },
        };
        // A selection's attribute path and `or` default are no children
        // with positions: take the selection around the subject.
        if matches!(ir.kind, IrKind::Select { .. } | IrKind::HasAttr { .. }) {
            while let Some(parent) = node.parent() {
                let kind = parent.kind();
                if (kind == SyntaxKind::NODE_SELECT || kind == SyntaxKind::NODE_HAS_ATTR)
                    && u32::from(parent.text_range().start()) <= lo
                {
                    node = parent;
                } else {
                    break;
                }
            }
        }
        let r = node.text_range();
        (
            u32::from(r.start()).min(start),
            u32::from(r.end()).max(start),
        )
    }

    /// The end of the token starting at (or containing) `offset`.
    fn token_end(&self, offset: u32) -> u32 {
        if offset as usize >= self.text.len() {
            return offset;
        }
        match self
            .tree
            .token_at_offset(TextSize::from(offset))
            .right_biased()
        {
            Some(t) => u32::from(t.text_range().end()),
            None => offset + 1,
        }
    }

    /// The name of the binding whose value starts at `offset` (`a.b` in
    /// `a.b = …;`), if any.
    pub fn binding_name(&self, offset: u32) -> Option<String> {
        let token = self
            .tree
            .token_at_offset(TextSize::from(offset))
            .right_biased()?;
        let mut node = token.parent()?;
        loop {
            let parent = node.parent()?;
            if u32::from(parent.text_range().start()) != offset
                && parent.kind() != SyntaxKind::NODE_ATTRPATH_VALUE
            {
                return None;
            }
            if parent.kind() == SyntaxKind::NODE_ATTRPATH_VALUE {
                let path = parent
                    .children()
                    .find(|c| c.kind() == SyntaxKind::NODE_ATTRPATH)?;
                // Only the value side names the binding.
                if u32::from(path.text_range().start()) >= offset {
                    return None;
                }
                return Some(path.text().to_string());
            }
            node = parent;
        }
    }
}

/// The lowered children of `ir` that carry positions of their own.
pub fn children(ir: &Ir) -> Vec<&Rc<Ir>> {
    let mut out = Vec::new();
    fn keys<'a>(path: &'a [AttrKey], out: &mut Vec<&'a Rc<Ir>>) {
        for key in path {
            if let AttrKey::Dynamic(e, _) = key {
                out.push(e);
            }
        }
    }
    match &ir.kind {
        IrKind::Const(_) | IrKind::Var { .. } | IrKind::WithVar { .. } | IrKind::CurPos => {}
        IrKind::Select {
            expr,
            path,
            default,
        } => {
            out.push(expr);
            keys(path, &mut out);
            out.extend(default);
        }
        IrKind::HasAttr { expr, path } => {
            out.push(expr);
            keys(path, &mut out);
        }
        IrKind::Attrs(a) | IrKind::Let { attrs: a, .. } => {
            out.extend(a.inherit_from.iter());
            for attr in &a.attrs {
                out.push(&attr.value);
            }
            for d in &a.dynamic {
                out.push(&d.name);
                out.push(&d.value);
            }
            if let IrKind::Let { body, .. } = &ir.kind {
                out.push(body);
            }
        }
        IrKind::List(items) => out.extend(items.iter()),
        IrKind::Lambda(l) => {
            if let Some(f) = &l.formals {
                out.extend(f.entries.iter().filter_map(|e| e.default.as_ref()));
            }
            out.push(&l.body);
        }
        IrKind::Call { fun, args } => {
            out.push(fun);
            out.extend(args.iter());
        }
        IrKind::BuiltinCall { fun, args, .. } => {
            out.push(fun);
            out.extend(args.iter());
        }
        IrKind::With { env, body } => {
            out.push(env);
            out.push(body);
        }
        IrKind::If { cond, then_, else_ } => {
            out.push(cond);
            out.push(then_);
            out.push(else_);
        }
        IrKind::Assert { cond, body, .. } => {
            out.push(cond);
            out.push(body);
        }
        IrKind::Not(e) => out.push(e),
        IrKind::BinOp { lhs, rhs, .. } => {
            out.push(lhs);
            out.push(rhs);
        }
        IrKind::ConcatStrings { parts, .. } => out.extend(parts.iter().map(|(_, e)| e)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tvix_eval::lower::{Globals, lower};
    use tvix_eval::pos::FileId;
    use tvix_syntax::exact::{ParseContext, parse};

    fn lowered(text: &str) -> Rc<Ir> {
        let ctx = ParseContext {
            source_name: "/t.nix",
            base_dir: "/",
            home: None,
        };
        let expr = parse(text, &ctx).expect("parses");
        lower(&expr, FileId(0), &Globals::default())
    }

    fn span_text(text: &str, pick: impl Fn(&Ir) -> bool) -> String {
        let root = lowered(text);
        let map = SourceMap::new(text);
        let mut todo = vec![&root];
        while let Some(ir) = todo.pop() {
            if pick(ir) {
                let (s, e) = map.span(ir);
                return text[s as usize..e as usize].to_string();
            }
            todo.extend(children(ir));
        }
        panic!("no node picked");
    }

    #[test]
    fn spans_cover_whole_constructs() {
        let t = "let f = x: x + 1; in f (f 2)";
        assert_eq!(span_text(t, |i| matches!(i.kind, IrKind::Let { .. })), t);
        assert_eq!(
            span_text(t, |i| matches!(i.kind, IrKind::Lambda(_))),
            "x: x + 1"
        );
        assert_eq!(
            span_text(t, |i| matches!(i.kind, IrKind::Call { .. })
                && i.pos.offset == 21),
            "f (f 2)"
        );
        let t = "{ a = { b = 1; }; }.a.b";
        assert_eq!(span_text(t, |i| matches!(i.kind, IrKind::Select { .. })), t);
        let t = "[ 1 \"two\" ]";
        assert_eq!(
            span_text(
                t,
                |i| matches!(&i.kind, IrKind::Const(v) if v.type_of() == "string")
            ),
            "\"two\""
        );
        assert_eq!(span_text(t, |i| matches!(i.kind, IrKind::List(_))), t);
    }

    #[test]
    fn every_span_contains_its_position() {
        let t = "rec { a = if true then \"x${toString b}\" else null; b = 1 + 2 * 3; c = a.b or { }; d = !(x: x) 1 < -2; }";
        let root = lowered(t);
        let map = SourceMap::new(t);
        let mut todo = vec![&root];
        while let Some(ir) = todo.pop() {
            let (s, e) = map.span(ir);
            assert!(
                s <= ir.pos.offset && ir.pos.offset <= e,
                "{s}..{e} vs {}",
                ir.pos.offset
            );
            todo.extend(children(ir));
        }
    }

    #[test]
    fn binding_names_and_positions() {
        let t = "{\n  a.b = 1 + 2;\n  c = x: x;\n}";
        let map = SourceMap::new(t);
        assert_eq!(map.binding_name(10).as_deref(), Some("a.b"));
        assert_eq!(map.binding_name(4), None);
        assert_eq!(map.position(10), Position { line: 1, col: 8 });
    }
}
