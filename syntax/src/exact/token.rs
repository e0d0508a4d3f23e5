//! Token kinds of C++ Nix's grammar, in the order bison numbers them.
//!
//! Bison lists expected tokens in symbol-number order, so the declaration
//! order of [`Tok`] is significant: the derived `Ord` is that order.

/// One terminal of the grammar. Variants are declared in bison's symbol
/// order (the `%token` declarations, then the precedence declarations, then
/// character literals in order of first use in the rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Tok {
    Eof,
    Invalid,
    Id,
    Str,
    IndStr,
    Int,
    Float,
    Path,
    HPath,
    SPath,
    PathEnd,
    Uri,
    If,
    Then,
    Else,
    Assert,
    With,
    Let,
    In,
    Rec,
    Inherit,
    Eq,
    NEq,
    Leq,
    Geq,
    Update,
    Concat,
    And,
    Or,
    Impl,
    OrKw,
    DollarCurly,
    IndStringOpen,
    IndStringClose,
    Ellipsis,
    Lt,
    Gt,
    Plus,
    Minus,
    Star,
    Slash,
    Question,
    Colon,
    At,
    Semi,
    Bang,
    Dot,
    Quote,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Assign,
    Comma,
}

impl Tok {
    /// The name bison prints for this token in syntax errors.
    pub(crate) fn bison_name(self) -> &'static str {
        use Tok::*;
        match self {
            Eof => "end of file",
            Invalid => "invalid token",
            Id => "identifier",
            Str => "string",
            IndStr => "indented string",
            Int => "integer",
            Float => "floating-point literal",
            Path => "path",
            HPath => "'~/…' path",
            SPath => "'<…>' path",
            PathEnd => "end of path",
            Uri => "URI",
            If => "'if'",
            Then => "'then'",
            Else => "'else'",
            Assert => "'assert'",
            With => "'with'",
            Let => "'let'",
            In => "'in'",
            Rec => "'rec'",
            Inherit => "'inherit'",
            Eq => "'=='",
            NEq => "'!='",
            Leq => "'<='",
            Geq => "'>='",
            Update => "'//'",
            Concat => "'++'",
            And => "'&&'",
            Or => "'||'",
            Impl => "'->'",
            OrKw => "'or'",
            DollarCurly => "'${'",
            IndStringOpen => "start of an indented string",
            IndStringClose => "end of an indented string",
            Ellipsis => "'...'",
            Lt => "'<'",
            Gt => "'>'",
            Plus => "'+'",
            Minus => "'-'",
            Star => "'*'",
            Slash => "'/'",
            Question => "'?'",
            Colon => "':'",
            At => "'@'",
            Semi => "';'",
            Bang => "'!'",
            Dot => "'.'",
            Quote => "'\"'",
            LParen => "'('",
            RParen => "')'",
            LBrace => "'{'",
            RBrace => "'}'",
            LBracket => "'['",
            RBracket => "']'",
            Assign => "'='",
            Comma => "','",
        }
    }

    /// Whether this token can begin an `expr_simple` (and so an argument of
    /// a function application, a list element or an `or` default).
    pub(crate) fn starts_simple(self) -> bool {
        use Tok::*;
        matches!(
            self,
            Id | Int
                | Float
                | Quote
                | IndStringOpen
                | Path
                | HPath
                | SPath
                | Uri
                | LParen
                | Let
                | Rec
                | LBrace
                | LBracket
        )
    }

    /// Whether this token can begin an attribute name.
    pub(crate) fn starts_attr(self) -> bool {
        matches!(self, Tok::Id | Tok::OrKw | Tok::Quote | Tok::DollarCurly)
    }
}

/// The payload a token carries.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TokValue {
    None,
    /// Identifiers, raw path/URI text, unescaped string parts.
    Text(String),
    /// An indented-string part and whether it is raw text whose leading
    /// spaces count as indentation (escapes and `$`/`'` singletons do not).
    IndText(String, bool),
    Int(i64),
    Float(f64),
}

/// A lexed token with its byte range in the source.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
    pub value: TokValue,
}

impl Token {
    /// The token's text payload (empty for tokens without one).
    pub(crate) fn text(&self) -> &str {
        match &self.value {
            TokValue::Text(s) | TokValue::IndText(s, _) => s,
            _ => "",
        }
    }
}

/// Attribute-name starters, as bison lists them after `.` or `?`.
pub(crate) const EXPECT_ATTR: &[Tok] = &[Tok::Id, Tok::OrKw, Tok::DollarCurly, Tok::Quote];
