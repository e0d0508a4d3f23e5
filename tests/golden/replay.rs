//! Replaying a golden corpus of C++ Nix results (`cases/*.nix` evaluated
//! through `summarise.nix`, `expected/*.txt` as `gen-derivations.sh`
//! writes them) through the evaluator. Shared by `tests/derivations.rs`
//! (the store directory `/nix/store`) and `tests/store_dir.rs` (another
//! one); each includes this file with `#[path]`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use tvix_eval::value::Value;
use tvix_eval::{Evaluator, HostIO, Settings, StoreObject};

/// What C++ Nix recorded for one case.
enum Expected {
    /// The summary JSON and the `.drv` files of the closure.
    Result {
        json: String,
        drvs: Vec<(String, Vec<u8>)>,
    },
    /// C++ Nix failed with this message.
    Error(String),
}

fn parse_expected(bytes: &[u8]) -> Expected {
    let text = String::from_utf8(bytes.to_vec()).expect("goldens are UTF-8");
    if let Some(message) = text.strip_prefix("error\n") {
        return Expected::Error(message.to_string());
    }
    let mut lines = text.split_inclusive('\n');
    let json = lines
        .next()
        .and_then(|l| l.strip_prefix("result "))
        .expect("a result line")
        .trim_end_matches('\n')
        .to_string();
    let mut drvs = Vec::new();
    while let Some(header) = lines.next() {
        let path = header
            .strip_prefix("drv ")
            .expect("a drv header")
            .trim_end();
        let contents = lines.next().expect("drv contents").trim_end_matches('\n');
        drvs.push((path.to_string(), contents.as_bytes().to_vec()));
    }
    Expected::Result { json, drvs }
}

/// Evaluates one case: the summary JSON (or the error) and the objects
/// handed to the store.
fn run_case(dir: &Path, case: &str) -> (Result<String, String>, BTreeMap<String, StoreObject>) {
    let objects = Rc::new(RefCell::new(BTreeMap::new()));
    // The real file system, recording every store object handed over.
    let recorded = objects.clone();
    let io = HostIO::default()
        .with_diagnostics(|_| {})
        .without_environment()
        .with_store(move |object| {
            recorded
                .borrow_mut()
                .insert(object.path().to_string(), object);
            Ok(())
        });
    let mut ev = Evaluator::new(Box::new(io), Settings::default());
    let expr =
        format!("builtins.toJSON ((import ./summarise.nix).summarise (import ./cases/{case}.nix))");
    let result = ev
        .eval_source("«string»", &expr, dir.to_str().unwrap())
        .and_then(|v| ev.force(&v))
        .map_err(|e| e.render(&ev.sources, false))
        .and_then(|v| match v {
            Value::String(s) => Ok(s.to_str_lossy().into_owned()),
            _ => Err("toJSON returned no string".to_string()),
        });
    drop(ev);
    let objects = objects.borrow().clone();
    (result, objects)
}

fn check_case(dir: &Path, case: &str, expected: &Expected) -> Result<(), String> {
    let (result, objects) = run_case(dir, case);
    match (expected, result) {
        (Expected::Error(_), Err(_)) => Ok(()),
        (Expected::Error(nix), Ok(json)) => Err(format!(
            "C++ Nix fails but tvix gives {json}\n  C++ Nix: {}",
            nix.trim_end()
        )),
        (Expected::Result { .. }, Err(e)) => Err(format!("tvix fails: {e}")),
        (Expected::Result { json, drvs }, Ok(got)) => {
            if *json != got {
                return Err(format!(
                    "summary differs\n  C++ Nix: {json}\n  tvix:    {got}"
                ));
            }
            for (path, contents) in drvs {
                match objects.get(path) {
                    Some(StoreObject::Text { contents: ours, .. }) if ours == contents => {}
                    Some(StoreObject::Text { contents: ours, .. }) => {
                        return Err(format!(
                            "{path} differs\n  C++ Nix: {}\n  tvix:    {}",
                            String::from_utf8_lossy(contents),
                            String::from_utf8_lossy(ours)
                        ));
                    }
                    _ => return Err(format!("{path} was not handed to the store")),
                }
            }
            Ok(())
        }
    }
}

/// Replays every case of `corpus` (its `cases/`, fixtures and
/// `summarise.nix`) against the expectations in `expected`, on a thread
/// with the evaluator's stack; returns the failures and prints a summary
/// line naming `what`. Asserts that there are at least `min_cases` cases.
pub fn replay(corpus: &Path, expected: &Path, what: &str, min_cases: usize) -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(expected)
        .expect("the golden corpus exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_string))
        .collect();
    cases.sort();
    assert!(cases.len() >= min_cases, "only {} cases", cases.len());
    // Git keeps no empty directories; the fixture tree has one.
    std::fs::create_dir_all(corpus.join("fixtures/tree/empty-dir")).unwrap();
    let (corpus, expected, what) = (corpus.to_owned(), expected.to_owned(), what.to_owned());
    // Evaluation needs a big stack.
    std::thread::Builder::new()
        .stack_size(tvix_eval::EVAL_STACK)
        .spawn(move || {
            let mut failures = Vec::new();
            let (mut drv_files, mut errors) = (0, 0);
            for case in &cases {
                let bytes = std::fs::read(expected.join(format!("{case}.txt")))
                    .expect("every case has its expectation");
                let expectation = parse_expected(&bytes);
                match &expectation {
                    Expected::Result { drvs, .. } => drv_files += drvs.len(),
                    Expected::Error(_) => errors += 1,
                }
                if let Err(why) = check_case(&corpus, case, &expectation) {
                    failures.push(format!("{case}: {why}"));
                }
            }
            eprintln!(
                "{what}: {} of {} cases pass ({drv_files} .drv files, {errors} error cases)",
                cases.len() - failures.len(),
                cases.len()
            );
            failures
        })
        .unwrap()
        .join()
        .unwrap()
}
