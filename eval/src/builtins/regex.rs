//! POSIX extended regular expressions for `builtins.match` and
//! `builtins.split`.
//!
//! C++ Nix compiles these with `std::regex(…, std::regex::extended)`: POSIX
//! ERE syntax, where a match is the *leftmost-longest* one, not the
//! leftmost-first one Perl-style engines (and the `regex` crate) report.
//! `builtins.match` wants the whole string; `builtins.split` iterates like
//! `std::regex_iterator`.
//!
//! # How
//!
//! The pattern is parsed here with ERE's grammar and rules (what is special
//! where, `\` before an ordinary character is that character, `\` is literal
//! in a bracket expression, `[[:alpha:]]`, `{n,m}`, quantifiers stack, no
//! backreferences, no lazy quantifiers: `a*?` is `(a*)?`) and translated to
//! a fully escaped `regex-automata` pattern over bytes. A match then takes
//! three steps:
//!
//! 1. the leftmost start: a leftmost-first search (the set of positions where
//!    some match starts does not depend on the match semantics);
//! 2. the longest end from that start: an anchored lazy-DFA search built with
//!    [`MatchKind::All`], which runs until no match can be extended;
//! 3. the groups: an anchored leftmost-first capture search on exactly that
//!    span (the pattern followed by an end anchor, on the haystack cut at the
//!    end; `$` inside the pattern is replaced by "never" when the span does
//!    not reach the real end).
//!
//! This keeps linear-time matching (a dedicated backtracking POSIX matcher
//! would be exponential on patterns like `(a*)*b`, as libstdc++ is) and
//! reuses a tested engine; the translation is the only new parsing.
//!
//! Among the paths that reach the longest end, the groups are those of the
//! first path in Perl priority order (left alternative first, greedy
//! repetition first). That is what libstdc++'s depth-first executor reports
//! for `regex_match`. For searches, libstdc++ is not fully POSIX either: a
//! greedy repetition that already led to *some* match does not try to stop
//! earlier, so e.g. `split "a*(ab)?" "aab"` matches `aa` there and `aab`
//! here. No conformance test nor nixpkgs regex seen depends on that.
//!
//! `.` matches any byte but NUL (newlines included); `^` and `$` only match
//! at the ends of the string; bytes are matched one by one, as
//! `std::regex<char>` does.
//!
//! Compiled expressions are cached per evaluation ([`Cache`], bounded).

use std::cell::RefCell;
use std::rc::Rc;

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::meta;
use regex_automata::nfa::thompson;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};
use rustc_hash::FxHashMap;

/// Compiled regular expressions of one evaluation, by pattern.
pub(crate) type Cache = FxHashMap<Vec<u8>, Rc<Regex>>;

/// How many compiled expressions [`Cache`] keeps before starting over.
pub(crate) const CACHE_LIMIT: usize = 1024;

/// Why a pattern does not compile (C++ Nix words the two differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompileError {
    /// Not a valid POSIX ERE.
    Invalid,
    /// Too large to compile.
    TooBig,
}

/// A span of the haystack, `start..end`.
pub(crate) type Span = (usize, usize);

/// One match: the whole span and each group's span (`None`: the group did
/// not take part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Match {
    pub(crate) span: Span,
    pub(crate) groups: Vec<Option<Span>>,
}

/// A compiled POSIX extended regular expression.
pub(crate) struct Regex {
    /// Leftmost-first search for the start of the leftmost match.
    find: meta::Regex,
    /// Longest-match DFA, used anchored at the start.
    longest: DFA,
    longest_cache: RefCell<DfaCache>,
    /// `(?:P)$` with `$` in `P` real: groups of a span reaching the end.
    groups_at_end: meta::Regex,
    /// `(?:P)$` with `$` in `P` never matching: groups of a span ending
    /// before the end (`None` when `P` has no `$`: same as `groups_at_end`).
    groups_inside: Option<meta::Regex>,
    group_count: usize,
}

impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Regex")
            .field("groups", &self.group_count)
            .finish_non_exhaustive()
    }
}

fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

fn build_error(e: &impl std::fmt::Display) -> CompileError {
    let msg = e.to_string();
    if msg.contains("exceeds size limit") || msg.contains("size limit") {
        CompileError::TooBig
    } else {
        CompileError::Invalid
    }
}

fn build_meta(pattern: &str) -> Result<meta::Regex, CompileError> {
    meta::Regex::builder()
        .syntax(syntax_config())
        .configure(meta::Regex::config().utf8_empty(false))
        .build(pattern)
        .map_err(|e| build_error(&e))
}

impl Regex {
    /// Compiles a POSIX extended regular expression.
    pub(crate) fn new(re: &[u8]) -> Result<Regex, CompileError> {
        let (pattern, group_count, has_eol) = translate(re, true)?;
        let find = build_meta(&pattern)?;
        let longest = DFA::builder()
            .syntax(syntax_config())
            .thompson(thompson::Config::new().utf8(false))
            .configure(DFA::config().match_kind(MatchKind::All))
            .build(&pattern)
            .map_err(|e| build_error(&e))?;
        let longest_cache = RefCell::new(longest.create_cache());
        let groups_at_end = build_meta(&format!("(?:{pattern})$"))?;
        let groups_inside = if has_eol {
            let (inner, _, _) = translate(re, false)?;
            Some(build_meta(&format!("(?:{inner})$"))?)
        } else {
            None
        };
        Ok(Regex {
            find,
            longest,
            longest_cache,
            groups_at_end,
            groups_inside,
            group_count,
        })
    }

    /// How many parenthesised groups the expression has.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn group_count(&self) -> usize {
        self.group_count
    }

    /// `std::regex_match`: the groups when the whole of `hay` matches.
    pub(crate) fn match_whole(&self, hay: &[u8]) -> Option<Vec<Option<Span>>> {
        self.groups_of(hay, (0, hay.len()))
    }

    /// Every match `std::regex_iterator` visits, in order.
    pub(crate) fn find_all(&self, hay: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos <= hay.len() {
            let Some(m) = self.find.search(&Input::new(hay).range(pos..)) else {
                break;
            };
            let start = m.start();
            let end = self.longest_end(hay, start).unwrap_or(m.end());
            let groups = self
                .groups_of(hay, (start, end))
                .unwrap_or_else(|| vec![None; self.group_count]);
            out.push(Match {
                span: (start, end),
                groups,
            });
            if end > start {
                pos = end;
            } else {
                // After an empty match, a non-empty one at the same place
                // would have been longer: move on.
                pos = start + 1;
            }
        }
        out
    }

    /// The end of the longest match starting at `start`.
    fn longest_end(&self, hay: &[u8], start: usize) -> Option<usize> {
        let input = Input::new(hay).range(start..).anchored(Anchored::Yes);
        let mut cache = self.longest_cache.borrow_mut();
        match self.longest.try_search_fwd(&mut cache, &input) {
            Ok(m) => m.map(|m| m.offset()),
            Err(_) => None,
        }
    }

    /// The groups of the highest-priority match of exactly `span`.
    fn groups_of(&self, hay: &[u8], (start, end): Span) -> Option<Vec<Option<Span>>> {
        let re = if end == hay.len() {
            &self.groups_at_end
        } else {
            self.groups_inside.as_ref().unwrap_or(&self.groups_at_end)
        };
        let mut caps: Captures = re.create_captures();
        let input = Input::new(&hay[..end])
            .range(start..end)
            .anchored(Anchored::Yes);
        re.search_captures(&input, &mut caps);
        if !caps.is_match() {
            return None;
        }
        Some(
            (1..=self.group_count)
                .map(|i| caps.get_group(i).map(|s| (s.start, s.end)))
                .collect(),
        )
    }
}

/// A pattern that matches nothing.
const NEVER: &str = r"[^\x00-\xFF]";

/// Translates an ERE to `regex-automata` syntax: the pattern, its number of
/// groups and whether it has a `$`. `eol` says what `$` becomes: the end
/// anchor, or [`NEVER`].
fn translate(re: &[u8], eol: bool) -> Result<(String, usize, bool), CompileError> {
    let mut t = Translator {
        re,
        i: 0,
        groups: 0,
        has_eol: false,
        eol,
        depth: 0,
    };
    let out = t.disjunction()?;
    if t.i != re.len() {
        // An unmatched `)`.
        return Err(CompileError::Invalid);
    }
    Ok((out, t.groups, t.has_eol))
}

struct Translator<'a> {
    re: &'a [u8],
    i: usize,
    groups: usize,
    has_eol: bool,
    eol: bool,
    depth: usize,
}

fn push_byte(out: &mut String, b: u8) {
    if b.is_ascii_alphanumeric() {
        out.push(b as char);
    } else {
        out.push_str(&format!("\\x{b:02X}"));
    }
}

/// The `regex-syntax` spelling of a POSIX character class name.
fn class_name(name: &[u8]) -> Option<&'static str> {
    Some(match name {
        b"alnum" => "alnum",
        b"alpha" => "alpha",
        b"blank" => "blank",
        b"cntrl" => "cntrl",
        b"digit" | b"d" => "digit",
        b"graph" => "graph",
        b"lower" => "lower",
        b"print" => "print",
        b"punct" => "punct",
        b"space" | b"s" => "space",
        b"upper" => "upper",
        b"xdigit" => "xdigit",
        b"w" => "word",
        _ => return None,
    })
}

impl Translator<'_> {
    fn peek(&self) -> Option<u8> {
        self.re.get(self.i).copied()
    }

    fn disjunction(&mut self) -> Result<String, CompileError> {
        let mut out = self.alternative()?;
        while self.peek() == Some(b'|') {
            self.i += 1;
            out.push('|');
            out.push_str(&self.alternative()?);
        }
        Ok(out)
    }

    fn alternative(&mut self) -> Result<String, CompileError> {
        let mut out = String::new();
        loop {
            match self.peek() {
                None | Some(b'|') => return Ok(out),
                Some(b')') if self.depth > 0 => return Ok(out),
                Some(b')') => return Err(CompileError::Invalid),
                Some(b'^') => {
                    self.i += 1;
                    out.push('^');
                }
                Some(b'$') => {
                    self.i += 1;
                    self.has_eol = true;
                    out.push_str(if self.eol { "$" } else { NEVER });
                }
                Some(_) => {
                    let mut atom = self.atom()?;
                    while let Some(q) = self.quantifier()? {
                        atom = format!("(?:{atom}){q}");
                    }
                    out.push_str(&atom);
                }
            }
        }
    }

    fn atom(&mut self) -> Result<String, CompileError> {
        let c = self.peek().ok_or(CompileError::Invalid)?;
        self.i += 1;
        let mut out = String::new();
        match c {
            b'*' | b'+' | b'?' | b'{' => return Err(CompileError::Invalid),
            b'.' => out.push_str(r"[^\x00]"),
            b'\\' => {
                let e = self.peek().ok_or(CompileError::Invalid)?;
                self.i += 1;
                push_byte(&mut out, e);
            }
            b'(' => {
                self.groups += 1;
                self.depth += 1;
                let inner = self.disjunction()?;
                self.depth -= 1;
                if self.peek() != Some(b')') {
                    return Err(CompileError::Invalid);
                }
                self.i += 1;
                out.push('(');
                out.push_str(&inner);
                out.push(')');
            }
            b'[' => self.bracket(&mut out)?,
            _ => push_byte(&mut out, c),
        }
        Ok(out)
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        std::str::from_utf8(&self.re[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn quantifier(&mut self) -> Result<Option<String>, CompileError> {
        let q = match self.peek() {
            Some(b'*') => "*".to_string(),
            Some(b'+') => "+".to_string(),
            Some(b'?') => "?".to_string(),
            Some(b'{') => {
                self.i += 1;
                let min = self.number().ok_or(CompileError::Invalid)?;
                let q = if self.peek() == Some(b',') {
                    self.i += 1;
                    if self.peek() == Some(b'}') {
                        format!("{{{min},}}")
                    } else {
                        let max = self.number().ok_or(CompileError::Invalid)?;
                        if max < min {
                            return Err(CompileError::Invalid);
                        }
                        format!("{{{min},{max}}}")
                    }
                } else {
                    format!("{{{min}}}")
                };
                if self.peek() != Some(b'}') {
                    return Err(CompileError::Invalid);
                }
                self.i += 1;
                return Ok(Some(q));
            }
            _ => return Ok(None),
        };
        self.i += 1;
        Ok(Some(q))
    }

    /// One element of a bracket expression that stands for a single byte:
    /// a byte, `[.x.]` or `[=x=]`.
    fn bracket_byte(&mut self) -> Result<u8, CompileError> {
        let c = self.peek().ok_or(CompileError::Invalid)?;
        if c == b'['
            && let Some(&kind @ (b'.' | b'=')) = self.re.get(self.i + 1)
        {
            let body = self.i + 2;
            let close = (body..self.re.len().saturating_sub(1))
                .find(|&j| self.re[j] == kind && self.re[j + 1] == b']')
                .ok_or(CompileError::Invalid)?;
            if close != body + 1 {
                return Err(CompileError::Invalid);
            }
            self.i = close + 2;
            return Ok(self.re[body]);
        }
        self.i += 1;
        Ok(c)
    }

    fn bracket(&mut self, out: &mut String) -> Result<(), CompileError> {
        out.push('[');
        if self.peek() == Some(b'^') {
            self.i += 1;
            out.push('^');
        }
        let mut first = true;
        loop {
            let c = self.peek().ok_or(CompileError::Invalid)?;
            if c == b']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == b'[' && self.re.get(self.i + 1) == Some(&b':') {
                let body = self.i + 2;
                let close = (body..self.re.len().saturating_sub(1))
                    .find(|&j| self.re[j] == b':' && self.re[j + 1] == b']')
                    .ok_or(CompileError::Invalid)?;
                let name = class_name(&self.re[body..close]).ok_or(CompileError::Invalid)?;
                self.i = close + 2;
                out.push_str(&format!("[:{name}:]"));
                continue;
            }
            let lo = self.bracket_byte()?;
            if self.peek() == Some(b'-') && self.re.get(self.i + 1).is_some_and(|&c| c != b']') {
                self.i += 1;
                let hi = self.bracket_byte()?;
                if hi < lo {
                    return Err(CompileError::Invalid);
                }
                out.push_str(&format!("\\x{lo:02X}-\\x{hi:02X}"));
            } else {
                out.push_str(&format!("\\x{lo:02X}"));
            }
        }
        out.push(']');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(re: &str, s: &str) -> Option<Vec<Option<String>>> {
        let r = Regex::new(re.as_bytes()).unwrap();
        r.match_whole(s.as_bytes()).map(|g| {
            g.into_iter()
                .map(|g| g.map(|(a, b)| s[a..b].to_string()))
                .collect()
        })
    }

    fn spans(re: &str, s: &str) -> Vec<(usize, usize)> {
        Regex::new(re.as_bytes())
            .unwrap()
            .find_all(s.as_bytes())
            .into_iter()
            .map(|m| m.span)
            .collect()
    }

    #[test]
    fn leftmost_longest_overall() {
        // Leftmost-first would stop at `a`.
        assert_eq!(spans("a|ab", "xab"), vec![(1, 3)]);
        assert_eq!(spans("(a|ab)(c|bcd)", "abcd"), vec![(0, 4)]);
        assert_eq!(spans("a*", "baaac"), vec![(0, 0), (1, 4), (4, 4), (5, 5)]);
    }

    #[test]
    fn dot_matches_newlines_and_anchors_are_string_ends() {
        assert_eq!(
            groups("^.*x=([a-z]+).*$", "a\nx=foo\nb"),
            Some(vec![Some("foo".into())])
        );
        assert_eq!(spans("^a", "aa"), vec![(0, 1)]);
        assert_eq!(spans("a$", "a\na"), vec![(2, 3)]);
        assert_eq!(spans("a$|ab", "ab a"), vec![(0, 2), (3, 4)]);
    }

    #[test]
    fn groups_and_unmatched_groups() {
        assert_eq!(groups("(a)|(b)", "b"), Some(vec![None, Some("b".into())]));
        assert_eq!(groups("(a)*", ""), Some(vec![None]));
        assert_eq!(groups("foo", "foobar"), None);
    }

    #[test]
    fn ere_syntax() {
        assert_eq!(groups("[[:alpha:]]+[[:digit:]]", "ab1"), Some(vec![]));
        assert_eq!(groups("[]a]+", "]a]"), Some(vec![]));
        assert_eq!(groups("[a-]+", "-a"), Some(vec![]));
        assert_eq!(groups(r"[\]+", r"\\"), Some(vec![]));
        assert_eq!(groups(r"\.\d", ".d"), Some(vec![]));
        assert_eq!(groups("a{2,3}", "aaa"), Some(vec![]));
        assert_eq!(groups("a{2}", "aaa"), None);
        // No lazy quantifiers in ERE: `*?` is `(…*)?`.
        assert_eq!(groups("(a*?)b", "aab"), Some(vec![Some("aa".into())]));
        assert_eq!(groups("[^a]", "\n"), Some(vec![]));
        assert_eq!(groups("é", "é"), Some(vec![]));
    }

    #[test]
    fn invalid_patterns() {
        for re in [
            "(.*",
            "a)",
            "*a",
            "a|*",
            "[a",
            "a{",
            "a{2,1}",
            "[[:foo:]]",
            "[z-a]",
            "\\",
            "(?:a)",
        ] {
            assert_eq!(
                Regex::new(re.as_bytes()).err(),
                Some(CompileError::Invalid),
                "{re}"
            );
        }
        assert_eq!(Regex::new(b"(a)(b)").unwrap().group_count(), 2);
    }
}
