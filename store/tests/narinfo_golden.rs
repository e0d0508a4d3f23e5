//! narinfo files and signatures against C++ Nix (goldens made by
//! `testdata/generate.sh narinfo`): C++ Nix's files parse and print back
//! byte for byte, every signature C++ Nix made verifies under our code,
//! and the files our code signs are exactly the ones C++ Nix's `nix store
//! verify` accepted (`nix-verify.txt`).

use std::path::{Path, PathBuf};

use tvix_store::narinfo::NarInfo;
use tvix_store::signature::{Signature, SigningKey, VerifyingKey};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/narinfo")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(file name, text)` of every narinfo in `sub`, sorted.
fn narinfos(sub: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir().join(sub))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                read(&path),
            )
        })
        .collect();
    out.sort();
    out
}

fn public_keys() -> Vec<VerifyingKey> {
    ["test-key-1", "test-key-2"]
        .iter()
        .map(|k| VerifyingKey::parse(&read(&dir().join(format!("keys/{k}.pub")))).unwrap())
        .collect()
}

fn secret_key(name: &str) -> SigningKey {
    SigningKey::parse(&read(&dir().join(format!("keys/{name}.sec")))).unwrap()
}

#[test]
fn goldens_exist() {
    let names: Vec<String> = narinfos("cpp").into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "greeting.narinfo",
            "hello.txt.narinfo",
            "hello.txt.xz.narinfo",
            "mixed.narinfo",
            "tvix-narinfo-referrer.drv.narinfo",
            "tvix-narinfo-referrer.narinfo",
            "tvix-narinfo-self.narinfo"
        ]
    );
}

#[test]
fn cpp_narinfos_print_back_byte_for_byte() {
    for (name, text) in narinfos("cpp") {
        let info = NarInfo::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(info.to_string(), text, "{name}");
    }
}

#[test]
fn every_cpp_signature_verifies_under_ours() {
    let keys = public_keys();
    let mut checked = 0;
    for (name, text) in narinfos("cpp") {
        let info = NarInfo::parse(&text).unwrap();
        assert!(!info.signatures.is_empty(), "{name} is signed");
        let valid = info.valid_signatures(&keys);
        assert_eq!(valid.len(), info.signatures.len(), "{name}: {valid:?}");
        checked += valid.len();
    }
    // Seven files, the two built outputs signed by both keys.
    assert_eq!(checked, 9);
}

#[test]
fn tampered_signatures_and_fields_do_not_verify() {
    let keys = public_keys();
    let text = read(&dir().join("cpp/tvix-narinfo-referrer.narinfo"));
    let info = NarInfo::parse(&text).unwrap();
    let mut other_size = info.clone();
    other_size.nar_size += 1;
    assert!(other_size.valid_signatures(&keys).is_empty());
    let mut no_refs = info.clone();
    no_refs.references.clear();
    assert!(no_refs.valid_signatures(&keys).is_empty());
    let mut flipped = info.clone();
    flipped.signatures = info
        .signatures
        .iter()
        .map(|s| {
            let mut sig = Signature::parse(s).unwrap();
            sig.bytes[10] ^= 0x40;
            sig.to_string()
        })
        .collect();
    assert!(flipped.valid_signatures(&keys).is_empty());
}

#[test]
fn ours_are_what_cpp_nix_verified() {
    let key = secret_key("test-key-1");
    let ours = narinfos("ours");
    assert_eq!(ours.len(), 6);
    for (name, expected) in ours {
        let mut info = NarInfo::parse(&read(&dir().join("cpp").join(&name))).unwrap();
        info.signatures.clear();
        info.sign(&key).unwrap();
        assert_eq!(info.to_string(), expected, "{name}");
    }
    let verdicts = read(&dir().join("nix-verify.txt"));
    let lines: Vec<&str> = verdicts.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines.len(), 3, "{verdicts}");
    assert!(
        lines[0].starts_with("trusted /nix/store/") && lines[0].ends_with("-tvix-narinfo-referrer")
    );
    assert!(
        lines[1].starts_with("trusted /nix/store/") && lines[1].ends_with("-tvix-narinfo-self")
    );
    assert!(lines[2].starts_with("untrusted (tampered) "), "{verdicts}");
}

#[test]
fn our_signatures_equal_cpp_nix_signatures() {
    // Ed25519 is deterministic: signing the same fingerprint with the same
    // key must give C++ Nix's bytes exactly.
    let key = secret_key("test-key-1");
    for (name, text) in narinfos("cpp") {
        let info = NarInfo::parse(&text).unwrap();
        let ours = key.sign(info.fingerprint().unwrap().as_bytes()).to_string();
        assert!(info.signatures.contains(&ours), "{name}");
    }
}
