//! The lossless, error-tolerant parse that every consumer shares.

use rnix::{SyntaxNode, TextRange, TextSize};
use rowan::GreenNode;

/// A syntax error found while parsing, with the range it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range of the offending text (empty at end of input).
    pub range: TextRange,
    /// What is wrong, for a human.
    pub message: String,
}

/// The result of [`parse`]: a tree that always exists, plus its errors.
///
/// Cheap to clone (the tree is reference-counted and immutable).
#[derive(Debug, Clone)]
pub struct Parse {
    pub(crate) green: GreenNode,
    pub(crate) errors: Vec<SyntaxError>,
    /// Upper bounds of the nesting the safety scan measured (`None`: the
    /// text was too short to be scanned, or was parsed flat); what
    /// [`crate::reparse`] needs to know an edit stays within the limits.
    pub(crate) peaks: Option<Peaks>,
}

/// Two parses are equal when their trees and errors are; the nesting
/// bounds are bookkeeping.
impl PartialEq for Parse {
    fn eq(&self, other: &Parse) -> bool {
        self.green == other.green && self.errors == other.errors
    }
}

impl Eq for Parse {}

/// Upper bounds of what [`excessive_nesting`] tracks, over a whole text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peaks {
    /// Bracket depth.
    pub(crate) depth: u32,
    /// Non-trivia tokens directly at one bracket level.
    pub(crate) level_tokens: u32,
}

impl Parse {
    /// The root of the tree (`NODE_ROOT`).
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    /// The typed root.
    pub fn root(&self) -> rnix::Root {
        <rnix::Root as rowan::ast::AstNode>::cast(self.syntax())
            .expect("rnix always produces a NODE_ROOT")
    }

    /// The immutable green tree, for storing in a database.
    pub fn green(&self) -> &GreenNode {
        &self.green
    }

    /// Syntax errors in source order.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

/// Brackets nested deeper than this make the parse give up (C++ Nix's own
/// parser gives up far earlier, so no real file comes close).
pub(crate) const MAX_BRACKET_DEPTH: usize = 4096;

/// More tokens than this inside one bracket level could nest as deeply as
/// they are long (`a + a + …`, `f a a …` build left-nested trees), which
/// would exhaust the stack of whoever builds, walks or drops the tree.
pub(crate) const MAX_TOKENS_PER_LEVEL: u32 = 500_000;

/// Longest function application (`f a b …`) analysed; rowan's node cache
/// takes quadratic time in it, and no hand-written code comes near.
const MAX_APPLICATION_CHAIN: u32 = 2_000;

/// Parses `text` into a lossless tree; never fails, never panics.
///
/// Input that would produce a tree too deep to handle safely yields a flat
/// tree (every token under one error node) with a single error, so that
/// every consumer stays within its stack.
pub fn parse(text: &str) -> Parse {
    // Only long texts can nest too deeply; short ones are not scanned.
    let peaks = if text.len() < MAX_BRACKET_DEPTH {
        None
    } else {
        match excessive_nesting(text) {
            Ok(peaks) => Some(peaks),
            Err(offset) => return flat_parse(text, offset),
        }
    };
    let (green, errors) = parse_unchecked(text);
    Parse {
        green,
        errors,
        peaks,
    }
}

/// rnix's parse of `text`, errors described and in source order, without
/// the nesting check.
pub(crate) fn parse_unchecked(text: &str) -> (GreenNode, Vec<SyntaxError>) {
    let parsed = rnix::Root::parse(text);
    let end = TextSize::of(text);
    let mut errors: Vec<SyntaxError> = parsed
        .errors()
        .iter()
        .map(|err| describe(err, end))
        .collect();
    errors.sort_by_key(|err| err.range.start());
    errors.dedup();
    (parsed.syntax().green().to_owned(), errors)
}

/// Where `text` first nests too deeply to parse safely, if it does;
/// otherwise the deepest nesting and the most tokens at one level.
pub(crate) fn excessive_nesting(text: &str) -> Result<Peaks, TextSize> {
    use rnix::SyntaxKind::*;
    let mut peaks = Peaks {
        depth: 0,
        level_tokens: 0,
    };
    let mut levels = vec![Level::default()];
    let mut offset = TextSize::from(0);
    for (kind, token) in rnix::tokenize(text) {
        let level = levels.last_mut().expect("never empty");
        match kind {
            TOKEN_WHITESPACE | TOKEN_COMMENT => {}
            TOKEN_L_PAREN | TOKEN_L_BRACK | TOKEN_L_BRACE | TOKEN_INTERPOL_START => {
                let too_long = level.operand(kind == TOKEN_INTERPOL_START);
                levels.push(Level {
                    in_list: kind == TOKEN_L_BRACK,
                    ..Level::default()
                });
                if too_long || levels.len() > MAX_BRACKET_DEPTH {
                    return Err(offset);
                }
                peaks.depth = peaks.depth.max(levels.len() as u32 - 1);
            }
            TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END => {
                if levels.len() > 1 {
                    levels.pop();
                }
            }
            TOKEN_IDENT | TOKEN_INTEGER | TOKEN_FLOAT | TOKEN_PATH_ABS | TOKEN_PATH_REL
            | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH | TOKEN_URI | TOKEN_STRING_START => {
                if level.operand(false) {
                    return Err(offset);
                }
            }
            TOKEN_STRING_CONTENT | TOKEN_STRING_END | TOKEN_DOT => level.count_token(),
            _ => {
                level.count_token();
                level.run = 0;
            }
        }
        if let Some(level) = levels.last() {
            if level.tokens > MAX_TOKENS_PER_LEVEL {
                return Err(offset);
            }
            peaks.level_tokens = peaks.level_tokens.max(level.tokens);
        }
        offset += TextSize::of(token);
    }
    Ok(peaks)
}

/// What [`excessive_nesting`] tracks per bracket level.
#[derive(Default)]
struct Level {
    /// Whether the level is a list, whose elements sit side by side.
    in_list: bool,
    /// Non-trivia tokens seen directly at this level.
    tokens: u32,
    /// Operands in a row with no operator between them: outside a list,
    /// a function application chain, which rowan builds and hashes as a
    /// left-nested tree (quadratic in its length).
    run: u32,
}

impl Level {
    fn count_token(&mut self) {
        self.tokens += 1;
    }

    /// Records an operand; true when the application chain is too long.
    fn operand(&mut self, inside_string: bool) -> bool {
        self.count_token();
        if inside_string {
            return false;
        }
        self.run += 1;
        !self.in_list && self.run > MAX_APPLICATION_CHAIN
    }
}

/// A lossless but structureless tree: the root holding one error node that
/// holds every token.
fn flat_parse(text: &str, offset: TextSize) -> Parse {
    let mut builder = rowan::GreenNodeBuilder::new();
    builder.start_node(rowan::SyntaxKind(rnix::SyntaxKind::NODE_ROOT as u16));
    builder.start_node(rowan::SyntaxKind(rnix::SyntaxKind::NODE_ERROR as u16));
    for (kind, token) in rnix::tokenize(text) {
        builder.token(rowan::SyntaxKind(kind as u16), token);
    }
    builder.finish_node();
    builder.finish_node();
    let error = SyntaxError {
        range: TextRange::empty(offset),
        message: "expression is nested too deeply to analyse".into(),
    };
    Parse {
        green: builder.finish(),
        errors: vec![error],
        peaks: None,
    }
}

fn describe(err: &rnix::ParseError, end: TextSize) -> SyntaxError {
    use rnix::ParseError as E;
    let eof = TextRange::empty(end);
    match err {
        E::Unexpected(range) => SyntaxError {
            range: *range,
            message: "unexpected input".into(),
        },
        E::UnexpectedExtra(range) => SyntaxError {
            range: *range,
            message: "unexpected input after the end of the expression".into(),
        },
        E::UnexpectedWanted(got, range, wanted) => SyntaxError {
            range: *range,
            message: format!(
                "unexpected {}, expecting {}",
                token_name(*got),
                one_of(wanted)
            ),
        },
        E::UnexpectedDoubleBind(range) => SyntaxError {
            range: *range,
            message: "a function argument pattern can only be bound once".into(),
        },
        E::UnexpectedEOF => SyntaxError {
            range: eof,
            message: "unexpected end of file".into(),
        },
        E::UnexpectedEOFWanted(wanted) => SyntaxError {
            range: eof,
            message: format!("unexpected end of file, expecting {}", one_of(wanted)),
        },
        E::DuplicatedArgs(range, name) => SyntaxError {
            range: *range,
            message: format!("duplicate formal function argument '{name}'"),
        },
        E::RecursionLimitExceeded => SyntaxError {
            range: eof,
            message: "expression is nested too deeply to parse".into(),
        },
        other => SyntaxError {
            range: eof,
            message: other.to_string(),
        },
    }
}

fn one_of(kinds: &[rnix::SyntaxKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|&k| token_name(k)).collect();
    match names.as_slice() {
        [] => "something else".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// A human name for a token kind, in the words C++ Nix's parser uses.
pub(crate) fn token_name(kind: rnix::SyntaxKind) -> &'static str {
    use rnix::SyntaxKind::*;
    match kind {
        TOKEN_ADD => "'+'",
        TOKEN_AND_AND => "'&&'",
        TOKEN_ASSIGN => "'='",
        TOKEN_ASSERT => "'assert'",
        TOKEN_AT => "'@'",
        TOKEN_COLON => "':'",
        TOKEN_COMMA => "','",
        TOKEN_COMMENT => "comment",
        TOKEN_CONCAT => "'++'",
        TOKEN_CUR_POS => "'__curPos'",
        TOKEN_DIV => "'/'",
        TOKEN_DOT => "'.'",
        TOKEN_ELLIPSIS => "'...'",
        TOKEN_ELSE => "'else'",
        TOKEN_EQUAL => "'=='",
        TOKEN_ERROR => "invalid token",
        TOKEN_FLOAT => "floating-point literal",
        TOKEN_IDENT => "identifier",
        TOKEN_IF => "'if'",
        TOKEN_IMPLICATION => "'->'",
        TOKEN_IN => "'in'",
        TOKEN_INHERIT => "'inherit'",
        TOKEN_INTEGER => "integer",
        TOKEN_INTERPOL_END => "'}'",
        TOKEN_INTERPOL_START => "'${'",
        TOKEN_INVERT => "'!'",
        TOKEN_L_BRACE => "'{'",
        TOKEN_L_BRACK => "'['",
        TOKEN_L_PAREN => "'('",
        TOKEN_LESS => "'<'",
        TOKEN_LESS_OR_EQ => "'<='",
        TOKEN_LET => "'let'",
        TOKEN_MORE => "'>'",
        TOKEN_MORE_OR_EQ => "'>='",
        TOKEN_MUL => "'*'",
        TOKEN_NOT_EQUAL => "'!='",
        TOKEN_OR => "'or'",
        TOKEN_OR_OR => "'||'",
        TOKEN_PATH_ABS | TOKEN_PATH_REL => "path",
        TOKEN_PATH_HOME => "'~/…' path",
        TOKEN_PATH_SEARCH => "'<…>' path",
        TOKEN_PIPE_LEFT => "'<|'",
        TOKEN_PIPE_RIGHT => "'|>'",
        TOKEN_QUESTION => "'?'",
        TOKEN_R_BRACE => "'}'",
        TOKEN_R_BRACK => "']'",
        TOKEN_R_PAREN => "')'",
        TOKEN_REC => "'rec'",
        TOKEN_SEMICOLON => "';'",
        TOKEN_STRING_CONTENT => "string content",
        TOKEN_STRING_END | TOKEN_STRING_START => "'\"'",
        TOKEN_SUB => "'-'",
        TOKEN_THEN => "'then'",
        TOKEN_UPDATE => "'//'",
        TOKEN_URI => "URI",
        TOKEN_WHITESPACE => "whitespace",
        TOKEN_WITH => "'with'",
        _ => "expression",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_input_has_no_errors() {
        let parse = parse("{ a = 1; b = a: a; }");
        assert!(parse.errors().is_empty());
        assert_eq!(parse.syntax().to_string(), "{ a = 1; b = a: a; }");
    }

    #[test]
    fn broken_input_keeps_a_lossless_tree() {
        let text = "{ a = ; b = 2; }";
        let parse = parse(text);
        assert_eq!(parse.syntax().to_string(), text);
        assert!(!parse.errors().is_empty());
    }

    #[test]
    fn excessive_nesting_gives_a_flat_tree() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let parsed = parse(&text);
        assert_eq!(parsed.syntax().to_string(), text);
        assert_eq!(parsed.errors().len(), 1);
        assert_eq!(
            parsed.errors()[0].range,
            TextRange::empty(TextSize::from(4095))
        );

        let chain = "x: ".to_owned() + &"x + ".repeat(600_000) + "x";
        assert_eq!(
            parse(&chain).errors()[0].message,
            "expression is nested too deeply to analyse"
        );
    }

    #[test]
    fn long_application_chains_give_a_flat_tree() {
        let text = "f: f".to_owned() + &" f".repeat(5_000);
        assert_eq!(
            parse(&text).errors()[0].message,
            "expression is nested too deeply to analyse"
        );
        let text = "f: f".to_owned() + &" f".repeat(1_500);
        assert!(parse(&text).errors().is_empty());
    }

    #[test]
    fn big_flat_files_parse_normally() {
        let text = format!("[ {} ]", "1 (2) [ 3 ] { a = 4; } \"${5}\" ".repeat(20_000));
        assert!(parse(&text).errors().is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "", "(", "${", "''${", "{ a.", "let in", "\u{0}", "a: b: ", "[ ] ] ]",
        ] {
            let parse = parse(text);
            assert_eq!(parse.syntax().to_string(), text);
        }
    }
}
