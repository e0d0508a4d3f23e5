//! The derivation golden corpus (`tests/golden/derivations`, generated from
//! C++ Nix 2.8 by `tests/golden/gen-derivations.sh`), replayed through the
//! evaluator: for every case the `drvPath`s, output paths, strings and
//! contexts (`summarise.nix`) must print the same JSON as under C++ Nix,
//! and every `.drv` file of the closure must be handed to
//! [`EvalIO::add_to_store`] byte for byte as C++ Nix wrote it. Error cases
//! must fail. No Nix is needed.
//!
//! The evaluator is driven as a library rather than through the binary
//! because the `.drv` bytes are what an embedder receives through
//! `EvalIO`; `tvix eval` itself writes nothing.

use std::path::PathBuf;

#[path = "golden/replay.rs"]
mod replay;

#[test]
fn derivations_match_cpp_nix() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/derivations");
    let failures = replay::replay(&dir, &dir.join("expected"), "derivation goldens", 300);
    assert!(
        failures.is_empty(),
        "{} cases differ from C++ Nix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
