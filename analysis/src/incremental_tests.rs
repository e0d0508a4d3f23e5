//! Incrementality and cancellation: what an edit re-executes, and that
//! snapshots are cancelled by changes.

use std::sync::{Arc, Mutex};

use tvix_syntax::TextSize;

use crate::db::RootDatabase;
use crate::{AnalysisHost, Change, FilePosition, NoFileSystem};

/// A host whose database logs the queries it executes.
fn logging_host() -> (AnalysisHost, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let db = RootDatabase::new(Some(Box::new(move |event: salsa::Event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind {
            sink.lock().unwrap().push(format!("{database_key:?}"));
        }
    })));
    (AnalysisHost::with_database(db, Arc::new(NoFileSystem)), log)
}

fn executed(log: &Mutex<Vec<String>>, query: &str) -> usize {
    log.lock()
        .unwrap()
        .iter()
        .filter(|k| k.starts_with(query))
        .count()
}

#[test]
fn edits_that_only_move_text_do_not_rerun_later_queries() {
    let (mut host, log) = logging_host();
    host.apply_change(Change {
        disk: vec![
            (
                "/main.nix".into(),
                Some("let lib = import ./lib.nix; in lib.double 1".into()),
            ),
            ("/lib.nix".into(), Some("{ double = x: x * 2; }".into())),
        ],
        ..Change::default()
    });
    let main = host.file_id("/main.nix").unwrap();
    let position = FilePosition {
        file: main,
        offset: TextSize::from(36),
    };
    assert_eq!(host.analysis().goto_definition(position).unwrap().len(), 1);
    assert_eq!(executed(&log, "resolved_imports"), 1);
    assert_eq!(executed(&log, "select_targets"), 1);

    // Reindent and add a comment: the module is unchanged.
    log.lock().unwrap().clear();
    host.set_buffer(
        "/main.nix",
        Some("# entry\nlet\n  lib = import ./lib.nix;\nin\n  lib.double 1".into()),
    );
    let position = FilePosition {
        file: main,
        offset: TextSize::from(46),
    };
    let targets = host.analysis().goto_definition(position).unwrap();
    assert_eq!(targets.len(), 1, "still resolves after the edit");
    assert_eq!(executed(&log, "parse"), 1);
    assert_eq!(executed(&log, "lower"), 1);
    assert_eq!(
        executed(&log, "module"),
        1,
        "the module is compared, then backdated"
    );
    assert_eq!(executed(&log, "resolved_imports"), 0);
    assert_eq!(executed(&log, "select_targets"), 0);

    // A real change re-runs them.
    log.lock().unwrap().clear();
    host.set_buffer(
        "/main.nix",
        Some("let lib = import ./other.nix; in lib.double 1".into()),
    );
    let position = FilePosition {
        file: main,
        offset: TextSize::from(40),
    };
    let _ = host.analysis().goto_definition(position).unwrap();
    assert_eq!(executed(&log, "resolved_imports"), 1);
}

#[test]
fn open_buffers_win_over_disk() {
    let mut host = AnalysisHost::default();
    host.apply_change(Change {
        disk: vec![("/a.nix".into(), Some("1".into()))],
        ..Change::default()
    });
    let a = host.file_id("/a.nix").unwrap();
    host.set_buffer("/a.nix", Some("2".into()));
    assert_eq!(&*host.analysis().file_text(a).unwrap(), "2");
    // The disk changes while the buffer is open: the buffer still wins.
    host.apply_change(Change {
        disk: vec![("/a.nix".into(), Some("3".into()))],
        ..Change::default()
    });
    assert_eq!(&*host.analysis().file_text(a).unwrap(), "2");
    host.set_buffer("/a.nix", None);
    assert_eq!(&*host.analysis().file_text(a).unwrap(), "3");
}

#[test]
fn changes_cancel_running_queries() {
    let mut host = AnalysisHost::default();
    let big: String = (0..20_000)
        .map(|i| format!("let a{i} = {i}; in\n"))
        .collect::<String>()
        + "1";
    host.set_buffer("/big.nix", Some(big.into()));
    let file = host.file_id("/big.nix").unwrap();
    let analysis = host.analysis();
    let worker = std::thread::spawn(move || {
        // Keep asking until the pending edit cancels us (the edit waits
        // for this snapshot to go away).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if analysis.diagnostics(file).is_err() {
                return true;
            }
        }
        false
    });
    std::thread::sleep(std::time::Duration::from_millis(20));
    host.set_buffer("/big.nix", Some("2".into()));
    assert!(worker.join().unwrap());
    assert_eq!(&*host.analysis().file_text(file).unwrap(), "2");
}

/// An edited open buffer is reparsed from its previous parse; what it
/// reports must be what a fresh parse of the new text reports, through a
/// sequence of edits that break the file and mend it again.
#[test]
fn edited_buffers_report_what_a_fresh_parse_does() {
    let mut text = String::from("{ pkgs ? { }, ... }:\nlet\n");
    for i in 0..200 {
        text.push_str(&format!(
            "  f{i} = {{ a, b ? {i} }}: a + b;\n  v{i} = f{i} {{ a = 1; }};\n"
        ));
    }
    text.push_str("in\n{ result = v199; }\n");
    let anchor = text.find("  v100 =").unwrap();
    let edits = ["x", "", "v100 = 1;", "", "\"", "", "let", "", "inherit z;"];
    let mut host = AnalysisHost::new(Arc::new(NoFileSystem));
    host.set_buffer("/big.nix", Some(text.clone().into()));
    for (step, insert) in edits.iter().enumerate() {
        let current = if insert.is_empty() {
            text.clone()
        } else {
            format!("{}{}{}", &text[..anchor], insert, &text[anchor..])
        };
        let analysis = host.analysis();
        let file = analysis.file_id("/big.nix").unwrap().unwrap();
        let _ = analysis.diagnostics(file).unwrap();
        drop(analysis);
        host.set_buffer("/big.nix", Some(current.clone().into()));
        let incremental = {
            let analysis = host.analysis();
            let file = analysis.file_id("/big.nix").unwrap().unwrap();
            analysis.diagnostics(file).unwrap()
        };
        let mut fresh_host = AnalysisHost::new(Arc::new(NoFileSystem));
        fresh_host.set_buffer("/big.nix", Some(current.clone().into()));
        let fresh = {
            let analysis = fresh_host.analysis();
            let file = analysis.file_id("/big.nix").unwrap().unwrap();
            analysis.diagnostics(file).unwrap()
        };
        assert_eq!(incremental, fresh, "step {step}");
    }
}
