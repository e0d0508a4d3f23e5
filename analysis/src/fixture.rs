//! Test fixtures: several files in one string, each after a `//- /path`
//! line (a fixture without one is the single file `/main.nix`), with an
//! optional `$0` cursor marker.

use std::sync::Arc;

use tvix_syntax::TextSize;

use crate::{AnalysisHost, Change, FileId, FilePosition};

/// The cursor marker.
const CURSOR: &str = "$0";

/// A host with the fixture's files, and the cursor position if marked.
pub(crate) fn fixture(text: &str) -> (AnalysisHost, Option<FilePosition>) {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.trim().strip_prefix("//- ") {
            files.push((path.trim().to_owned(), String::new()));
        } else {
            if files.is_empty() {
                files.push(("/main.nix".to_owned(), String::new()));
            }
            files.last_mut().unwrap().1.push_str(line);
        }
    }
    let mut host = AnalysisHost::default();
    let mut cursor = None;
    let mut change = Change::default();
    for (path, mut content) in files {
        // Common indentation of the fixture text is not part of the files.
        content = dedent(&content);
        if let Some(at) = content.find(CURSOR) {
            content.replace_range(at..at + CURSOR.len(), "");
            cursor = Some((path.clone(), TextSize::from(at as u32)));
        }
        change.disk.push((path, Some(Arc::from(content))));
    }
    host.apply_change(change);
    let position = cursor.map(|(path, offset)| FilePosition {
        file: host.file_id(&path).unwrap(),
        offset,
    });
    (host, position)
}

/// A fixture's file by path.
pub(crate) fn file(host: &AnalysisHost, path: &str) -> FileId {
    host.file_id(path).unwrap()
}

fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        out.push_str(line.get(indent..).unwrap_or(line.trim_start_matches(' ')));
    }
    // Fixtures end in the line before the closing quote.
    out.trim_end_matches([' ', '\n']).to_owned() + "\n"
}
