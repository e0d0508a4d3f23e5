//! `tvix check` driven as a user or CI job drives it.

mod common;

use common::{tvix, write_tree};
use expect_test::expect;

/// Renders JSON diagnostics as `file:line:col severity code: message`.
fn summarize_json(stdout: &str) -> String {
    stdout
        .lines()
        .map(|line| {
            let d: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
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
    assert!(out.stderr.contains("checked 4 files: 0 errors, 0 warnings"), "{}", out.stderr);
}

#[test]
fn json_reports_every_problem_with_its_position() {
    let out = tvix(&["check", "--format", "json", "tests/fixtures/check-problems"], None);
    assert_eq!(out.status, Some(1), "{}", out.stderr);
    expect![[r#"
    "#]]
    .assert_eq(&summarize_json(&out.stdout));
}

#[test]
fn json_objects_carry_ranges_and_labels() {
    let out = tvix(&["check", "--format", "json", "-"], Some("{ a = 1; a = 2; }"));
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
    let out = tvix(&["check", "--color", "never", "-"], Some("let x = 1; in y\n"));
    assert_eq!(out.status, Some(1));
    expect![[r#"
    "#]]
    .assert_eq(&out.stdout);
    assert!(out.stderr.contains("checked 1 file: 1 error, 1 warning"), "{}", out.stderr);
}

#[test]
fn warnings_alone_exit_zero_unless_denied() {
    let input = "let unused = 1; in 2\n";
    assert_eq!(tvix(&["check", "-"], Some(input)).status, Some(0));
    assert_eq!(tvix(&["check", "--deny-warnings", "-"], Some(input)).status, Some(1));
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
    let out = tvix(&["check", "--format", "json", dir.path().join("script").to_str().unwrap()], None);
    assert_eq!(out.status, Some(1));
    assert!(out.stdout.contains("undefined-variable"), "{}", out.stdout);
}

#[test]
fn non_utf8_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("latin1.nix"), b"\"caf\xe9\"\n").unwrap();
    let out = tvix(&["check", "--format", "json", dir.path().to_str().unwrap()], None);
    assert_eq!(out.status, Some(1));
    let d: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(d["code"], "invalid-utf8");
    assert_eq!(d["start"], serde_json::json!({ "line": 1, "column": 5 }));
}

#[test]
fn usage_errors_exit_two() {
    let out = tvix(&["check", "does/not/exist"], None);
    assert_eq!(out.status, Some(2));
    assert!(out.stderr.contains("cannot check 'does/not/exist'"), "{}", out.stderr);
    assert_eq!(tvix(&["check", "--format", "yaml"], None).status, Some(2));
    assert_eq!(tvix(&["frobnicate"], None).status, Some(2));
}
