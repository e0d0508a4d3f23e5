//! Nix language conformance: runs C++ Nix's language test suite against the
//! real `tvix` binary, exactly as `shared/conformance/README.md` specifies,
//! and holds the results to the ratchet file `tests/conformance.ratchet`.
//!
//! - The corpus is `$TVIX_CONFORMANCE_DIR`, else `../shared/conformance/nix-lang`
//!   beside the workspace; when it is absent the test says so and passes.
//! - It is copied to `<scratch>/work/lang` and every case runs in
//!   `<scratch>/work`. `nix-instantiate --parse -` becomes `tvix parse -`,
//!   `nix-instantiate --eval …` becomes `tvix eval …`, and any other
//!   `nix-instantiate …` becomes `tvix instantiate …`, other flags unchanged.
//! - Each case gets a cleared environment: `PATH`, the README's variables
//!   (`TEST_VAR=foo`, `NIX_PATH` and `HOME` per category, …) and `NIX_CONFIG`
//!   carrying the upstream test settings (`show-trace`, experimental features).
//! - Cases run in parallel (two threads per core), each killed after
//!   `$TVIX_CONFORMANCE_TIMEOUT` seconds (default 10).
//! - The summary gives one line per category with the weaker verdicts of
//!   the README in parentheses (never counted as passes). The test fails
//!   when a test listed in the ratchet no longer passes, showing the first
//!   lines of expected vs actual output; passing tests missing from the
//!   ratchet are only reported.
//! - `TVIX_CONFORMANCE_BLESS=1` rewrites the ratchet with the current
//!   passing set instead of checking it.
//! - `TVIX_CONFORMANCE_BIN=<path>` runs another program with the same
//!   `tvix`-style arguments instead of this build (e.g. a wrapper around
//!   C++ Nix: `tests/conformance/nix-oracle.sh` checks the harness against
//!   the README's published Nix 2.8 results).
//! - `TVIX_CONFORMANCE_FILTER=<substring>` runs only the tests whose name
//!   contains it and shows what differed for each failure (no blessing).

#[path = "conformance/corpus.rs"]
mod corpus;
#[path = "conformance/judge.rs"]
mod judge;
#[path = "conformance/ratchet.rs"]
mod ratchet;
#[path = "conformance/runner.rs"]
mod runner;

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use corpus::{Case, Category};
use judge::Verdict;

const RATCHET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance.ratchet");

#[test]
fn nix_language_conformance() {
    let corpus_dir = match std::env::var_os("TVIX_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/nix-lang"),
    };
    let corpus_dir = corpus_dir.canonicalize().unwrap_or(corpus_dir);
    if !corpus_dir.is_dir() {
        say(&format!(
            "conformance: SKIPPED, no corpus at {} (set TVIX_CONFORMANCE_DIR to the nix-lang directory)",
            corpus_dir.display()
        ));
        return;
    }
    let bless = std::env::var("TVIX_CONFORMANCE_BLESS").is_ok_and(|v| v == "1");
    let filter = std::env::var("TVIX_CONFORMANCE_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let timeout = match std::env::var("TVIX_CONFORMANCE_TIMEOUT") {
        Ok(secs) => secs
            .parse()
            .map(Duration::from_secs_f64)
            .unwrap_or_else(|e| {
                panic!(
                    "conformance: TVIX_CONFORMANCE_TIMEOUT={secs:?} is not a number of seconds: {e}"
                )
            }),
        Err(_) => Duration::from_secs(10),
    };
    assert!(
        !(bless && filter.is_some()),
        "conformance: cannot bless a filtered run; unset TVIX_CONFORMANCE_FILTER"
    );

    let scratch = Scratch::create().unwrap_or_else(|e| panic!("conformance: {e}"));
    let restored = corpus::expose(&corpus_dir, &scratch.work.join("lang"))
        .unwrap_or_else(|e| panic!("conformance: {e}"));
    if !restored.is_empty() {
        say(&format!(
            "conformance: note: {} was checked out without symlinks; restored in the copy: {}",
            corpus_dir.display(),
            restored.join(", ")
        ));
    }
    let corpus = corpus::discover(&scratch.work.join("lang"), &scratch.home)
        .unwrap_or_else(|e| panic!("conformance: {e}"));
    let cases: Vec<&Case> = corpus
        .cases
        .iter()
        .filter(|c| filter.as_ref().is_none_or(|f| c.name.contains(f.as_str())))
        .collect();

    let threads = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    say(&format!(
        "conformance: {} cases from {} ({} disabled), {threads} threads, timeout {}s",
        cases.len(),
        corpus_dir.display(),
        corpus.disabled.len(),
        timeout.as_secs_f64()
    ));
    let started = Instant::now();
    // Resolved here: a relative path would otherwise be looked up from the
    // cases' working directory.
    let bin = match std::env::var_os("TVIX_CONFORMANCE_BIN") {
        Some(path) => PathBuf::from(&path).canonicalize().unwrap_or_else(|e| {
            panic!(
                "conformance: TVIX_CONFORMANCE_BIN={}: {e}",
                PathBuf::from(&path).display()
            )
        }),
        None => PathBuf::from(env!("CARGO_BIN_EXE_tvix")),
    };
    let bin = bin.as_path();
    let cwd = scratch.work.as_os_str().as_encoded_bytes();
    let verdicts: Vec<Verdict> = runner::parallel_map(&cases, threads, |case| {
        let outcome = runner::run(bin, &scratch.work, case, timeout);
        judge::judge(case, &outcome, cwd)
    });
    summarise(&cases, &verdicts, started.elapsed());

    if filter.is_some() {
        for (case, verdict) in cases.iter().zip(&verdicts) {
            if let Some(mismatch) = &verdict.mismatch {
                say(&format!(
                    "FAIL {} (tvix {})\n{mismatch}",
                    case.name,
                    runner::tvix_args(&case.nix_args).join(" ")
                ));
            }
        }
    }

    let passing: BTreeSet<String> = cases
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| v.pass)
        .map(|(c, _)| c.name.clone())
        .collect();
    let ratchet_path = Path::new(RATCHET);
    if bless {
        ratchet::bless(ratchet_path, &passing).unwrap_or_else(|e| panic!("conformance: {e}"));
        say(&format!(
            "conformance: blessed {} with {} passing tests",
            ratchet_path.display(),
            passing.len()
        ));
        return;
    }
    check_ratchet(
        ratchet_path,
        &corpus,
        &cases,
        &verdicts,
        &passing,
        filter.is_some(),
    );
}

/// Compares the results with the ratchet file; panics on regressions.
fn check_ratchet(
    path: &Path,
    corpus: &corpus::Corpus,
    cases: &[&Case],
    verdicts: &[Verdict],
    passing: &BTreeSet<String>,
    filtered: bool,
) {
    let listed = ratchet::read(path).unwrap_or_else(|e| panic!("conformance: {e}"));
    let newly_passing: Vec<&str> = passing.difference(&listed).map(String::as_str).collect();
    if !newly_passing.is_empty() {
        say(&format!(
            "conformance: {} newly passing, add to tests/conformance.ratchet (or bless with TVIX_CONFORMANCE_BLESS=1):\n  {}",
            newly_passing.len(),
            newly_passing.join("\n  ")
        ));
    }
    if !filtered {
        let known: BTreeSet<&str> = corpus.cases.iter().map(|c| c.name.as_str()).collect();
        let unknown: Vec<&str> = listed
            .iter()
            .map(String::as_str)
            .filter(|n| !known.contains(n))
            .collect();
        if !unknown.is_empty() {
            say(&format!(
                "conformance: warning: the ratchet lists tests not in the corpus: {}",
                unknown.join(", ")
            ));
        }
    }
    let regressions: Vec<(&Case, &Verdict)> = cases
        .iter()
        .zip(verdicts)
        .filter(|(c, v)| !v.pass && listed.contains(&c.name))
        .map(|(c, v)| (*c, v))
        .collect();
    if regressions.is_empty() {
        return;
    }
    for (case, verdict) in &regressions {
        let mismatch = verdict.mismatch.as_deref().unwrap_or("");
        say(&format!(
            "REGRESSION {} (tvix {})\n{mismatch}",
            case.name,
            runner::tvix_args(&case.nix_args).join(" ")
        ));
    }
    let names: Vec<&str> = regressions.iter().map(|(c, _)| c.name.as_str()).collect();
    panic!(
        "conformance: {} test(s) listed in tests/conformance.ratchet no longer pass: {}",
        names.len(),
        names.join(", ")
    );
}

/// Prints one line per category, then the totals.
fn summarise(cases: &[&Case], verdicts: &[Verdict], elapsed: Duration) {
    for category in Category::ALL {
        let results: Vec<&Verdict> = cases
            .iter()
            .zip(verdicts)
            .filter(|(c, _)| c.category == category)
            .map(|(_, v)| v)
            .collect();
        if results.is_empty() {
            continue;
        }
        let pass = results.iter().filter(|v| v.pass).count();
        let weak = results.iter().filter(|v| v.weak).count();
        let weak_note = match category {
            Category::ParseOkay | Category::EvalOkayText => {
                format!(" (stdout matches, stderr differs: {weak})")
            }
            Category::ParseFail | Category::EvalFail => format!(" (exited with status 1: {weak})"),
            Category::EvalOkayXml => String::new(),
        };
        say(&format!(
            "{}: {pass}/{} pass{weak_note}",
            category.label(),
            results.len()
        ));
    }
    let pass = verdicts.iter().filter(|v| v.pass).count();
    let timed_out: Vec<&str> = cases
        .iter()
        .zip(verdicts)
        .filter(|(_, v)| v.timed_out)
        .map(|(c, _)| c.name.as_str())
        .collect();
    say(&format!(
        "total: {pass}/{} pass, {} timed out, in {:.1}s{}",
        verdicts.len(),
        timed_out.len(),
        elapsed.as_secs_f64(),
        if timed_out.is_empty() {
            String::new()
        } else {
            format!(" ({})", timed_out.join(", "))
        }
    ));
}

/// Writes a line straight to stderr, past the test harness's output
/// capture, so the summary shows in every `cargo test` run.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// The scratch tree: `work/` (the working directory, holding `lang/`) and
/// an empty `home/`; removed when dropped.
struct Scratch {
    root: PathBuf,
    /// Canonical, so that it matches what the evaluator reports as `/pwd`.
    work: PathBuf,
    home: PathBuf,
}

impl Scratch {
    fn create() -> Result<Scratch, String> {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("conformance-{}", std::process::id()));
        if root.exists() {
            fs::remove_dir_all(&root)
                .map_err(|e| format!("cannot clear {}: {e}", root.display()))?;
        }
        let (work, home) = (root.join("work"), root.join("home"));
        for dir in [&work, &home] {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let work = work
            .canonicalize()
            .map_err(|e| format!("cannot resolve {}: {e}", work.display()))?;
        Ok(Scratch { root, work, home })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}
