//! The evaluator's fast paths against its general ones, on the whole Nix
//! language test suite.
//!
//! With an observer attached (a debugger), the evaluator takes the general
//! path everywhere: no inline operators, no curried calls without their
//! intermediate closure, no fused lazy applications, every thunk forced
//! through `eval`. Without one it takes the fast paths. Both must print
//! the same value or render the same error, with the same trace, for
//! every `eval-okay-*` and `eval-fail-*` program of
//! `../shared/conformance/nix-lang` (skipped when that directory is
//! absent, as in the conformance test).

mod common;

use std::path::{Path, PathBuf};

use tvix_eval::{Evaluator, Observer, Settings, StdIO};

/// Observes nothing; attaching it switches the fast paths off.
struct Quiet;
impl Observer for Quiet {}

fn evaluate(path: &Path, observed: bool) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("/"));
    let settings = Settings {
        search_path: vec![
            (String::new(), dir.join("dir1").display().to_string()),
            (String::new(), dir.join("dir2").display().to_string()),
            ("dir5".into(), dir.join("dir3").display().to_string()),
        ],
        ..Settings::default()
    };
    let mut ev = Evaluator::new(Box::new(StdIO), settings);
    if observed {
        ev.set_observer(Box::new(Quiet));
    }
    let name = path.display().to_string();
    match ev
        .eval_source(&name, &text, &dir.display().to_string())
        .and_then(|v| ev.force_deep(&v))
    {
        Ok(v) => tvix_eval::print::print_value(&v),
        Err(e) => e.render(&ev.sources, true),
    }
}

#[test]
fn fast_and_general_paths_agree_on_the_language_tests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/nix-lang");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("fast paths: SKIPPED, no corpus at {}", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            (name.starts_with("eval-okay-") || name.starts_with("eval-fail-"))
                && name.ends_with(".nix")
        })
        .collect();
    files.sort();
    assert!(files.len() > 400, "only {} programs found", files.len());
    common::assert_both_ways_agree(
        files,
        |f| f.display().to_string(),
        |f, observed| evaluate(f, observed),
        ["fast", "general"],
    );
}
