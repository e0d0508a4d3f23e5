//! The local store under `kill -9`: a child process adds objects as fast as
//! it can, flushing every five, and is killed at arbitrary moments; after
//! every kill the store must open, every valid path must have complete
//! contents matching its NAR hash and valid references, and adding again
//! must carry on where it stopped.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use tvix_store::hash::{Algorithm, Hash};
use tvix_store::store_path::StorePath;
use tvix_store::{LocalStore, Store};

/// Set in the child's environment: the store root it writes to.
const CHILD_ENV: &str = "TVIX_STORE_CRASH_CHILD_ROOT";

/// The objects the child writes, in order: texts of growing size, each
/// referring to the one before, so a store missing a reference shows up.
fn contents(i: usize) -> Vec<u8> {
    format!("object {i}\n").repeat(1 + i * 37).into_bytes()
}

#[test]
#[ignore = "run by kill_at_random_moments as a child process"]
fn crash_child() {
    let Ok(root) = std::env::var(CHILD_ENV) else {
        return;
    };
    let store = LocalStore::open(std::path::Path::new(&root)).unwrap();
    let mut previous: Option<StorePath> = None;
    for i in 0..100_000 {
        let refs: BTreeSet<StorePath> = previous.iter().cloned().collect();
        previous = Some(
            store
                .add_text(&format!("obj-{i}"), &contents(i), &refs)
                .unwrap(),
        );
        // Batches of five, as `tvix instantiate` makes one per run.
        if i % 5 == 4 {
            store.flush().unwrap();
        }
    }
}

#[test]
fn kill_at_random_moments() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let mut checked = 0;
    for round in 0..8u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "crash_child", "--test-threads=1"])
            .env(CHILD_ENV, &root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Different moments each round: 150 ms to ~850 ms in.
        std::thread::sleep(Duration::from_millis(150 + (round * 97) % 700));
        child.kill().unwrap();
        child.wait().unwrap();

        let store = LocalStore::open(&root).unwrap();
        assert_eq!(
            std::fs::read_dir(root.join("tmp")).unwrap().count(),
            0,
            "tmp is cleaned on open"
        );
        let valid = store.valid_paths().unwrap();
        eprintln!("round {round}: {} valid paths after the kill", valid.len());
        for path in valid {
            let info = store.query_path_info(&path).unwrap().unwrap();
            let nar = store.nar(&path).unwrap();
            assert_eq!(Hash::of(Algorithm::Sha256, &nar), info.nar_hash, "{path}");
            for reference in &info.references {
                assert!(
                    store.is_valid_path(reference).unwrap(),
                    "{path} -> {reference}"
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "the child stored something before being killed"
    );
}
