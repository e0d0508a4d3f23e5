//! Printer and error tests beyond the conformance corpus.

use expect_test::{Expect, expect};

use super::{ParseContext, parse};

const CTX: ParseContext<'static> = ParseContext {
    source_name: "«stdin»",
    base_dir: "/pwd",
    home: Some("/fake-home"),
};

/// The printed tree, or the rendered error.
fn run(src: &str) -> String {
    match parse(src, &CTX) {
        Ok(e) => format!("{e}\n"),
        Err(f) => f.render(src),
    }
}

fn check(src: &str, expected: Expect) {
    expected.assert_eq(&run(src));
}

#[test]
fn smoke() {
    check(
        "1 + 2",
        expect![[r#"
        (1 + 2)
    "#]],
    );
}
