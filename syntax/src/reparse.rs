//! Incremental reparsing: the parse of an edited text, reusing the parse
//! of the text before the edit.
//!
//! An editor changes a few characters at a time, and a full rnix parse of
//! a 20,000-line file takes ~60 ms — more than the whole budget for
//! showing diagnostics. Most edits fall inside the binding list of one
//! `let` or attribute set, so only the bindings the edit touches are
//! parsed again (wrapped in `{ … }`, which rnix parses with the same loop
//! as any binding list) and spliced into the old tree; the rest of the
//! tree is shared.
//!
//! The splice is exact: rnix parses a binding list one binding at a time,
//! each from its first token to its `;`, with no state carried between
//! them, so when the reparsed bindings start after a `;` (or the opening
//! token) and end at a `;` (or the closing token) the result is the tree a
//! full parse would build. Error recovery is not that local — an
//! unclosed `[` elsewhere makes the parser read everything after it
//! differently — so a tree is spliced only when all its errors lie in the
//! bindings being replaced. `tests` checks the result against full parses
//! of random edits. Whatever does not fit — an edit outside any binding
//! list, one that changes where a binding list starts or ends, an error
//! elsewhere, a result that could exceed a nesting limit — gets a full
//! parse.

use rnix::SyntaxKind::{self, *};
use rnix::{SyntaxNode, TextRange, TextSize};
use rowan::{GreenNode, NodeOrToken};

use crate::parse::{
    MAX_BRACKET_DEPTH, MAX_TOKENS_PER_LEVEL, Parse, Peaks, SyntaxError, excessive_nesting, parse,
    parse_unchecked,
};

/// rnix gives up below this many nested expressions (its own limit).
const MAX_PARSER_DEPTH: usize = 512;

/// The parse of `new_text`, given `old`, the parse of `old_text`: equal
/// to `parse(new_text)`, computed from `old` when the edit between the
/// two texts stays inside one binding list.
pub fn reparse(old: &Parse, old_text: &str, new_text: &str) -> Parse {
    splice(old, old_text, new_text).unwrap_or_else(|| parse(new_text))
}

/// The edit between two texts: the changed range in the old text and the
/// length of its replacement.
fn edit(old_text: &str, new_text: &str) -> (TextRange, TextSize) {
    let (old, new) = (old_text.as_bytes(), new_text.as_bytes());
    let mut prefix = common_len(old, new, false);
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = common_len(
        &old[old.len() - max_suffix..],
        &new[new.len() - max_suffix..],
        true,
    );
    // On character boundaries, so that the ranges slice both texts.
    while !old_text.is_char_boundary(prefix) || !new_text.is_char_boundary(prefix) {
        prefix -= 1;
    }
    while !old_text.is_char_boundary(old.len() - suffix)
        || !new_text.is_char_boundary(new.len() - suffix)
    {
        suffix -= 1;
    }
    let range = TextRange::new(
        TextSize::from(prefix as u32),
        TextSize::from((old.len() - suffix) as u32),
    );
    (range, TextSize::from((new.len() - suffix - prefix) as u32))
}

/// How many bytes `a` and `b` share at their start (or, `from_end`, at
/// their end); compared a block at a time, as a memcmp, since the texts
/// an editor sends are the whole file on every keystroke.
fn common_len(a: &[u8], b: &[u8], from_end: bool) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let (a, b) = if from_end {
        (&a[a.len() - n..], &b[b.len() - n..])
    } else {
        (&a[..n], &b[..n])
    };
    let mut same = 0;
    if from_end {
        while same + BLOCK <= n && a[n - same - BLOCK..n - same] == b[n - same - BLOCK..n - same] {
            same += BLOCK;
        }
        while same < n && a[n - same - 1] == b[n - same - 1] {
            same += 1;
        }
    } else {
        while same + BLOCK <= n && a[same..same + BLOCK] == b[same..same + BLOCK] {
            same += BLOCK;
        }
        while same < n && a[same] == b[same] {
            same += 1;
        }
    }
    same
}

fn splice(old: &Parse, old_text: &str, new_text: &str) -> Option<Parse> {
    // Short texts are parsed whole (they are fast, and unscanned).
    let peaks = old.peaks?;
    if new_text.len() < MAX_BRACKET_DEPTH || old.green.text_len() != TextSize::of(old_text) {
        return None;
    }
    let Touched {
        list,
        first,
        last,
        start,
        end: old_end,
        other_end: new_end,
        at_list_end,
    } = touched_bindings(&old.green, old_text, new_text)?;
    // Only a tree whose errors are all in the region is spliced: error
    // recovery elsewhere (an unclosed `[` running to the end of the file)
    // can make the parser read the region differently than `{…}` does.
    let region_range = TextRange::new(start, old_end);
    if old
        .errors
        .iter()
        .any(|e| !region_range.contains_range(e.range))
    {
        return None;
    }
    let text = &new_text[usize::from(start)..usize::from(new_end)];

    // The region alone, as the bindings of a set.
    let wrapped = format!("{{{text}}}");
    let region_peaks = excessive_nesting(&wrapped).ok()?;
    let depth = root_depth(&list) + 1;
    if depth as u32 + region_peaks.depth > MAX_BRACKET_DEPTH as u32
        || peaks.level_tokens + region_peaks.level_tokens > MAX_TOKENS_PER_LEVEL
    {
        return None;
    }
    let (green, errors) = parse_unchecked(&wrapped);
    let set = green.children().next()?.into_node()?;
    if green.children().count() != 1
        || kind_of(set.kind()) != NODE_ATTR_SET
        || set.text_len() != TextSize::of(wrapped.as_str())
    {
        return None;
    }
    let mut parts: Vec<NodeOrToken<GreenNode, rowan::GreenToken>> = set
        .children()
        .map(|c| match c {
            NodeOrToken::Node(n) => NodeOrToken::Node(n.to_owned()),
            NodeOrToken::Token(t) => NodeOrToken::Token(t.to_owned()),
        })
        .collect();
    // `{` … `}`: the region's own elements in between.
    let opened = parts.first().is_some_and(|p| is_token(p, TOKEN_L_BRACE));
    let closed = parts.last().is_some_and(|p| is_token(p, TOKEN_R_BRACE));
    if !opened || !closed || parts.len() < 2 {
        return None;
    }
    parts.pop();
    parts.remove(0);
    // It must still end where a binding ends (or at the list's end), so
    // that the next binding is parsed as before.
    let ends_bound = parts.iter().rev().find(|p| !is_trivia(p)).is_some_and(|p| {
        p.as_node()
            .is_some_and(|n: &GreenNode| ends_with_semicolon(n))
    });
    if !(at_list_end || ends_bound) {
        return None;
    }
    if depth + max_depth(&parts) >= MAX_PARSER_DEPTH {
        return None;
    }
    // A `let` list ends at the first `in` where a binding could start;
    // inside `{…}` that `in` is an error within a binding instead.
    if list.kind() == NODE_LET_IN && parts.iter().any(has_stray_in) {
        return None;
    }

    let new_list = list.green().splice_children(first..=last, parts);
    let green = list.replace_with(new_list);
    if green.text_len() != TextSize::of(new_text) {
        return None;
    }

    // Errors: the old ones were all in the region; the region's own come
    // from its parse (offset by the `{`).
    let mut all = Vec::with_capacity(errors.len());
    let open = TextSize::from(1);
    for e in errors {
        if e.range.start() < open || e.range.end() > open + TextSize::of(text) {
            return None;
        }
        all.push(SyntaxError {
            range: TextRange::new(e.range.start() - open + start, e.range.end() - open + start),
            message: e.message,
        });
    }
    all.sort_by_key(|e| e.range.start());
    all.dedup();
    Some(Parse {
        green,
        errors: all,
        peaks: Some(Peaks {
            depth: peaks.depth.max(depth as u32 + region_peaks.depth),
            level_tokens: peaks.level_tokens + region_peaks.level_tokens,
        }),
    })
}

/// Whether the region's first and last characters tokenize the same
/// inside the whole text as inside `{…}`: no token may run across its
/// edges (`let` followed by a name, a name followed by `in`).
fn edges_hold(new_text: &str, start: TextSize, end: TextSize) -> bool {
    let word = |c: char| c.is_alphanumeric() || "_'-".contains(c);
    let (start, end) = (usize::from(start), usize::from(end));
    let before = new_text[..start].chars().next_back();
    let region = &new_text[start..end];
    let after = new_text[end..].chars().next();
    let (Some(first), Some(last)) = (region.chars().next(), region.chars().next_back()) else {
        return false;
    };
    let start_ok = match before {
        Some(';' | '{') => true,
        Some(b) => first.is_whitespace() || !(word(b) && word(first)),
        None => false,
    };
    let end_ok = last == ';'
        || last.is_whitespace()
        || after.is_none_or(char::is_whitespace)
        || (after == Some('}') && (last.is_alphanumeric() || ")]\"".contains(last)))
        || (after.is_some_and(word) && !word(last) && !"./+".contains(last));
    start_ok && end_ok
}

/// The whole bindings of one binding list that the edit from `from`
/// (parsed as `tree`) to `to` touches: see [`region`].
struct Touched {
    /// The list, in `tree`.
    list: SyntaxNode,
    /// Its first and last children touched (indices).
    first: usize,
    last: usize,
    /// Where they start (the same in both texts) and end in `from`.
    start: TextSize,
    end: TextSize,
    /// Where they end in `to`.
    other_end: TextSize,
    /// Whether the list's closing token follows them.
    at_list_end: bool,
}

/// [`Touched`], when the edit lies among the bindings of one list and the
/// touched bindings' edges read the same in `to` as alone.
fn touched_bindings(tree: &GreenNode, from: &str, to: &str) -> Option<Touched> {
    let (changed, inserted) = edit(from, to);
    let root = SyntaxNode::new_root(tree.clone());
    let list = binding_list(&root, changed)?;
    let children = children_of(&list, list.green());
    let (first, last) = region(&children, changed)?;
    let start = children[first].0.start();
    let end = children[last].0.end();
    let other_end = end - changed.len() + inserted;
    if !edges_hold(to, start, other_end) {
        return None;
    }
    let at_list_end = matches!(child_kind(&children[last + 1]), TOKEN_IN | TOKEN_R_BRACE);
    Some(Touched {
        list,
        first,
        last,
        start,
        end,
        other_end,
        at_list_end,
    })
}

/// The kind of binding list a [`ChangedBindings`] region sits in: what
/// C++ Nix's grammar allows there differs (no `${…}` names in `let`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// `let … in`.
    Let,
    /// `rec { … }`.
    RecSet,
    /// `{ … }`.
    Set,
}

/// Whole bindings of one binding list that hold every difference between
/// two texts (see [`changed_bindings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedBindings {
    /// The bindings' range in the new text.
    pub range: TextRange,
    /// The list they are in.
    pub kind: ListKind,
}

/// Where `new_text` (parsed as `new`, without errors) differs from
/// `old_text`: whole bindings of one binding list, when the difference
/// lies among them and both versions of those bindings are complete on
/// their own (so everything outside them reads the same in both texts).
/// A check that is local to bindings and passed on `old_text` then needs
/// to look at these bindings only.
pub fn changed_bindings(new: &Parse, old_text: &str, new_text: &str) -> Option<ChangedBindings> {
    if !new.errors.is_empty() || new.green.text_len() != TextSize::of(new_text) {
        return None;
    }
    // The edit as seen from the new text.
    let Touched {
        list,
        start,
        end,
        other_end: old_end,
        ..
    } = touched_bindings(&new.green, new_text, old_text)?;
    if !edges_hold(new_text, start, end) {
        return None;
    }
    for text in [
        &new_text[usize::from(start)..usize::from(end)],
        &old_text[usize::from(start)..usize::from(old_end)],
    ] {
        let wrapped = format!("{{{text}}}");
        let (green, errors) = parse_unchecked(&wrapped);
        let set = green.children().next()?.into_node()?;
        if !errors.is_empty()
            || green.children().count() != 1
            || kind_of(set.kind()) != NODE_ATTR_SET
            || set.text_len() != TextSize::of(wrapped.as_str())
            || (list.kind() == NODE_LET_IN && set.children().any(|c| has_stray_in(&c.to_owned())))
        {
            return None;
        }
    }
    let kind = match list.kind() {
        NODE_LET_IN => ListKind::Let,
        _ if list.children_with_tokens().any(|c| c.kind() == TOKEN_REC) => ListKind::RecSet,
        _ => ListKind::Set,
    };
    Some(ChangedBindings {
        range: TextRange::new(start, end),
        kind,
    })
}

/// One child of a binding list, read off the green tree: a `let` of a
/// 20,000-line file has 60,000 children, and a cursor for each would cost
/// more than the whole reparse.
type Child<'a> = (
    TextRange,
    NodeOrToken<&'a rowan::GreenNodeData, &'a rowan::GreenTokenData>,
);

/// The children of `node` (whose green data is `green`), with ranges.
fn children_of<'a>(node: &SyntaxNode, green: &'a rowan::GreenNodeData) -> Vec<Child<'a>> {
    let mut at = node.text_range().start();
    green
        .children()
        .map(|c| {
            let len = match c {
                NodeOrToken::Node(n) => n.text_len(),
                NodeOrToken::Token(t) => t.text_len(),
            };
            let range = TextRange::at(at, len);
            at += len;
            (range, c)
        })
        .collect()
}

fn child_kind(c: &Child<'_>) -> SyntaxKind {
    match c.1 {
        NodeOrToken::Node(n) => kind_of(n.kind()),
        NodeOrToken::Token(t) => kind_of(t.kind()),
    }
}

/// The innermost binding list (`let … in` or `{ … }`) whose bindings the
/// changed range lies among: strictly after its opening token and before
/// its closing one.
fn binding_list(root: &SyntaxNode, changed: TextRange) -> Option<SyntaxNode> {
    let covering = match root.covering_element(changed) {
        NodeOrToken::Node(n) => n,
        NodeOrToken::Token(t) => t.parent()?,
    };
    // Inside `${…}` a `}` the edit adds would end the interpolation,
    // which `{…}` around the bindings cannot show: not spliced there.
    if covering.ancestors().any(|n| {
        matches!(
            n.kind(),
            NODE_INTERPOL | NODE_STRING | NODE_PATH_ABS | NODE_PATH_HOME | NODE_PATH_REL
        )
    }) {
        return None;
    }
    covering.ancestors().find(|node| {
        if !matches!(node.kind(), NODE_LET_IN | NODE_ATTR_SET) {
            return false;
        }
        let green = node.green();
        let children = children_of(node, green);
        match list_ends(&children) {
            Some((open, close)) => {
                children[open].0.end() < changed.start()
                    && changed.end() < children[close].0.start()
            }
            None => false,
        }
    })
}

/// The indices of a list's opening and closing tokens.
fn list_ends(children: &[Child<'_>]) -> Option<(usize, usize)> {
    let open = children
        .iter()
        .position(|c| matches!(child_kind(c), TOKEN_LET | TOKEN_L_BRACE))?;
    let close = children
        .iter()
        .position(|c| matches!(child_kind(c), TOKEN_IN | TOKEN_R_BRACE))?;
    Some((open, close))
}

/// The children (indices into `children`) to parse again: every element
/// the changed range touches, widened to whole bindings between a `;` (or
/// the opening token) and a `;` (or the closing token).
fn region(children: &[Child<'_>], changed: TextRange) -> Option<(usize, usize)> {
    let (open, close) = list_ends(children)?;
    let touches = |c: &Child<'_>| c.0.start() <= changed.end() && changed.start() <= c.0.end();
    let mut first = (open + 1..close).find(|&i| touches(&children[i]))?;
    let mut last = (first..close).rev().find(|&i| touches(&children[i]))?;
    // Back to just after a clean binding or the opening token.
    while first > open + 1 && !is_clean_binding(&children[first - 1]) {
        first -= 1;
    }
    // On to a clean binding (included) or the closing token.
    while last + 1 < close && !is_clean_binding(&children[last]) {
        last += 1;
    }
    Some((first, last))
}

fn is_clean_binding(c: &Child<'_>) -> bool {
    fn has_error(n: &rowan::GreenNodeData) -> bool {
        n.children().any(|c| {
            c.into_node()
                .is_some_and(|n| kind_of(n.kind()) == NODE_ERROR || has_error(n))
        })
    }
    match c.1 {
        NodeOrToken::Node(n) => ends_with_semicolon(n) && !has_error(n),
        NodeOrToken::Token(_) => false,
    }
}

fn ends_with_semicolon(n: &rowan::GreenNodeData) -> bool {
    matches!(kind_of(n.kind()), NODE_ATTRPATH_VALUE | NODE_INHERIT)
        && n.children()
            .last()
            .and_then(|c| c.into_token())
            .is_some_and(|t| kind_of(t.kind()) == TOKEN_SEMICOLON)
}

fn is_token(p: &NodeOrToken<GreenNode, rowan::GreenToken>, kind: SyntaxKind) -> bool {
    p.as_token().is_some_and(|t| kind_of(t.kind()) == kind)
}

fn is_trivia(p: &NodeOrToken<GreenNode, rowan::GreenToken>) -> bool {
    p.as_token().is_some_and(|t| kind_of(t.kind()).is_trivia())
}

fn kind_of(raw: rowan::SyntaxKind) -> SyntaxKind {
    <rnix::NixLanguage as rowan::Language>::kind_from_raw(raw)
}

/// Whether `part` holds an `in` that no `let` inside it owns.
fn has_stray_in(part: &NodeOrToken<GreenNode, rowan::GreenToken>) -> bool {
    fn stray(node: &rowan::GreenNodeData) -> bool {
        node.children().any(|c| match c {
            NodeOrToken::Token(t) => kind_of(t.kind()) == TOKEN_IN,
            NodeOrToken::Node(n) => kind_of(n.kind()) != NODE_LET_IN && stray(n),
        })
    }
    match part {
        NodeOrToken::Token(t) => kind_of(t.kind()) == TOKEN_IN,
        NodeOrToken::Node(n) => kind_of(n.kind()) != NODE_LET_IN && stray(n),
    }
}

/// Nodes above `node` (an upper bound of rnix's expression depth there).
fn root_depth(node: &SyntaxNode) -> usize {
    node.ancestors().count()
}

/// The deepest node nesting among `parts`.
fn max_depth(parts: &[NodeOrToken<GreenNode, rowan::GreenToken>]) -> usize {
    fn depth(n: &rowan::GreenNodeData) -> usize {
        1 + n
            .children()
            .filter_map(|c| c.into_node())
            .map(depth)
            .max()
            .unwrap_or(0)
    }
    parts
        .iter()
        .filter_map(|p| p.as_node())
        .map(|n| depth(n))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
