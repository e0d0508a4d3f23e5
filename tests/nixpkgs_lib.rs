//! nixpkgs' lib through the real `tvix` binary: its own test suites
//! (`runTests`, `[ ]` when every test passes) and `lib.evalModules` over the
//! real module files of `lib/tests/modules`, compared with a golden file
//! produced by C++ Nix (`tests/nixpkgs_lib/gen-golden.sh`).
//!
//! nixpkgs is never committed: `benches/fetch-nixpkgs-lib.sh` puts the
//! pinned trees in `bench-data/` (`.ci/run` calls it). When they are
//! missing the test says so on stderr and passes, unless
//! `TVIX_REQUIRE_NIXPKGS_LIB=1` (set by `.ci/run`), in which case it fails:
//! in CI a failed download must not look like a pass.

mod common;

use std::path::Path;

use common::tvix;

/// Whether the fetched tree `name` is present; fails or loudly skips if not.
fn have_tree(name: &str) -> bool {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("bench-data/nixpkgs-lib-{name}"));
    if dir.join("lib/default.nix").is_file() {
        return true;
    }
    let msg = format!(
        "nixpkgs lib '{name}' is missing at {} (run benches/fetch-nixpkgs-lib.sh; it downloads from GitHub)",
        dir.display()
    );
    if std::env::var("TVIX_REQUIRE_NIXPKGS_LIB").is_ok_and(|v| v == "1") {
        panic!("{msg}; TVIX_REQUIRE_NIXPKGS_LIB=1 makes this a failure");
    }
    eprintln!("\n*** SKIPPED: {msg} ***\n");
    false
}

fn assert_run_tests_pass(tree: &str, file: &str) {
    let path = format!("bench-data/nixpkgs-lib-{tree}/lib/tests/{file}");
    let out = tvix(&["eval", "--strict", &path], None);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (Some(0), "[ ]\n"),
        "{path}: failing tests or an error:\n{}",
        out.stderr
    );
}

#[test]
fn current_lib_misc_tests_pass() {
    if have_tree("current") {
        assert_run_tests_pass("current", "misc.nix");
    }
}

#[test]
fn current_lib_systems_tests_pass() {
    if have_tree("current") {
        assert_run_tests_pass("current", "systems.nix");
    }
}

#[test]
fn nix28_lib_tests_pass() {
    if have_tree("nix28") {
        for file in ["misc.nix", "systems.nix", "fetchers.nix"] {
            assert_run_tests_pass("nix28", file);
        }
    }
}

#[test]
fn eval_modules_matches_cpp_nix() {
    if !have_tree("nix28") {
        return;
    }
    let out = tvix(
        &[
            "eval",
            "--strict",
            "tests/nixpkgs_lib/module-cases.nix",
            "--arg",
            "root",
            "./bench-data/nixpkgs-lib-nix28",
        ],
        None,
    );
    let golden = include_str!("nixpkgs_lib/module-cases.exp");
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    if out.stdout != golden {
        let diff: Vec<String> = split_attrs(&out.stdout)
            .zip(split_attrs(golden))
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("  tvix:    {a}\n  C++ Nix: {b}"))
            .collect();
        panic!(
            "lib.evalModules results differ from C++ Nix's:\n{}",
            diff.join("\n")
        );
    }
}

/// The `name = value;` items of a printed flat attribute set.
fn split_attrs(printed: &str) -> impl Iterator<Item = &str> {
    printed.split("; ")
}
