//! A store directory other than `/nix/store` (C++ Nix's `NIX_STORE_DIR`):
//! the store-dependent cases of the derivation corpus, evaluated by C++ Nix
//! 2.8 with `NIX_STORE_DIR=/tmp/tvix-golden-store/store`
//! (`tests/golden/gen-store-dir.sh`), replayed through the evaluator with
//! the same store directory — every drvPath, outPath, string context and
//! `.drv` byte must match. Also `--store-dir` and `NIX_STORE_DIR` on the
//! binary. No Nix is needed.
//!
//! The store directory is a process-wide setting, so this file is its own
//! test binary and sets it before anything computes a path.

use std::path::PathBuf;
use std::process::Command;

#[path = "golden/replay.rs"]
mod replay;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The store directory the goldens were made for.
fn golden_store_dir() -> String {
    std::fs::read_to_string(golden_dir().join("store-dir/store-dir.txt"))
        .expect("gen-store-dir.sh records the store directory")
        .trim()
        .to_string()
}

#[test]
fn paths_match_cpp_nix_for_another_store_dir() {
    let store_dir = golden_store_dir();
    tvix_store::set_store_dir(&store_dir).unwrap();
    assert_eq!(tvix_store::store_dir(), store_dir);
    let golden = golden_dir();
    let failures = replay::replay(
        &golden.join("derivations"),
        &golden.join("store-dir/expected"),
        "store-dir goldens",
        150,
    );
    assert!(
        failures.is_empty(),
        "{} cases differ from C++ Nix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs `tvix args…` with `NIX_STORE_DIR` set to `env` (removed for
/// `None`); returns the exit status, stdout and stderr.
fn tvix(args: &[&str], env: Option<&str>) -> (Option<i32>, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tvix"));
    command.args(args).env_remove("RUST_LOG");
    match env {
        Some(dir) => command.env("NIX_STORE_DIR", dir),
        None => command.env_remove("NIX_STORE_DIR"),
    };
    let out = command.output().expect("the tvix binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_binary_takes_the_store_dir_from_the_flag_or_the_environment() {
    let expr = "[ builtins.storeDir (derivation { name = \"a\"; system = \"x\"; builder = \"/bin/sh\"; }).drvPath ]";
    // Computed by C++ Nix 2.8: NIX_STORE_DIR=/tmp/sdtest/store nix-instantiate --eval --strict -E …
    let expected =
        "[ \"/tmp/sdtest/store\" \"/tmp/sdtest/store/x12rc60d9jnlq0lin6wsar1c2w7hdmqz-a.drv\" ]\n";
    let flag = [
        "--store-dir",
        "/tmp/sdtest//store/",
        "eval",
        "--strict",
        "-E",
        expr,
    ];
    assert_eq!(tvix(&flag, None).1, expected);
    let env = ["eval", "--strict", "-E", expr];
    assert_eq!(tvix(&env, Some("/tmp/sdtest/store")).1, expected);
    // An empty NIX_STORE_DIR is the default, as in C++ Nix.
    let default = ["eval", "-E", "builtins.storeDir"];
    assert_eq!(tvix(&default, Some("")).1, "\"/nix/store\"\n");
    let relative = tvix(&["--store-dir", "store", "eval", "-E", "1"], None);
    assert_eq!(relative.0, Some(2));
    assert_eq!(
        relative.2,
        "error: store directory 'store' is not an absolute path\n"
    );
}
