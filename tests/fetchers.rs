//! The fetchers against C++ Nix: every case of `tests/fetchers/cases.txt`
//! evaluated by the real `tvix` binary on the fixtures
//! `tests/fetchers/make-fixtures.sh` creates, compared with the results
//! C++ Nix 2.8 gave (`tests/fetchers/expected.txt`, from `gen-golden.sh`).
//! Needs `git`, `tar`, `gzip`, `xz` and `bzip2`; no Nix, no network.

use std::path::Path;
use std::process::Command;

/// Cases where tvix follows current Nix rather than 2.8, with the message
/// current Nix gives.
const NEWER_THAN_2_8: &[(&str, &str)] = &[(
    "git-short-rev",
    "hash 'abc' has wrong length for hash algorithm 'sha1'",
)];

/// The message of a failed `tvix eval`: the last `error: …` line (the
/// ones before it open the trace).
fn error_message(stderr: &str) -> String {
    stderr
        .lines()
        .rev()
        .find_map(|l| l.trim_start().strip_prefix("error: "))
        .unwrap_or("")
        .to_owned()
}

/// Makes the fixtures in a fresh directory: (the directory, the fixtures'
/// path in it).
fn fixtures(here: &Path) -> (tempfile::TempDir, String) {
    let work = tempfile::tempdir().unwrap();
    let fx = work.path().join("fx");
    let made = Command::new("bash")
        .arg(here.join("make-fixtures.sh"))
        .arg(&fx)
        .output()
        .expect("bash runs");
    assert!(
        made.status.success(),
        "make-fixtures.sh failed (needs git, tar, gzip, xz, bzip2, python3):\n{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let fx = fx.display().to_string();
    (work, fx)
}

/// `tvix eval --strict -E expr`: success and stdout, or the error message.
fn tvix_eval(expr: &str, work: &Path) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_tvix"))
        .args(["eval", "--strict", "-E", expr])
        .env("NIX_PATH", "")
        .env("XDG_CACHE_HOME", work.join("cache"))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    } else {
        Err(error_message(&String::from_utf8_lossy(&out.stderr)))
    }
}

/// The golden result of case `name`.
fn golden(expected: &str, name: &str) -> String {
    expected
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name} | ok | ")))
        .unwrap_or_else(|| panic!("no successful golden for {name}"))
        .to_owned()
}

#[test]
fn zip_archives_unpack_to_the_tree_of_the_same_tarball() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fetchers");
    let (work, fx) = fixtures(&here);
    let expected = std::fs::read_to_string(here.join("expected.txt")).unwrap();
    // Same store path: the same NAR, modes and links included.
    let zip = tvix_eval(
        &format!("builtins.fetchTarball \"file://{fx}/pkg.zip\""),
        work.path(),
    );
    assert_eq!(zip, Ok(golden(&expected, "tarball-zpkg")));
    let read = tvix_eval(
        &format!(
            "let t = builtins.fetchTarball \"file://{fx}/pkg.zip\"; in [ (builtins.readDir t) (builtins.readFile \"${{t}}/link\") (builtins.readDir \"${{t}}/dirlink\") ]"
        ),
        work.path(),
    );
    assert_eq!(read, Ok(golden(&expected, "tarball-zpkg-read")));
    let two = tvix_eval(
        &format!("builtins.fetchTarball \"file://{fx}/two.zip\""),
        work.path(),
    );
    assert_eq!(
        two,
        Err(format!(
            "tarball 'file://{fx}/two.zip' contains an unexpected number of top-level files"
        ))
    );
}

#[test]
fn fetchers_match_cpp_nix() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fetchers");
    let (work, fx) = fixtures(&here);
    let expected = std::fs::read_to_string(here.join("expected.txt")).unwrap();
    let cases = std::fs::read_to_string(here.join("cases.txt")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in cases
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, expr) = line.split_once(" | ").unwrap();
        let golden = expected
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} | ")))
            .unwrap_or_else(|| panic!("no expected result for {name}: run gen-golden.sh"));
        let (kind, want) = golden.split_once(" | ").unwrap();
        let want = NEWER_THAN_2_8
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(want, |(_, m)| m);
        let mode: &[&str] = if name.starts_with("pure-") {
            &["--pure-eval"]
        } else {
            &[]
        };
        let out = Command::new(env!("CARGO_BIN_EXE_tvix"))
            .arg("eval")
            .args(mode)
            .args(["--strict", "--extra-experimental-features", "flakes", "-E"])
            .arg(expr.replace("@FX@", &fx))
            .env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "protocol.file.allow")
            .env("GIT_CONFIG_VALUE_0", "always")
            .env("NIX_PATH", "")
            .env("XDG_CACHE_HOME", work.path().join("cache"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout)
            .trim_end()
            .replace(&fx, "@FX@");
        let stderr = String::from_utf8_lossy(&out.stderr).replace(&fx, "@FX@");
        let got = match (out.status.success(), kind) {
            (true, "ok") => stdout,
            (false, "error") => error_message(&stderr),
            (true, _) => format!("success: {stdout}"),
            (false, _) => format!("failure: {stderr}"),
        };
        if got != want {
            failures.push(format!("{name}\n  C++ Nix: {want}\n  tvix:    {got}"));
        }
        checked += 1;
    }
    assert!(checked >= 90, "only {checked} cases");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
