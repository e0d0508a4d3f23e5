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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<SyntaxError>,
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

/// Parses `text` into a lossless tree; never fails, never panics.
pub fn parse(text: &str) -> Parse {
    let parsed = rnix::Root::parse(text);
    let end = TextSize::of(text);
    let mut errors: Vec<SyntaxError> = parsed
        .errors()
        .iter()
        .map(|err| describe(err, end))
        .collect();
    errors.sort_by_key(|err| err.range.start());
    errors.dedup();
    Parse {
        green: parsed.syntax().green().to_owned(),
        errors,
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
    fn garbage_never_panics() {
        for text in [
            "", "(", "${", "''${", "{ a.", "let in", "\u{0}", "a: b: ", "[ ] ] ]",
        ] {
            let parse = parse(text);
            assert_eq!(parse.syntax().to_string(), text);
        }
    }
}
