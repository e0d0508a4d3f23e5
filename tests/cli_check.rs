//! `tvix check` driven as a user or CI job drives it.

mod common;

use common::{tvix, write_tree};
use expect_test::expect;

/// Renders JSON diagnostics as `file:line:col severity code: message`.
fn summarize_json(stdout: &str) -> String {
    stdout
        .lines()
        .map(|line| {
            let d: serde_json::Value =
                serde_json::from_str(line).expect("one JSON object per line");
            format!(
                "{}:{}:{} {} {}: {}\n",
                d["file"].as_str().unwrap().replace('\\', "/"),
                d["start"]["line"],
                d["start"]["column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn examples_are_clean() {
    let out = tvix(&["check", "examples"], None);
    assert_eq!(out.status, Some(0), "{}", out.stdout);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("checked 4 files: 0 errors, 0 warnings"),
        "{}",
        out.stderr
    );
}

#[test]
fn json_reports_every_problem_with_its_position() {
    let out = tvix(
        &["check", "--format", "json", "tests/fixtures/check-problems"],
        None,
    );
    assert_eq!(out.status, Some(1), "{}", out.stderr);
    expect![[r#"
        tests/fixtures/check-problems/deprecated.nix:1:1 warning deprecated-let-attrset: `let { …; body = …; }` is deprecated; use `let … in …` instead
        tests/fixtures/check-problems/deprecated.nix:2:9 warning deprecated-url-literal: URL literals are deprecated; write a string instead: "http://example.org/foo.tar.gz"
        tests/fixtures/check-problems/duplicates.nix:1:3 warning unused-formal: unused formal argument 'a'
        tests/fixtures/check-problems/duplicates.nix:1:6 warning unused-formal: unused formal argument 'b'
        tests/fixtures/check-problems/duplicates.nix:1:9 error duplicate-formal: duplicate formal function argument 'a'
        tests/fixtures/check-problems/duplicates.nix:5:3 error duplicate-attribute: attribute 'x' already defined
        tests/fixtures/check-problems/duplicates.nix:6:3 error duplicate-attribute: attribute 'y.z' already defined
        tests/fixtures/check-problems/sub/syntax.nix:3:3 error undefined-variable: undefined variable 'b'
        tests/fixtures/check-problems/sub/syntax.nix:3:5 error syntax-error: unexpected '=', expecting ';'
        tests/fixtures/check-problems/undefined.nix:4:19 error undefined-variable: undefined variable 'openssl'
        tests/fixtures/check-problems/unused.nix:1:8 warning unused-formal: unused formal argument 'fetchurl'
        tests/fixtures/check-problems/unused.nix:4:3 warning unused-let-binding: unused let binding 'unusedThing'
        tests/fixtures/check-problems/unused.nix:6:1 warning unused-rec: unused `rec`: no attribute of this set refers to another
        tests/fixtures/check-problems/unused.nix:8:10 warning unused-with: unused `with`: no variable in its body can come from it
    "#]]
    .assert_eq(&summarize_json(&out.stdout));
}

#[test]
fn json_objects_carry_ranges_and_labels() {
    let out = tvix(
        &["check", "--format", "json", "-"],
        Some("{ a = 1; a = 2; }"),
    );
    assert_eq!(out.status, Some(1));
    let d: serde_json::Value = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(d["file"], "<stdin>");
    assert_eq!(d["code"], "duplicate-attribute");
    assert_eq!(d["range"]["start"], 9);
    assert_eq!(d["range"]["end"], 10);
    assert_eq!(d["start"], serde_json::json!({ "line": 1, "column": 10 }));
    assert_eq!(d["labels"][0]["range"]["start"], 2);
}

#[test]
fn human_output_shows_source_excerpts() {
    let out = tvix(
        &["check", "--color", "never", "-"],
        Some("let x = 1; in y\n"),
    );
    assert_eq!(out.status, Some(1));
    expect![[r#"
        warning[unused-let-binding]: unused let binding 'x'
          ┌─ <stdin>:1:5
          │
        1 │ let x = 1; in y
          │     ^

        error[undefined-variable]: undefined variable 'y'
          ┌─ <stdin>:1:15
          │
        1 │ let x = 1; in y
          │               ^

    "#]]
    .assert_eq(&out.stdout);
    assert!(
        out.stderr.contains("checked 1 file: 1 error, 1 warning"),
        "{}",
        out.stderr
    );
}

#[test]
fn warnings_alone_exit_zero_unless_denied() {
    let input = "let unused = 1; in 2\n";
    assert_eq!(tvix(&["check", "-"], Some(input)).status, Some(0));
    assert_eq!(
        tvix(&["check", "--deny-warnings", "-"], Some(input)).status,
        Some(1)
    );
}

#[test]
fn gitignore_is_respected_unless_asked() {
    let dir = write_tree(&[
        (".gitignore", "generated/\n"),
        ("ok.nix", "{ a = 1; }\n"),
        ("generated/bad.nix", "{ a = ; }\n"),
        ("not-nix.txt", "{ a = ; }\n"),
    ]);
    let path = dir.path().to_str().unwrap();
    let out = tvix(&["check", path], None);
    assert_eq!(out.status, Some(0), "{}", out.stdout);
    assert!(out.stderr.contains("checked 1 file:"), "{}", out.stderr);
    let out = tvix(&["check", "--no-ignore", path], None);
    assert_eq!(out.status, Some(1));
    assert!(out.stderr.contains("checked 2 files:"), "{}", out.stderr);
}

#[test]
fn explicit_files_are_checked_whatever_their_name() {
    let dir = write_tree(&[("script", "x: y\n")]);
    let out = tvix(
        &[
            "check",
            "--format",
            "json",
            dir.path().join("script").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status, Some(1));
    assert!(out.stdout.contains("undefined-variable"), "{}", out.stdout);
}

#[test]
fn non_utf8_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("latin1.nix"), b"\"caf\xe9\"\n").unwrap();
    let out = tvix(
        &["check", "--format", "json", dir.path().to_str().unwrap()],
        None,
    );
    assert_eq!(out.status, Some(1));
    let d: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(d["code"], "invalid-utf8");
    assert_eq!(d["start"], serde_json::json!({ "line": 1, "column": 5 }));
}

#[test]
fn usage_errors_exit_two() {
    let out = tvix(&["check", "does/not/exist"], None);
    assert_eq!(out.status, Some(2));
    assert!(
        out.stderr.contains("cannot check 'does/not/exist'"),
        "{}",
        out.stderr
    );
    assert_eq!(tvix(&["check", "--format", "yaml"], None).status, Some(2));
    assert_eq!(tvix(&["frobnicate"], None).status, Some(2));
}

#[test]
fn pathological_nesting_is_an_error_not_a_crash() {
    let inputs = [
        "[".repeat(100_000) + &"]".repeat(100_000),
        "x: ".to_owned() + &"x + ".repeat(200_000) + "x",
        "f: f".to_owned() + &" f".repeat(50_000),
        "let a = 1; in ".repeat(50_000) + "a",
    ];
    for input in &inputs {
        let out = tvix(&["check", "--format", "json", "-"], Some(input));
        assert_eq!(out.status, Some(1), "{}", out.stderr);
        assert!(out.stdout.contains("nested too deeply"), "{}", out.stdout);
        // C++ Nix's grammar handles some of these iteratively; the exact
        // parser either accepts them or stops cleanly, but never crashes.
        let out = tvix(&["parse", "-"], Some(input));
        match out.status {
            Some(0) => {}
            Some(1) => assert!(out.stderr.contains("nested too deeply"), "{}", out.stderr),
            other => panic!("tvix parse ended with {other:?}: {}", out.stderr),
        }
    }
    // Long but flat: fine.
    let chain = "x: ".to_owned() + &"x + ".repeat(5_000) + "x";
    assert_eq!(tvix(&["check", "-"], Some(&chain)).status, Some(0));
    assert_eq!(tvix(&["parse", "-"], Some(&chain)).status, Some(0));
}
