//! The ratchet file `tests/conformance.ratchet`: the tests that passed when
//! it was last blessed. A listed test that fails is a regression; a passing
//! test that is not listed is progress to be recorded.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

/// The comment written at the top of a blessed ratchet file.
const HEADER: &str = "\
# Nix language conformance ratchet: every test listed here passed when the
# file was last blessed, and `cargo test --test conformance` fails if one of
# them stops passing. Tests that pass but are not listed are only reported.
#
# One test name (file stem, e.g. `parse-okay-1`) per line, sorted; lines
# starting with `#` are comments. Regenerate from the current results with
#
#     TVIX_CONFORMANCE_BLESS=1 cargo test --test conformance
#
# and review the diff before committing it.
";

/// Reads the test names in the ratchet file; a missing file lists none.
pub fn read(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

/// Rewrites the ratchet file to list exactly `passing`.
pub fn bless(path: &Path, passing: &BTreeSet<String>) -> Result<(), String> {
    let mut text = HEADER.to_owned();
    for name in passing {
        text.push_str(name);
        text.push('\n');
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
