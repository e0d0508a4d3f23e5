//! Semantic tokens: keywords, comments, strings, numbers, operators, and
//! names classified by what they resolve to (parameters, locals,
//! builtins, attribute names, `with` names).

use rnix::SyntaxKind::{self, *};
use tvix_syntax::TextRange;

use crate::scopes::{DefinitionKind, Resolution};
use crate::{Analysis, Cancellable, FileId, db};

/// The token types, in the order of their indices (the LSP legend).
pub const SEMANTIC_TOKEN_TYPES: &[&str] = &[
    "keyword",   // 0
    "comment",   // 1
    "string",    // 2
    "number",    // 3
    "operator",  // 4
    "variable",  // 5
    "parameter", // 6
    "function",  // 7 (builtins)
    "property",  // 8 (attribute names)
    "macro",     // 9 (paths)
];

/// One classified token; the modifier bit 0 marks a definition, bit 1 a
/// builtin (`defaultLibrary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemanticToken {
    /// Its range (may span lines, for strings and comments).
    pub range: TextRange,
    /// Index into [`SEMANTIC_TOKEN_TYPES`].
    pub token_type: u32,
    /// Modifier bits.
    pub modifiers: u32,
}

impl Analysis {
    /// The semantic tokens of `file` that intersect `range` (all when
    /// `None`), in order.
    pub fn semantic_tokens(
        &self,
        file: FileId,
        range: Option<TextRange>,
    ) -> Cancellable<Vec<SemanticToken>> {
        self.with_db(|db| {
            let root = db::parse(db, file.0).syntax();
            let resolution = db::name_resolution(db, file.0);
            let mut out = Vec::new();
            let elements: Box<dyn Iterator<Item = _>> = match range {
                Some(r) if r.end() <= root.text_range().end() => match root.covering_element(r) {
                    rowan::NodeOrToken::Node(n) => Box::new(n.descendants_with_tokens()),
                    rowan::NodeOrToken::Token(t) => {
                        Box::new(std::iter::once(rowan::NodeOrToken::Token(t)))
                    }
                },
                _ => Box::new(root.descendants_with_tokens()),
            };
            for token in elements.filter_map(|e| e.into_token()) {
                if let Some(r) = range
                    && (token.text_range().end() <= r.start()
                        || token.text_range().start() >= r.end())
                {
                    continue;
                }
                let kind = token.kind();
                let (token_type, modifiers) = if kind == TOKEN_IDENT {
                    match classify_ident(&token, resolution) {
                        Some(t) => t,
                        None => continue,
                    }
                } else if let Some(t) = classify_token(kind) {
                    (t, 0)
                } else {
                    continue;
                };
                out.push(SemanticToken {
                    range: token.text_range(),
                    token_type,
                    modifiers,
                });
            }
            out
        })
    }
}

fn classify_token(kind: SyntaxKind) -> Option<u32> {
    Some(match kind {
        TOKEN_IF | TOKEN_THEN | TOKEN_ELSE | TOKEN_ASSERT | TOKEN_WITH | TOKEN_LET | TOKEN_IN
        | TOKEN_REC | TOKEN_INHERIT | TOKEN_OR => 0,
        TOKEN_COMMENT => 1,
        TOKEN_STRING_START | TOKEN_STRING_CONTENT | TOKEN_STRING_END | TOKEN_URI => 2,
        TOKEN_INTEGER | TOKEN_FLOAT => 3,
        TOKEN_CONCAT | TOKEN_UPDATE | TOKEN_ADD | TOKEN_SUB | TOKEN_MUL | TOKEN_DIV
        | TOKEN_AND_AND | TOKEN_EQUAL | TOKEN_IMPLICATION | TOKEN_LESS | TOKEN_LESS_OR_EQ
        | TOKEN_MORE | TOKEN_MORE_OR_EQ | TOKEN_NOT_EQUAL | TOKEN_OR_OR | TOKEN_INVERT
        | TOKEN_QUESTION => 4,
        TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH => 9,
        _ => return None,
    })
}

fn classify_ident(
    token: &tvix_syntax::SyntaxToken,
    resolution: &crate::scopes::NameResolution,
) -> Option<(u32, u32)> {
    let range = token.text_range();
    if let Some(id) = resolution.reference_at(range.start())
        && resolution.reference(id).range == range
    {
        return Some(match resolution.reference(id).resolution {
            Resolution::Definition(def) => match resolution.definition(def).kind {
                DefinitionKind::Parameter
                | DefinitionKind::Formal
                | DefinitionKind::PatternBind => (6, 0),
                _ => (5, 0),
            },
            Resolution::Global => match token.text() {
                "true" | "false" | "null" => (0, 2),
                _ => (7, 2),
            },
            Resolution::With(_) | Resolution::Undefined => (5, 0),
        });
    }
    if let Some(def) = resolution.definition_at(range.start())
        && resolution.definition(def).range == range
    {
        return Some(match resolution.definition(def).kind {
            DefinitionKind::Parameter | DefinitionKind::Formal | DefinitionKind::PatternBind => {
                (6, 1)
            }
            _ => (5, 1),
        });
    }
    let grandparent = token.parent()?.parent()?;
    if grandparent.kind() == NODE_ATTRPATH || grandparent.kind() == NODE_INHERIT {
        return Some((8, 0));
    }
    Some((5, 0))
}
