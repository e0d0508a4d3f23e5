//! Folding ranges: multi-line sets, lists, `let`s, strings, parentheses
//! and comment blocks.

use rnix::SyntaxKind::*;
use tvix_syntax::TextRange;

use crate::{Analysis, Cancellable, FileId, db};

/// What folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    /// A comment block.
    Comment,
    /// Code.
    Region,
}

/// A foldable range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// What folds.
    pub range: TextRange,
    /// Its kind.
    pub kind: FoldKind,
}

impl Analysis {
    /// The folding ranges of `file`.
    pub fn folding_ranges(&self, file: FileId) -> Cancellable<Vec<Fold>> {
        self.with_db(|db| {
            let root = db::parse(db, file.0).syntax();
            let mut folds = Vec::new();
            let mut comment_run: Option<TextRange> = None;
            for element in root.descendants_with_tokens() {
                match element {
                    rowan::NodeOrToken::Node(node) => {
                        let foldable = matches!(
                            node.kind(),
                            NODE_ATTR_SET | NODE_LIST | NODE_LET_IN | NODE_STRING | NODE_PAREN
                        );
                        if foldable && node.text().contains_char('\n') {
                            folds.push(Fold {
                                range: node.text_range(),
                                kind: FoldKind::Region,
                            });
                        }
                    }
                    rowan::NodeOrToken::Token(token) => match token.kind() {
                        TOKEN_COMMENT => {
                            comment_run = Some(match comment_run {
                                Some(run) => run.cover(token.text_range()),
                                None => token.text_range(),
                            });
                        }
                        TOKEN_WHITESPACE if token.text().matches('\n').count() <= 1 => {}
                        _ => {
                            if let Some(run) = comment_run.take() {
                                push_comment(&root, run, &mut folds);
                            }
                        }
                    },
                }
            }
            if let Some(run) = comment_run {
                push_comment(&root, run, &mut folds);
            }
            folds.sort_by_key(|f| (f.range.start(), std::cmp::Reverse(f.range.end())));
            folds
        })
    }
}

fn push_comment(root: &tvix_syntax::SyntaxNode, run: TextRange, folds: &mut Vec<Fold>) {
    let text = root.text().slice(run);
    if text.contains_char('\n') {
        folds.push(Fold {
            range: run,
            kind: FoldKind::Comment,
        });
    }
}
