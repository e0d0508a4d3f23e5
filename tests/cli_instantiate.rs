//! `tvix instantiate` against C++ Nix's `nix-instantiate`: every case of
//! `tests/fixtures/instantiate/cases/*.cases` run through the real binary
//! with a fresh store must print what nix-instantiate printed (goldens from
//! `tests/fixtures/instantiate/generate.sh`), exit the same way, and leave
//! the closure of every printed `.drv` in the store with C++ Nix's bytes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tvix_store::hash::{Algorithm, Hash};
use tvix_store::nar::dump_path;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/instantiate")
}

/// Splits a case's arguments: whitespace-separated words, single quotes
/// keeping spaces (the subset of shell syntax the case files use).
fn split_args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

struct Case {
    name: String,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(fixtures().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cases"))
        .collect();
    specs.sort();
    for spec in specs {
        for line in std::fs::read_to_string(spec).unwrap().lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, args) = line.split_once('\t').expect("NAME<TAB>ARGS");
            out.push(Case {
                name: name.to_owned(),
                args: split_args(args),
            });
        }
    }
    out
}

fn golden(name: &str, ext: &str) -> String {
    let path = fixtures().join("golden").join(format!("{name}.{ext}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn instantiate(store_root: &Path, args: &[String]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_tvix"))
        .arg("instantiate")
        .arg("--store-root")
        .arg(store_root)
        .args(args)
        .current_dir(fixtures().join("cases"))
        .env_remove("RUST_LOG")
        .env("NIX_PATH", "")
        .stdin(Stdio::null())
        .output()
        .expect("the tvix binary runs");
    Run {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Error text without its blank lines: the evaluator renders errors in the
/// layout of the C++ Nix the conformance suite comes from, which drops the
/// blank lines Nix 2.8 puts around an error's position.
fn without_blank_lines(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn every_case_prints_what_nix_instantiate_prints() {
    let cases = cases();
    assert!(cases.len() >= 18, "{} cases", cases.len());
    let dir = fixtures().join("cases").display().to_string();
    let mut failures = Vec::new();
    for case in &cases {
        let store = tempfile::tempdir().unwrap();
        let run = instantiate(store.path(), &case.args);
        let exit: i32 = golden(&case.name, "exit").trim().parse().unwrap();
        let stdout = golden(&case.name, "stdout");
        let stderr = golden(&case.name, "stderr").replace("@DIR@", &dir);
        if run.status != Some(exit)
            || run.stdout != stdout
            || without_blank_lines(&run.stderr) != without_blank_lines(&stderr)
        {
            failures.push(format!(
                "{}: exit {:?} (want {exit})\n--- stdout\n{}--- want\n{stdout}--- stderr\n{}--- want\n{stderr}",
                case.name, run.status, run.stdout, run.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn instantiating_twice_is_idempotent() {
    let store = tempfile::tempdir().unwrap();
    let args = split_args("fakes.nix -A list");
    let first = instantiate(store.path(), &args);
    let second = instantiate(store.path(), &args);
    assert_eq!(first.status, Some(0), "{}", first.stderr);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(second.status, Some(0), "{}", second.stderr);
}

/// The NAR hash of a stored object, as `nix-store -q --hash` prints it.
fn nar_hash(object: &Path) -> String {
    let nar = dump_path(object).unwrap();
    format!("sha256:{}", Hash::of(Algorithm::Sha256, &nar).to_nix32())
}

#[test]
fn the_closure_of_every_printed_drv_is_in_the_store() {
    let mut checked = 0;
    for case in cases() {
        let closure = golden(&case.name, "closure");
        if closure.is_empty() {
            continue;
        }
        let store = tempfile::tempdir().unwrap();
        let run = instantiate(store.path(), &case.args);
        assert_eq!(run.status, Some(0), "{}: {}", case.name, run.stderr);
        for line in closure.lines() {
            let (path, hash) = line.split_once(' ').unwrap();
            let base = path.strip_prefix("/nix/store/").unwrap();
            let object = store.path().join("objects").join(base);
            assert!(object.exists(), "{}: {path} is not in the store", case.name);
            assert_eq!(nar_hash(&object), hash, "{}: {path}", case.name);
            if base.ends_with(".drv") {
                let want = std::fs::read(fixtures().join("golden/drv").join(base)).unwrap();
                assert!(std::fs::read(&object).unwrap() == want, "{path} differs");
            }
            checked += 1;
        }
    }
    // The derivation cases' closures: .drv files, toFile texts, sources.
    assert!(checked >= 20, "only {checked} closure paths checked");
}

#[test]
fn a_bad_store_root_is_a_clear_error() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let run = instantiate(file.path(), &split_args("fakes.nix -A a"));
    assert_eq!(run.status, Some(2));
    assert!(
        run.stderr.starts_with("error: cannot open the store at "),
        "{}",
        run.stderr
    );
}
