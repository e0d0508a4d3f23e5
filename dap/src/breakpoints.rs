//! Breakpoints as the client sets them, resolved to node positions.
//!
//! A line breakpoint is resolved against the file's lowered nodes: the
//! outermost node starting on that line (at or after the requested column;
//! a function means its body), or failing that on a later line. It then matches the node
//! starting at exactly that offset, so it is verified with the column it
//! will really stop at.

use std::collections::HashMap;
use std::path::Path;

use tvix_eval::lower::{Globals, lower};
use tvix_eval::pos::FileId;
use tvix_syntax::exact::{ParseContext, parse};

use crate::spans::{Position, SourceMap};

/// When a breakpoint with a hit condition stops, by its hit count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitCondition {
    /// `N` or `== N`: the N-th hit only.
    Eq(u64),
    /// `>= N`.
    AtLeast(u64),
    /// `> N`.
    After(u64),
    /// `< N`.
    Before(u64),
    /// `<= N`.
    AtMost(u64),
    /// `% N`: every N-th hit.
    Every(u64),
}

impl HitCondition {
    /// Parses `N`, `== N`, `>= N`, `> N`, `< N`, `<= N` or `% N`.
    pub fn parse(text: &str) -> Result<HitCondition, String> {
        let t = text.trim();
        let (ctor, rest): (fn(u64) -> HitCondition, &str) = if let Some(r) = t.strip_prefix("==") {
            (HitCondition::Eq, r)
        } else if let Some(r) = t.strip_prefix(">=") {
            (HitCondition::AtLeast, r)
        } else if let Some(r) = t.strip_prefix("<=") {
            (HitCondition::AtMost, r)
        } else if let Some(r) = t.strip_prefix('>') {
            (HitCondition::After, r)
        } else if let Some(r) = t.strip_prefix('<') {
            (HitCondition::Before, r)
        } else if let Some(r) = t.strip_prefix('%') {
            (HitCondition::Every, r)
        } else {
            (HitCondition::Eq, t)
        };
        let n: u64 = rest.trim().parse().map_err(|_| {
            format!(
                "invalid hit condition '{text}' (expected N, == N, >= N, > N, < N, <= N or % N)"
            )
        })?;
        if matches!(ctor(0), HitCondition::Every(_)) && n == 0 {
            return Err(format!("invalid hit condition '{text}': % 0"));
        }
        Ok(ctor(n))
    }

    /// Whether the `count`-th hit (from 1) stops.
    pub fn stops(self, count: u64) -> bool {
        match self {
            HitCondition::Eq(n) => count == n,
            HitCondition::AtLeast(n) => count >= n,
            HitCondition::After(n) => count > n,
            HitCondition::Before(n) => count < n,
            HitCondition::AtMost(n) => count <= n,
            HitCondition::Every(n) => count.is_multiple_of(n),
        }
    }
}

/// What a breakpoint does once its location (or function) is reached.
#[derive(Clone, Debug, Default)]
pub struct Action {
    /// A Nix expression that must be `true` (evaluated in the frame).
    pub condition: Option<String>,
    /// Which hits stop.
    pub hit: Option<HitCondition>,
    /// A logpoint's message, with `{expr}` parts: printed, never stops.
    pub log: Option<String>,
}

/// A resolved line breakpoint.
#[derive(Clone, Debug)]
pub struct LineBreakpoint {
    /// Its id, as reported to the client.
    pub id: i64,
    /// The byte offset of the node it stops at.
    pub offset: u32,
    /// What it does.
    pub action: Action,
}

/// A function breakpoint: a lambda's binding name or a builtin's name.
#[derive(Clone, Debug)]
pub struct FunctionBreakpoint {
    /// Its id.
    pub id: i64,
    /// The name (`f`, `map`, `builtins.map`).
    pub name: String,
    /// What it does.
    pub action: Action,
}

/// Which errors stop, for one filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExceptionMode {
    /// Whether the filter is on.
    pub enabled: bool,
    /// Ignore errors a `tryEval` will catch.
    pub ignore_caught: bool,
}

/// The exception filters.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExceptionFilters {
    /// `throw`.
    pub throw: ExceptionMode,
    /// Failed `assert`.
    pub assert: ExceptionMode,
    /// `abort`.
    pub abort: ExceptionMode,
    /// Every error.
    pub all: ExceptionMode,
}

/// Every breakpoint the client has set.
#[derive(Clone, Debug, Default)]
pub struct BreakConfig {
    /// Line breakpoints by canonical file path, sorted by offset.
    pub files: HashMap<String, Vec<LineBreakpoint>>,
    /// Function breakpoints.
    pub functions: Vec<FunctionBreakpoint>,
    /// Exception filters.
    pub exceptions: ExceptionFilters,
}

/// The key files are known by: the canonical path when there is one.
pub fn file_key(path: &str) -> String {
    std::fs::canonicalize(path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_owned())
}

/// Where a line breakpoint landed, 0-based.
pub struct Resolved {
    /// The node's offset.
    pub offset: u32,
    /// Its start.
    pub start: Position,
    /// Its end.
    pub end: Position,
}

/// The breakpoint locations of one file.
pub struct FileLocations {
    /// Every node: its position offset, and its span's start and end.
    nodes: Vec<(u32, Position, Position)>,
}

impl FileLocations {
    /// Parses and lowers the file at `path`.
    pub fn load(path: &str) -> Result<FileLocations, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read '{path}': {e}"))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let dir = Path::new(path)
            .parent()
            .map_or_else(|| "/".to_owned(), |p| p.display().to_string());
        let home = std::env::var("HOME").ok();
        let ctx = ParseContext {
            source_name: path,
            base_dir: &dir,
            home: home.as_deref(),
        };
        let expr = parse(&text, &ctx).map_err(|f| f.message().to_string())?;
        let root = lower(&expr, FileId(0), &Globals::default());
        let map = SourceMap::new(&text);
        let mut nodes = Vec::new();
        let mut todo = vec![&root];
        while let Some(ir) = todo.pop() {
            // A function is a value, never "evaluated" where it is
            // written: a breakpoint on its line means its body.
            if !matches!(ir.kind, tvix_eval::lower::IrKind::Lambda(_)) {
                let (s, e) = map.span(ir);
                nodes.push((ir.pos.offset, map.position(s), map.position(e)));
            }
            todo.extend(crate::spans::children(ir));
        }
        Ok(FileLocations { nodes })
    }

    /// The node a breakpoint at `line` (and `col`, if given) stops at: the
    /// outermost expression starting on that line (it is evaluated before
    /// the ones inside it), or on the next line that has one.
    pub fn resolve(&self, line: u32, col: Option<u32>) -> Option<Resolved> {
        let best_on = |l: u32| {
            self.nodes
                .iter()
                .filter(|(_, s, _)| s.line == l && col.is_none_or(|c| l != line || s.col >= c))
                .min_by(|a, b| {
                    (a.1.col, std::cmp::Reverse(a.2)).cmp(&(b.1.col, std::cmp::Reverse(b.2)))
                })
        };
        let found = best_on(line).or_else(|| {
            let next = self
                .nodes
                .iter()
                .map(|(_, s, _)| s.line)
                .filter(|&l| l > line)
                .min()?;
            best_on(next)
        })?;
        let (offset, start, end) = *found;
        Some(Resolved { offset, start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_conditions() {
        assert_eq!(HitCondition::parse("3"), Ok(HitCondition::Eq(3)));
        assert_eq!(HitCondition::parse(">= 2"), Ok(HitCondition::AtLeast(2)));
        assert_eq!(HitCondition::parse("%2"), Ok(HitCondition::Every(2)));
        assert!(HitCondition::parse("often").is_err());
        assert!(HitCondition::parse("% 0").is_err());
        assert!(HitCondition::Every(2).stops(4) && !HitCondition::Every(2).stops(3));
        assert!(HitCondition::After(1).stops(2) && !HitCondition::After(1).stops(1));
        assert!(HitCondition::Before(2).stops(1) && HitCondition::AtMost(2).stops(2));
    }

    #[test]
    fn lines_resolve_to_the_first_node_on_or_after_them() {
        let dir = std::env::temp_dir().join(format!("tvix-dap-bp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.nix");
        std::fs::write(&path, "let\n  x = 1;\n\n  y = x + 2;\nin\n  y\n").unwrap();
        let locs = FileLocations::load(&path.display().to_string()).unwrap();
        let r = locs.resolve(1, None).unwrap();
        assert_eq!((r.start.line, r.start.col), (1, 6));
        // An empty line slides to the next line with an expression.
        let r = locs.resolve(2, None).unwrap();
        assert_eq!((r.start.line, r.start.col), (3, 6));
        assert_eq!((r.end.line, r.end.col), (3, 11));
        let r = locs.resolve(3, Some(9)).unwrap();
        assert_eq!((r.start.line, r.start.col), (3, 10));
        assert!(locs.resolve(9, None).is_none());
        std::fs::write(&path, "let x = ; in x").unwrap();
        assert!(FileLocations::load(&path.display().to_string()).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
