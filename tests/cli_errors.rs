//! Evaluation errors as `tvix eval` prints them: source bytes that are not
//! UTF-8, trace truncation without `--show-trace`, and deep recursion.

mod common;

use std::process::Command;

use common::tvix;

/// Runs `tvix` with `args` in `dir`, returning the exit status and the raw
/// bytes of stdout and stderr.
fn tvix_bytes(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_tvix"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("NIX_CONFIG")
        .output()
        .expect("the tvix binary runs");
    (out.status.code(), out.stdout, out.stderr)
}

#[test]
fn string_literals_keep_bytes_that_are_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("len.nix"),
        b"builtins.stringLength \"\xff\xfe\"",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.nix"),
        b"[ (import ./len.nix) (builtins.stringLength \"\xc3(\") ]",
    )
    .unwrap();
    let (status, stdout, stderr) = tvix_bytes(dir.path(), &["eval", "--strict", "main.nix"]);
    assert_eq!(status, Some(0), "{}", String::from_utf8_lossy(&stderr));
    // C++ Nix counts bytes: both literals are two bytes long.
    assert_eq!(stdout, b"[ 2 2 ]\n");
}

#[test]
fn excerpts_quote_bytes_that_are_not_utf8_raw() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.nix"),
        b"builtins.toJSON \"_invalid UTF-8: \xff_\"\n",
    )
    .unwrap();
    let (status, _, stderr) = tvix_bytes(dir.path(), &["eval", "--strict", "t.nix"]);
    assert_eq!(status, Some(1));
    let expected_tail: &[u8] = b"            1| builtins.toJSON \"_invalid UTF-8: \xff_\"\n             | ^\n            2|\n\n       error: JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index 16: 0xFF\n";
    assert!(
        stderr.ends_with(expected_tail),
        "{}",
        String::from_utf8_lossy(&stderr)
    );
}

#[test]
fn valid_utf8_sources_are_unchanged() {
    let out = tvix(
        &["eval", "-E", "builtins.stringLength \"é\u{F0000}\""],
        None,
    );
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "6\n");
}
