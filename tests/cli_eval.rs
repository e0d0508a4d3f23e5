//! `tvix eval` driven through the real binary.

mod common;

use common::tvix;

#[test]
fn evaluates_an_expression_strictly() {
    let out = tvix(
        &["eval", "--strict", "-E", "{ b = [ 1 2 ]; a = 1.5; }"],
        None,
    );
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "{ a = 1.5; b = [ 1 2 ]; }\n");
}

#[test]
fn reads_standard_input_and_prints_json() {
    let out = tvix(&["eval", "--json", "-"], Some(r#"{ x = "y"; n = null; }"#));
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "{\"n\":null,\"x\":\"y\"}\n");
}

#[test]
fn passes_arguments_and_selects_attributes() {
    let out = tvix(
        &[
            "eval",
            "--arg",
            "a",
            "1",
            "--argstr",
            "s",
            "x",
            "-A",
            "r",
            "-E",
            "{ a, s }: { r = \"${s}${toString a}\"; }",
        ],
        None,
    );
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "\"x1\"\n");
}

#[test]
fn errors_exit_with_status_one() {
    let out = tvix(&["eval", "-E", "throw \"boom\""], None);
    assert_eq!(out.status, Some(1));
    assert!(out.stderr.ends_with("error: boom\n"), "{}", out.stderr);
}

#[test]
fn unimplemented_builtins_fail_cleanly() {
    let out = tvix(&["eval", "-E", "builtins.fetchMercurial \"x\""], None);
    assert_eq!(out.status, Some(1));
    assert!(
        out.stderr
            .contains("not implemented: builtins.fetchMercurial"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_with_status_two() {
    let out = tvix(&["eval", "--no-such-flag"], None);
    assert_eq!(out.status, Some(2));
}

/// The README's "Builtins" section lists exactly the unimplemented builtins.
#[test]
fn readme_lists_the_unimplemented_builtins() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Builtins")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or_default();
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let missing = tvix_eval::builtins::unimplemented_builtins();
    assert_eq!(
        listed, missing,
        "update README.md's Builtins section to list: {missing:?}"
    );
}

#[test]
fn search_path_is_shown_as_written_and_resolved_on_lookup() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tvix"))
        .args([
            "eval",
            "--strict",
            "-I",
            "a=/x/../y",
            "-E",
            "[ (map (e: \"${e.prefix}=${e.path}\") builtins.nixPath) <t/tests/cli_eval.rs> ]",
        ])
        .env("NIX_PATH", "n=https://h.example/x.tar.gz:t=./src/..")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "[ [ \"a=/x/../y\" \"n=https://h.example/x.tar.gz\" \"t=./src/..\" ] {}/tests/cli_eval.rs ]\n",
            env!("CARGO_MANIFEST_DIR")
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
