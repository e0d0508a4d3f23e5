//! Runs the parse-okay and parse-fail cases of the Nix language
//! conformance corpus through `tvix_syntax::exact`, byte for byte.

use std::path::PathBuf;

use tvix_syntax::exact::{ParseContext, parse};

const CTX: ParseContext<'static> = ParseContext {
    source_name: "«stdin»",
    base_dir: "/pwd",
    home: Some("/fake-home"),
};

fn corpus_dir() -> PathBuf {
    match std::env::var_os("TVIX_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/nix-lang"),
    }
}

/// Each case as (name, source, expected output, expected to parse).
fn cases() -> Option<Vec<(String, String, String, bool)>> {
    let dir = corpus_dir();
    let entries = std::fs::read_dir(&dir).ok()?;
    let mut cases = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".nix") else {
            continue;
        };
        let okay = stem.starts_with("parse-okay-");
        if !okay && !stem.starts_with("parse-fail-") {
            continue;
        }
        let exp = dir.join(format!("{stem}{}", if okay { ".exp" } else { ".err.exp" }));
        let src = std::fs::read(entry.path()).expect("readable case");
        let exp = std::fs::read(&exp).expect("expected output exists");
        cases.push((
            stem.to_string(),
            String::from_utf8(src).expect("UTF-8 case"),
            String::from_utf8(exp).expect("UTF-8 expectation"),
            okay,
        ));
    }
    cases.sort();
    Some(cases)
}

#[test]
fn parse_conformance() {
    let Some(cases) = cases() else {
        eprintln!(
            "note: conformance corpus not found at {}; skipping",
            corpus_dir().display()
        );
        return;
    };
    let mut failures = Vec::new();
    let (mut okay, mut fail) = ((0, 0), (0, 0));
    for (name, src, expected, should_parse) in &cases {
        let (actual, parsed) = match parse(src, &CTX) {
            Ok(e) => (format!("{e}\n"), true),
            Err(f) => (f.render(src), false),
        };
        let counter = if *should_parse { &mut okay } else { &mut fail };
        counter.1 += 1;
        if parsed == *should_parse && &actual == expected {
            counter.0 += 1;
        } else {
            failures.push(format!(
                "--- {name}\nexpected:\n{expected}\nactual:\n{actual}"
            ));
        }
    }
    eprintln!(
        "parse-okay {}/{}, parse-fail {}/{}",
        okay.0, okay.1, fail.0, fail.1
    );
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
