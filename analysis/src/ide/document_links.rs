//! Document links: path literals that lead to a file, and URLs (URL
//! literals, and `http(s)://` inside strings and comments).

use rnix::SyntaxKind::*;
use tvix_syntax::{TextRange, TextSize};

use crate::ide::path_target;
use crate::{Analysis, Cancellable, FileId, db};

/// A link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLink {
    /// The linked text.
    pub range: TextRange,
    /// An absolute path or a URL.
    pub target: String,
}

impl Analysis {
    /// Every link of `file`.
    pub fn document_links(&self, file: FileId) -> Cancellable<Vec<DocumentLink>> {
        self.with_db(|db| {
            let mut links = Vec::new();
            let map = db::source_map(db, file.0);
            for (i, range) in map.imports.iter().enumerate() {
                if let Some(target) = path_target(db, file.0, i) {
                    links.push(DocumentLink {
                        range: *range,
                        target: target.path,
                    });
                }
            }
            let root = db::parse(db, file.0).syntax();
            for token in root
                .descendants_with_tokens()
                .filter_map(|e| e.into_token())
            {
                match token.kind() {
                    TOKEN_URI => links.push(DocumentLink {
                        range: token.text_range(),
                        target: token.text().to_owned(),
                    }),
                    TOKEN_STRING_CONTENT | TOKEN_COMMENT => {
                        urls_in(token.text(), token.text_range().start(), &mut links)
                    }
                    _ => {}
                }
            }
            links.sort_by_key(|l| l.range.start());
            links
        })
    }
}

/// `http://` and `https://` URLs in free text.
fn urls_in(text: &str, start: TextSize, out: &mut Vec<DocumentLink>) {
    let mut from = 0;
    while let Some(found) = text[from..].find("http") {
        let begin = from + found;
        let rest = &text[begin..];
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | '>' | ')' | ']' | '`')
                })
                .unwrap_or(rest.len());
            let url = rest[..len].trim_end_matches(['.', ',', ';']);
            let at = start + TextSize::from(begin as u32);
            out.push(DocumentLink {
                range: TextRange::at(at, TextSize::from(url.len() as u32)),
                target: url.to_owned(),
            });
            from = begin + len.max(1);
        } else {
            from = begin + 4;
        }
    }
}
