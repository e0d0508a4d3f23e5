//! A lexer with C++ Nix's flex rules: the same start conditions (strings,
//! indented strings, paths with interpolation), longest-match with rule
//! order breaking ties, and the same lexer-level errors.
//!
//! Tokens are produced on demand because, as in C++ Nix, a lexer error is
//! only reported once the parser asks for that token.

use super::error::ParseFailure;
use super::strings::unescape;
use super::token::{Tok, TokValue, Token};

/// Flex start conditions. `Initial` marks the bottom of the stack and is
/// never popped by `}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Initial,
    Default,
    String,
    IndString,
    InPath,
    InPathSlash,
}

pub(crate) struct Lexer<'s> {
    src: &'s [u8],
    text: &'s str,
    pos: usize,
    stack: Vec<Mode>,
    /// Start of the last matched text, which flex reports for errors at the
    /// end of input inside a path.
    last_begin: usize,
    /// End of the run of path characters last scanned (and of scheme
    /// characters), so that a long run lexed as many short tokens (e.g.
    /// `a.b.c…` or `---…`) is scanned once, not once per token.
    path_run: (usize, usize),
    scheme_run: (usize, usize),
}

type LexResult = Result<Token, ParseFailure>;

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+')
}

fn is_scheme_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

fn is_id_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_id_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'-')
}

const OPERATORS: &[(&str, Tok)] = &[
    ("...", Tok::Ellipsis),
    ("==", Tok::Eq),
    ("!=", Tok::NEq),
    ("<=", Tok::Leq),
    (">=", Tok::Geq),
    ("&&", Tok::And),
    ("||", Tok::Or),
    ("->", Tok::Impl),
    ("//", Tok::Update),
    ("++", Tok::Concat),
];

/// What a DEFAULT-mode rule produces; the variant order is flex's rule
/// order, which breaks ties between equally long matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    Keyword(Tok),
    Operator(Tok),
    Pipe,
    Id,
    Int,
    Float,
    DollarCurly,
    RBrace,
    LBrace,
    Quote,
    IndOpen,
    PathSegInterp,
    HPathStartInterp,
    Path,
    HPath,
    SPath,
    Uri,
    Any,
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(text: &'s str) -> Self {
        Lexer {
            src: text.as_bytes(),
            text,
            pos: 0,
            stack: vec![Mode::Initial],
            last_begin: 0,
            path_run: (usize::MAX, 0),
            scheme_run: (usize::MAX, 0),
        }
    }

    /// Length of the run of bytes satisfying `pred` starting at `p`,
    /// reusing the cached run when `p` lies inside it.
    fn run_len(
        &self,
        cache: (usize, usize),
        p: usize,
        pred: fn(u8) -> bool,
    ) -> ((usize, usize), usize) {
        if cache.0 <= p && p <= cache.1 {
            return (cache, cache.1 - p);
        }
        let n = self.src[p..].iter().take_while(|&&b| pred(b)).count();
        ((p, p + n), n)
    }

    fn mode(&self) -> Mode {
        self.stack.last().copied().unwrap_or(Mode::Initial)
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn slice(&self, start: usize, end: usize) -> String {
        // Token boundaries fall on ASCII bytes, so this is a plain copy;
        // the lossy conversion is only a guard.
        match self.text.get(start..end) {
            Some(s) => s.to_owned(),
            None => String::from_utf8_lossy(&self.src[start..end]).into_owned(),
        }
    }

    fn token(&mut self, kind: Tok, start: usize, end: usize, value: TokValue) -> LexResult {
        self.pos = end;
        self.last_begin = start;
        Ok(Token {
            kind,
            start: start as u32,
            end: end as u32,
            value,
        })
    }

    fn eof(&self) -> LexResult {
        let n = self.src.len() as u32;
        Ok(Token {
            kind: Tok::Eof,
            start: n,
            end: n,
            value: TokValue::None,
        })
    }

    /// The next token; at the end of input, `Eof` forever.
    pub(crate) fn next_token(&mut self) -> LexResult {
        match self.mode() {
            Mode::Initial | Mode::Default => self.lex_default(),
            Mode::String => self.lex_string(),
            Mode::IndString => self.lex_ind_string(),
            Mode::InPath | Mode::InPathSlash => self.lex_in_path(),
        }
    }

    fn skip_trivia(&mut self) {
        loop {
            match self.at(self.pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'#') => {
                    while !matches!(self.at(self.pos), None | Some(b'\r' | b'\n')) {
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.at(self.pos + 1) == Some(b'*') => {
                    // An unterminated `/*` is not a comment: it lexes as
                    // `/` and `*`.
                    match find(&self.src[self.pos + 2..], b"*/") {
                        Some(i) => self.pos += 2 + i + 2,
                        None => return,
                    }
                }
                _ => return,
            }
        }
    }

    fn lex_default(&mut self) -> LexResult {
        self.skip_trivia();
        let p = self.pos;
        let Some(c) = self.at(p) else {
            return self.eof();
        };
        let rest = &self.src[p..];
        let (len, rule) = self.longest_match(p, c, rest);
        self.emit(p, c, len, rule)
    }

    /// Flex's choice among the DEFAULT-mode rules at `p` (first byte `c`):
    /// the longest match, the earlier rule on ties.
    fn longest_match(&mut self, p: usize, c: u8, rest: &[u8]) -> (usize, Rule) {
        // Fast paths for the commonest tokens, where no other rule can
        // match as long. An identifier: paths, path segments before `${`
        // and URIs all need a `/` or `:` right after the identifier's
        // characters (or `.`/`+`, which paths and schemes allow and
        // identifiers do not); no other rule starts with a letter or `_`.
        if is_id_start(c) {
            let id = match_id(rest);
            // A path needs its first `/` right after its leading run of
            // path characters, a URI its `:` right after the scheme's run;
            // `a.b` (a selection) has neither.
            let could_be_longer = matches!(rest.get(id), Some(b'.' | b'+' | b'/' | b':'))
                && (rest.get(leading_run(rest, is_path_char)) == Some(&b'/')
                    || rest.get(leading_run(rest, is_scheme_char)) == Some(&b':'));
            if !could_be_longer {
                return (id, keyword_or_id(&rest[..id]));
            }
        }
        match (c, rest.get(1)) {
            (b'{', _) => return (1, Rule::LBrace),
            (b'}', _) => return (1, Rule::RBrace),
            (b'"', _) => return (1, Rule::Quote),
            (b'=', Some(&n)) if n != b'=' => return (1, Rule::Any),
            _ => {}
        }
        // Punctuation no longer rule starts with.
        if matches!(
            c,
            b';' | b'(' | b')' | b'[' | b']' | b',' | b'@' | b'?' | b':'
        ) {
            return (1, Rule::Any);
        }
        let mut best: (usize, Rule) = (1, Rule::Any);
        let mut consider = |len: usize, rule: Rule| {
            if len > best.0 || (len == best.0 && len > 0 && rule < best.1) {
                best = (len, rule);
            }
        };
        let id = match_id(rest);
        if id > 0 {
            consider(id, keyword_or_id(&rest[..id]));
        }
        for &(op, tok) in OPERATORS {
            if rest.starts_with(op.as_bytes()) {
                consider(op.len(), Rule::Operator(tok));
            }
        }
        if rest.starts_with(b"<|") || rest.starts_with(b"|>") {
            consider(2, Rule::Pipe);
        }
        consider(match_int(rest), Rule::Int);
        consider(match_float(rest), Rule::Float);
        if rest.starts_with(b"${") {
            consider(2, Rule::DollarCurly);
        }
        match c {
            b'}' => consider(1, Rule::RBrace),
            b'{' => consider(1, Rule::LBrace),
            b'"' => consider(1, Rule::Quote),
            _ => {}
        }
        if rest.starts_with(b"''") {
            let spaces = rest[2..].iter().take_while(|&&b| b == b' ').count();
            let len = if rest.get(2 + spaces) == Some(&b'\n') {
                3 + spaces
            } else {
                2
            };
            consider(len, Rule::IndOpen);
        }
        let (cache, path_chars) = self.run_len(self.path_run, p, is_path_char);
        self.path_run = cache;
        let (cache, scheme_chars) = self.run_len(self.scheme_run, p, is_scheme_char);
        self.scheme_run = cache;
        let seg = match_path_seg_after(rest, path_chars);
        if seg > 0 && rest[seg..].starts_with(b"${") {
            consider(seg + 2, Rule::PathSegInterp);
        }
        if rest.starts_with(b"~/${") {
            consider(4, Rule::HPathStartInterp);
        }
        consider(match_path_after(rest, path_chars), Rule::Path);
        if c == b'~' {
            let segments = match_path_segments(&rest[1..]);
            if segments > 0 {
                consider(1 + segments, Rule::HPath);
            }
        }
        consider(match_spath(rest), Rule::SPath);
        consider(match_uri_after(rest, scheme_chars), Rule::Uri);
        best
    }

    /// The token of a DEFAULT-mode match of `len` bytes at `p`.
    fn emit(&mut self, p: usize, c: u8, len: usize, rule: Rule) -> LexResult {
        let end = p + len;
        match rule {
            Rule::Keyword(tok) | Rule::Operator(tok) => self.token(tok, p, end, TokValue::None),
            Rule::Pipe => Err(ParseFailure::at(
                "experimental Nix feature 'pipe-operators' is disabled; add \
                 '--extra-experimental-features pipe-operators' to enable it",
                p as u32,
            )),
            Rule::Id => {
                let v = TokValue::Text(self.slice(p, end));
                self.token(Tok::Id, p, end, v)
            }
            Rule::Int => {
                let digits = &self.text[p..end];
                match digits.parse::<i64>() {
                    Ok(n) => self.token(Tok::Int, p, end, TokValue::Int(n)),
                    Err(_) => Err(ParseFailure::at(
                        format!("invalid integer '{digits}'"),
                        p as u32,
                    )),
                }
            }
            Rule::Float => {
                let digits = &self.text[p..end];
                match parse_float(digits) {
                    Some(f) => self.token(Tok::Float, p, end, TokValue::Float(f)),
                    None => Err(ParseFailure::at(
                        format!("invalid float '{digits}'"),
                        p as u32,
                    )),
                }
            }
            Rule::DollarCurly => {
                self.stack.push(Mode::Default);
                self.token(Tok::DollarCurly, p, end, TokValue::None)
            }
            Rule::RBrace => {
                if self.mode() != Mode::Initial {
                    self.stack.pop();
                }
                self.token(Tok::RBrace, p, end, TokValue::None)
            }
            Rule::LBrace => {
                self.stack.push(Mode::Default);
                self.token(Tok::LBrace, p, end, TokValue::None)
            }
            Rule::Quote => {
                self.stack.push(Mode::String);
                self.token(Tok::Quote, p, end, TokValue::None)
            }
            Rule::IndOpen => {
                self.stack.push(Mode::IndString);
                self.token(Tok::IndStringOpen, p, end, TokValue::None)
            }
            Rule::PathSegInterp => {
                // Only the segment is the token; `${` is lexed next.
                let end = end - 2;
                self.stack.push(Mode::InPathSlash);
                let v = TokValue::Text(self.slice(p, end));
                self.token(Tok::Path, p, end, v)
            }
            Rule::HPathStartInterp => {
                self.stack.push(Mode::InPathSlash);
                self.token(Tok::HPath, p, p + 2, TokValue::Text("~/".into()))
            }
            Rule::Path | Rule::HPath => {
                let mode = if self.src[end - 1] == b'/' {
                    Mode::InPathSlash
                } else {
                    Mode::InPath
                };
                self.stack.push(mode);
                let kind = if rule == Rule::Path {
                    Tok::Path
                } else {
                    Tok::HPath
                };
                let v = TokValue::Text(self.slice(p, end));
                self.token(kind, p, end, v)
            }
            Rule::SPath | Rule::Uri => {
                let kind = if rule == Rule::SPath {
                    Tok::SPath
                } else {
                    Tok::Uri
                };
                let v = TokValue::Text(self.slice(p, end));
                self.token(kind, p, end, v)
            }
            Rule::Any => {
                let kind = match c {
                    // flex hands a NUL byte to bison as token 0: end of file.
                    0 => Tok::Eof,
                    b':' => Tok::Colon,
                    b'@' => Tok::At,
                    b';' => Tok::Semi,
                    b'!' => Tok::Bang,
                    b'.' => Tok::Dot,
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    b'[' => Tok::LBracket,
                    b']' => Tok::RBracket,
                    b'=' => Tok::Assign,
                    b',' => Tok::Comma,
                    b'<' => Tok::Lt,
                    b'>' => Tok::Gt,
                    b'+' => Tok::Plus,
                    b'-' => Tok::Minus,
                    b'*' => Tok::Star,
                    b'/' => Tok::Slash,
                    b'?' => Tok::Question,
                    _ => Tok::Invalid,
                };
                self.token(kind, p, p + 1, TokValue::None)
            }
        }
    }

    fn lex_string(&mut self) -> LexResult {
        let p = self.pos;
        let s = self.src;
        let mut i = p;
        loop {
            match s.get(i) {
                None | Some(b'"') => break,
                Some(b'\\') => {
                    if i + 1 < s.len() {
                        i += 2;
                    } else {
                        break;
                    }
                }
                Some(b'$') => match s.get(i + 1) {
                    None | Some(b'{') => break,
                    // `$` right before the closing quote belongs to the text.
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        if i + 2 < s.len() {
                            i += 3;
                        } else {
                            break;
                        }
                    }
                    Some(_) => i += 2,
                },
                Some(_) => i += 1,
            }
        }
        if i > p {
            let raw = &s[p..i];
            let value = unescape(raw);
            check_no_nul(&value, p)?;
            return self.token(Tok::Str, p, i, TokValue::Text(value));
        }
        match s.get(p) {
            None => self.eof(),
            Some(b'"') => {
                self.stack.pop();
                self.token(Tok::Quote, p, p + 1, TokValue::None)
            }
            Some(b'$') if s.get(p + 1) == Some(&b'{') => {
                self.stack.push(Mode::Default);
                self.token(Tok::DollarCurly, p, p + 2, TokValue::None)
            }
            // A lone `$`, `\` or `$\` at the very end: flex returns end of
            // file, located at these characters.
            Some(_) => {
                let n = s.len() as u32;
                self.pos = s.len();
                Ok(Token {
                    kind: Tok::Eof,
                    start: p as u32,
                    end: n,
                    value: TokValue::None,
                })
            }
        }
    }

    fn lex_ind_string(&mut self) -> LexResult {
        let p = self.pos;
        let s = self.src;
        let Some(c) = s.get(p).copied() else {
            return self.eof();
        };
        if s[p..].starts_with(b"''") {
            return match s.get(p + 2) {
                Some(b'$') => {
                    self.token(Tok::IndStr, p, p + 3, TokValue::IndText("$".into(), false))
                }
                Some(b'\'') => {
                    self.token(Tok::IndStr, p, p + 3, TokValue::IndText("''".into(), false))
                }
                Some(b'\\') if p + 3 < s.len() => {
                    // Escape a whole character, so tokens stay valid UTF-8.
                    let len = utf8_len(s[p + 3]).min(s.len() - p - 3);
                    let value = unescape(&s[p + 2..p + 3 + len]);
                    check_no_nul(&value, p)?;
                    self.token(Tok::IndStr, p, p + 3 + len, TokValue::IndText(value, false))
                }
                _ => {
                    self.stack.pop();
                    self.token(Tok::IndStringClose, p, p + 2, TokValue::None)
                }
            };
        }
        if s[p..].starts_with(b"${") {
            self.stack.push(Mode::Default);
            return self.token(Tok::DollarCurly, p, p + 2, TokValue::None);
        }
        let mut i = p;
        while let Some(&b) = s.get(i) {
            match b {
                b'$' => match s.get(i + 1) {
                    Some(b'{' | b'\'') | None => break,
                    Some(_) => i += 2,
                },
                b'\'' => match s.get(i + 1) {
                    Some(b'\'' | b'$') | None => break,
                    Some(_) => i += 2,
                },
                _ => i += 1,
            }
        }
        if i > p {
            let value = self.slice(p, i);
            check_no_nul(&value, p)?;
            return self.token(Tok::IndStr, p, i, TokValue::IndText(value, true));
        }
        let single = if c == b'$' { "$" } else { "'" };
        self.token(
            Tok::IndStr,
            p,
            p + 1,
            TokValue::IndText(single.into(), false),
        )
    }

    fn lex_in_path(&mut self) -> LexResult {
        let p = self.pos;
        let rest = &self.src[p..];
        if rest.starts_with(b"${") {
            self.stack.pop();
            self.stack.push(Mode::InPath);
            self.stack.push(Mode::Default);
            return self.token(Tok::DollarCurly, p, p + 2, TokValue::None);
        }
        let chars = rest.iter().take_while(|&&b| is_path_char(b)).count();
        let len = match_path(rest).max(match_path_seg(rest)).max(chars);
        if len > 0 {
            let end = p + len;
            self.stack.pop();
            self.stack.push(if self.src[end - 1] == b'/' {
                Mode::InPathSlash
            } else {
                Mode::InPath
            });
            let v = TokValue::Text(self.slice(p, end));
            return self.token(Tok::Str, p, end, v);
        }
        if self.mode() == Mode::InPathSlash {
            let at = if p >= self.src.len() {
                self.last_begin
            } else {
                p
            };
            return Err(ParseFailure::at("path has a trailing slash", at as u32));
        }
        self.stack.pop();
        Ok(Token {
            kind: Tok::PathEnd,
            start: p as u32,
            end: p as u32,
            value: TokValue::None,
        })
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// C++ Nix refuses strings containing NUL, pointing at the string token.
fn check_no_nul(value: &str, at: usize) -> Result<(), ParseFailure> {
    if value.contains('\0') {
        return Err(ParseFailure::at(
            format!(
                "input string '{}' cannot be represented as Nix string because it contains null bytes",
                value.replace('\0', "␀")
            ),
            at as u32,
        ));
    }
    Ok(())
}

/// The rule an identifier-shaped word matches: a keyword or `ID`.
fn keyword_or_id(word: &[u8]) -> Rule {
    let tok = match word {
        b"if" => Tok::If,
        b"then" => Tok::Then,
        b"else" => Tok::Else,
        b"assert" => Tok::Assert,
        b"with" => Tok::With,
        b"let" => Tok::Let,
        b"in" => Tok::In,
        b"rec" => Tok::Rec,
        b"inherit" => Tok::Inherit,
        b"or" => Tok::OrKw,
        _ => return Rule::Id,
    };
    Rule::Keyword(tok)
}

/// Length of the run of bytes satisfying `pred` at the start of `s`.
fn leading_run(s: &[u8], pred: fn(u8) -> bool) -> usize {
    s.iter().take_while(|&&b| pred(b)).count()
}

fn match_id(s: &[u8]) -> usize {
    match s.first() {
        Some(&b) if is_id_start(b) => 1 + s[1..].iter().take_while(|&&b| is_id_char(b)).count(),
        _ => 0,
    }
}

fn match_int(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

fn digits(s: &[u8]) -> usize {
    match_int(s)
}

/// `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`
fn match_float(s: &[u8]) -> usize {
    let mantissa = match s.first() {
        Some(b'1'..=b'9') => {
            let n = 1 + digits(&s[1..]);
            if s.get(n) != Some(&b'.') {
                return 0;
            }
            n + 1 + digits(&s[n + 1..])
        }
        Some(b'0' | b'.') => {
            let dot = usize::from(s[0] == b'0');
            if s.get(dot) != Some(&b'.') {
                return 0;
            }
            let d = digits(&s[dot + 1..]);
            if d == 0 {
                return 0;
            }
            dot + 1 + d
        }
        _ => return 0,
    };
    if matches!(s.get(mantissa), Some(b'e' | b'E')) {
        let mut i = mantissa + 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let d = digits(&s[i..]);
        if d > 0 {
            return i + d;
        }
    }
    mantissa
}

/// `strtod` with C++ Nix's check: overflow and underflow are errors.
fn parse_float(text: &str) -> Option<f64> {
    let f: f64 = text.parse().ok()?;
    let mantissa_nonzero = text
        .split(['e', 'E'])
        .next()
        .is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b)));
    if f.is_infinite()
        || (f != 0.0 && f.abs() < f64::MIN_POSITIVE)
        || (f == 0.0 && mantissa_nonzero)
    {
        return None;
    }
    Some(f)
}

/// `(\/{PATH_CHAR}+)+\/?` — the part of a path after its first segment.
fn match_path_segments(s: &[u8]) -> usize {
    let mut i = 0;
    let mut segments = 0;
    while s.get(i) == Some(&b'/') {
        let n = s[i + 1..].iter().take_while(|&&b| is_path_char(b)).count();
        if n == 0 {
            break;
        }
        i += 1 + n;
        segments += 1;
    }
    if segments == 0 {
        return 0;
    }
    if s.get(i) == Some(&b'/') {
        i += 1;
    }
    i
}

/// `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?`
fn match_path(s: &[u8]) -> usize {
    match_path_after(s, s.iter().take_while(|&&b| is_path_char(b)).count())
}

/// [`match_path`] given the length `n` of the leading path-character run.
fn match_path_after(s: &[u8], n: usize) -> usize {
    match match_path_segments(&s[n..]) {
        0 => 0,
        m => n + m,
    }
}

/// `{PATH_CHAR}*\/`
fn match_path_seg(s: &[u8]) -> usize {
    match_path_seg_after(s, s.iter().take_while(|&&b| is_path_char(b)).count())
}

/// [`match_path_seg`] given the length `n` of the leading path-character run.
fn match_path_seg_after(s: &[u8], n: usize) -> usize {
    if s.get(n) == Some(&b'/') { n + 1 } else { 0 }
}

/// `\<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>`
fn match_spath(s: &[u8]) -> usize {
    if s.first() != Some(&b'<') {
        return 0;
    }
    let mut i = 1;
    loop {
        let n = s[i..].iter().take_while(|&&b| is_path_char(b)).count();
        if n == 0 {
            return 0;
        }
        i += n;
        match s.get(i) {
            Some(b'/') => i += 1,
            Some(b'>') => return i + 1,
            _ => return 0,
        }
    }
}

/// `[a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+`
/// (`scheme_chars`: length of the leading run of scheme characters.)
fn match_uri_after(s: &[u8], scheme_chars: usize) -> usize {
    if !s.first().is_some_and(|b| b.is_ascii_alphabetic()) {
        return 0;
    }
    let scheme = scheme_chars;
    if s.get(scheme) != Some(&b':') {
        return 0;
    }
    let rest = s[scheme + 1..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"%/?:@&=+$,-_.!~*'".contains(&b))
        .count();
    if rest == 0 { 0 } else { scheme + 1 + rest }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        for _ in 0..100 {
            let t = lx.next_token().expect("lexes");
            if t.kind == Tok::Eof {
                break;
            }
            out.push(t.kind);
        }
        out
    }

    #[test]
    fn longest_match() {
        use Tok::*;
        assert_eq!(kinds("x:x"), vec![Uri]);
        assert_eq!(kinds("x: x"), vec![Id, Colon, Id]);
        assert_eq!(kinds("a/b"), vec![Path, PathEnd]);
        assert_eq!(kinds("a//b"), vec![Id, Update, Id]);
        assert_eq!(kinds("1e3"), vec![Int, Id]);
        assert_eq!(kinds("1.e3 .5 01.5"), vec![Float, Float, Int, Float]);
        assert_eq!(kinds("iff if or"), vec![Id, If, OrKw]);
        assert_eq!(kinds("<a/b> <= <"), vec![SPath, Leq, Lt]);
        assert_eq!(kinds("/* x */ 1 /* y"), vec![Int, Slash, Star, Id]);
        assert_eq!(kinds("a-b'"), vec![Id]);
        assert_eq!(kinds("~/a ~"), vec![HPath, PathEnd, Invalid]);
        // Identifiers that continue as paths or URIs, and ones that do not.
        assert_eq!(kinds("a.b"), vec![Id, Dot, Id]);
        assert_eq!(kinds("a.b/c"), vec![Path, PathEnd]);
        assert_eq!(kinds("a_b.c+d/e"), vec![Path, PathEnd]);
        assert_eq!(kinds("a.b:c"), vec![Uri]);
        assert_eq!(kinds("a_b:c"), vec![Id, Colon, Id]);
        assert_eq!(kinds("a'.b/c"), vec![Id, Path, PathEnd]);
        assert_eq!(
            kinds("x=={}=\"\""),
            vec![Id, Eq, LBrace, RBrace, Assign, Quote, Quote]
        );
    }

    #[test]
    fn interpolated_paths() {
        use Tok::*;
        assert_eq!(
            kinds("./a${x}/b c"),
            vec![Path, DollarCurly, Id, RBrace, Str, PathEnd, Id]
        );
        assert_eq!(
            kinds("a/${x}"),
            vec![Path, DollarCurly, Id, RBrace, PathEnd]
        );
        assert_eq!(
            kinds("~/${x}"),
            vec![HPath, DollarCurly, Id, RBrace, PathEnd]
        );
    }

    #[test]
    fn strings() {
        use Tok::*;
        assert_eq!(
            kinds(r#""a$${x}" "$""#),
            vec![Quote, Str, Quote, Quote, Str, Quote]
        );
        assert_eq!(
            kinds(r#""${x}""#),
            vec![Quote, DollarCurly, Id, RBrace, Quote]
        );
        assert_eq!(
            kinds("''a'''b''$c''\\nd''"),
            vec![
                IndStringOpen,
                IndStr,
                IndStr,
                IndStr,
                IndStr,
                IndStr,
                IndStr,
                IndStr,
                IndStringClose
            ]
        );
    }
}
