//! `tvix parse` driven as a user drives it.

mod common;

use common::{tvix, write_tree};

#[test]
fn prints_the_canonical_form_from_stdin() {
    let out = tvix(&["parse"], Some("{x, y, z}: x + y + z\n"));
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "({ x, y, z }: ((x + y) + z))\n");
    assert_eq!(out.stderr, "");
}

#[test]
fn expression_argument() {
    let out = tvix(&["parse", "-E", "[ 1 2.5 \"a\" ]"], None);
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "[ (1) (2.5) (\"a\") ]\n");
}

#[test]
fn relative_paths_resolve_against_the_file() {
    let dir = write_tree(&[("sub/f.nix", "./x/../y.nix")]);
    let file = dir.path().join("sub/f.nix");
    let out = tvix(&["parse", file.to_str().unwrap()], None);
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("{}\n", dir.path().join("sub/y.nix").display())
    );
}

#[test]
fn errors_name_the_file_and_exit_one() {
    let dir = write_tree(&[("bad.nix", "x: y\n")]);
    let file = dir.path().join("bad.nix");
    let out = tvix(&["parse", file.to_str().unwrap()], None);
    assert_eq!(out.status, Some(1));
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("error: undefined variable 'y'\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("at {}:1:4:", file.display())),
        "{}",
        out.stderr
    );
}

#[test]
fn non_utf8_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.nix");
    std::fs::write(&file, b"\"caf\xe9\"").unwrap();
    let out = tvix(&["parse", file.to_str().unwrap()], None);
    assert_eq!(out.status, Some(1));
    assert!(out.stderr.contains("not valid UTF-8"), "{}", out.stderr);
}

#[test]
fn missing_file_is_a_usage_error() {
    let out = tvix(&["parse", "no/such/file.nix"], None);
    assert_eq!(out.status, Some(2));
    assert!(
        out.stderr.contains("could not read 'no/such/file.nix'"),
        "{}",
        out.stderr
    );
}
