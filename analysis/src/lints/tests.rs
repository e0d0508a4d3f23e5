//! Fixture tests: Nix text in, rendered diagnostics out.

use expect_test::{Expect, expect};
use tvix_syntax::{LineIndex, TextRange};

/// Renders every diagnostic of `text` (syntax errors included) as
/// `code @ line:col-line:col: message`, 1-based, with labels indented.
fn render(text: &str) -> String {
    let index = LineIndex::new(text);
    let span = |range: TextRange| {
        let start = index.line_col(range.start());
        let end = index.line_col(range.end());
        format!("{}:{}-{}:{}", start.line + 1, start.col + 1, end.line + 1, end.col + 1)
    };
    let mut out = String::new();
    for diagnostic in crate::check_file(text) {
        out.push_str(&format!("{} @ {}: {}\n", diagnostic.code, span(diagnostic.range), diagnostic.message));
        for label in &diagnostic.labels {
            out.push_str(&format!("    label @ {}: {}\n", span(label.range), label.message));
        }
    }
    out
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text));
}

#[test]
fn smoke() {
    check("let a = 1; in b", expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'a'
        undefined-variable @ 1:15-1:16: undefined variable 'b'
    "#]]);
}
