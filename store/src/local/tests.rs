//! The local store: validity, idempotence, refusal of bad objects and
//! recovery from what a crash leaves behind.

use std::collections::BTreeSet;
use std::time::Duration;

use super::*;

fn store() -> (tempfile::TempDir, LocalStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(&dir.path().join("store")).unwrap();
    (dir, store)
}

fn no_refs() -> BTreeSet<StorePath> {
    BTreeSet::new()
}

fn tmp_entries(store: &LocalStore) -> usize {
    fs::read_dir(store.root().join("tmp")).unwrap().count()
}

#[test]
fn text_objects_are_stored_and_read_back() {
    let (_dir, store) = store();
    let path = store.add_text("hello", b"hello", &no_refs()).unwrap();
    // `builtins.toFile "hello" "hello"` in C++ Nix.
    assert_eq!(
        path.to_absolute(),
        "/nix/store/i4f75pn3bxkxdk2kld86k5qazq4cqj8i-hello"
    );
    let info = store.query_path_info(&path).unwrap().unwrap();
    assert_eq!(info.nar_size, 120);
    assert_eq!(
        info.ca.as_deref(),
        Some("text:sha256:094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic")
    );
    let object = store.object_path(&path);
    assert_eq!(fs::read(&object).unwrap(), b"hello");
    let mode = fs::metadata(&object).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
    let nar = store.nar(&path).unwrap();
    assert_eq!(Hash::of(Algorithm::Sha256, &nar), info.nar_hash);
    assert_eq!(tmp_entries(&store), 0);
}

#[test]
fn adding_twice_is_idempotent_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let path = {
        let store = LocalStore::open(&root).unwrap();
        let a = store.add_text("x", b"1", &no_refs()).unwrap();
        let b = store.add_text("x", b"1", &no_refs()).unwrap();
        assert_eq!(a, b);
        a
    };
    let store = LocalStore::open(&root).unwrap();
    assert_eq!(store.valid_paths().unwrap(), vec![path.clone()]);
    assert_eq!(fs::read(store.object_path(&path)).unwrap(), b"1");
}

#[test]
fn references_must_be_valid_first() {
    let (_dir, store) = store();
    let dep = StorePath::from_base_name("00000000000000000000000000000000-dep").unwrap();
    let refs: BTreeSet<StorePath> = [dep.clone()].into();
    let err = store.add_text("user", b"uses dep", &refs).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot add '{}' to the store: its reference '/nix/store/00000000000000000000000000000000-dep' is not in the store",
            make_text_path_of("user", b"uses dep", &refs)
        )
    );
    assert!(store.valid_paths().unwrap().is_empty());
    let dep = store.add_text("dep", b"d", &no_refs()).unwrap();
    let user = store
        .add_text("user", b"uses dep", &[dep.clone()].into())
        .unwrap();
    assert_eq!(
        store.query_path_info(&user).unwrap().unwrap().references,
        [dep].into()
    );
}

fn make_text_path_of(name: &str, contents: &[u8], refs: &BTreeSet<StorePath>) -> String {
    let refs: Vec<String> = refs.iter().map(StorePath::to_absolute).collect();
    crate::store_path::make_text_path(name, contents, refs.iter().map(String::as_str))
}

#[test]
fn bad_objects_are_refused_and_leave_nothing() {
    let (_dir, store) = store();
    let node = NarNode::Regular {
        executable: false,
        contents: b"data".to_vec(),
    };
    let nar = node.to_nar();
    let path = StorePath::from_base_name("11111111111111111111111111111111-data").unwrap();
    let info = PathInfo::for_nar(path.clone(), &nar, no_refs());

    let mut wrong_size = info.clone();
    wrong_size.nar_size += 8;
    let err = store.add_nar(&wrong_size, &nar).unwrap_err().to_string();
    assert!(err.contains("its NAR is 120 bytes, not 128"), "{err}");

    let mut wrong_hash = info.clone();
    wrong_hash.nar_hash = Hash::of(Algorithm::Sha256, b"other");
    let err = store.add_nar(&wrong_hash, &nar).unwrap_err().to_string();
    assert!(err.contains("its NAR hash is sha256:"), "{err}");

    let mut garbage = nar.clone();
    garbage[0] = 9;
    let bad = PathInfo::for_nar(path.clone(), &garbage, no_refs());
    let err = store.add_nar(&bad, &garbage).unwrap_err().to_string();
    assert!(err.contains("invalid NAR at byte 17: padding"), "{err}");

    let mut wrong_ca = info.clone();
    wrong_ca.ca = Some(format!(
        "text:sha256:{}",
        Hash::of(Algorithm::Sha256, b"data").to_nix32()
    ));
    let err = store.add_nar(&wrong_ca, &nar).unwrap_err().to_string();
    assert!(err.contains("the contents belong at /nix/store/"), "{err}");

    assert!(store.valid_paths().unwrap().is_empty());
    assert!(fs::symlink_metadata(store.object_path(&path)).is_err());
    assert_eq!(tmp_entries(&store), 0);

    // An input-addressed path is taken as it is, once.
    store.add_nar(&info, &nar).unwrap();
    let other = NarNode::Regular {
        executable: false,
        contents: b"changed".to_vec(),
    }
    .to_nar();
    let changed = PathInfo::for_nar(path.clone(), &other, no_refs());
    let err = store.add_nar(&changed, &other).unwrap_err().to_string();
    assert_eq!(
        err,
        "'/nix/store/11111111111111111111111111111111-data' is already in the store with different contents"
    );
    assert_eq!(fs::read(store.object_path(&path)).unwrap(), b"data");
}

#[test]
fn directories_are_sealed_read_only() {
    let (_dir, store) = store();
    let node = NarNode::Directory(vec![
        (
            b"bin".to_vec(),
            NarNode::Directory(vec![(
                b"run".to_vec(),
                NarNode::Regular {
                    executable: true,
                    contents: b"#!/bin/sh\n".to_vec(),
                },
            )]),
        ),
        (
            b"link".to_vec(),
            NarNode::Symlink {
                target: b"bin/run".to_vec(),
            },
        ),
    ]);
    let nar = node.to_nar();
    let hash = Hash::of(Algorithm::Sha256, &nar);
    let path = StorePath::parse(&crate::store_path::make_fixed_output_path(
        true, &hash, "src",
    ))
    .unwrap();
    let mut info = PathInfo::for_nar(path.clone(), &nar, no_refs());
    info.ca = Some(format!("fixed:r:sha256:{}", hash.to_nix32()));
    store.add_nar(&info, &nar).unwrap();
    let object = store.object_path(&path);
    let mode = |p: &Path| fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&object), 0o555);
    assert_eq!(mode(&object.join("bin/run")), 0o555);
    assert_eq!(store.nar(&path).unwrap(), nar);
}

#[test]
fn crash_leftovers_are_invisible_and_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let path = {
        let store = LocalStore::open(&root).unwrap();
        store.add_text("kept", b"kept", &no_refs()).unwrap()
    };
    // A crash after the rename but before the commit, and one mid-restore.
    let orphan = StorePath::parse(&make_text_path_of("orphan", b"new", &no_refs())).unwrap();
    let orphan_object = root.join("objects").join(base_name(&orphan));
    fs::write(&orphan_object, b"half-written").unwrap();
    fs::create_dir_all(root.join("tmp/x.1.2/object/sub")).unwrap();
    fs::set_permissions(
        root.join("tmp/x.1.2/object"),
        fs::Permissions::from_mode(0o555),
    )
    .unwrap();

    let store = LocalStore::open(&root).unwrap();
    assert_eq!(tmp_entries(&store), 0);
    assert_eq!(store.valid_paths().unwrap(), vec![path]);
    assert!(store.query_path_info(&orphan).unwrap().is_none());
    let added = store.add_text("orphan", b"new", &no_refs()).unwrap();
    assert_eq!(added, orphan);
    assert_eq!(fs::read(&orphan_object).unwrap(), b"new");
}

#[test]
fn a_held_store_is_busy() {
    let (dir, _store) = store();
    let err = LocalStore::open_waiting(&dir.path().join("store"), Duration::from_millis(200))
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("is in use by another process"), "{err}");
}

/// `derivation { name = "simple"; system = "x86_64-linux"; builder = "/bin/sh"; }`
/// as C++ Nix writes it.
const SIMPLE_DRV: &str = r#"Derive([("out","/nix/store/nj83liashqlzmxjq8lyfxrx21whvgpqj-simple","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","simple"),("out","/nix/store/nj83liashqlzmxjq8lyfxrx21whvgpqj-simple"),("system","x86_64-linux")])"#;

#[test]
fn derivations_are_checked_like_cpp_nix() {
    let (_dir, store) = store();
    let path = store
        .add_text("simple.drv", SIMPLE_DRV.as_bytes(), &no_refs())
        .unwrap();
    assert_eq!(
        path.to_absolute(),
        "/nix/store/2wwpgwhlrid6ypd4f01r72hdpr4l7qgz-simple.drv"
    );

    let wrong = SIMPLE_DRV.replace(
        "nj83liashqlzmxjq8lyfxrx21whvgpqj",
        "00000000000000000000000000000000",
    );
    let err = store
        .add_text("simple.drv", wrong.as_bytes(), &no_refs())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("has incorrect output '/nix/store/00000000000000000000000000000000-simple', should be '/nix/store/nj83liashqlzmxjq8lyfxrx21whvgpqj-simple'"),
        "{err}"
    );
    let err = store
        .add_text("junk.drv", b"Derive(nonsense", &no_refs())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is not a valid derivation: invalid derivation at byte"),
        "{err}"
    );
    // Other names are texts like any other.
    store
        .add_text("junk", b"Derive(nonsense", &no_refs())
        .unwrap();
}

#[test]
fn dependent_derivations_are_checked_after_reopening() {
    // `derivation { name = "user"; …; dep = simple; }` as C++ Nix writes it.
    const USER_DRV: &str = r#"Derive([("out","/nix/store/6l5bgnhwpvww5pdgrxy7z05ngkkp456h-user","","")],[("/nix/store/2wwpgwhlrid6ypd4f01r72hdpr4l7qgz-simple.drv",["out"])],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("dep","/nix/store/nj83liashqlzmxjq8lyfxrx21whvgpqj-simple"),("name","user"),("out","/nix/store/6l5bgnhwpvww5pdgrxy7z05ngkkp456h-user"),("system","x86_64-linux")])"#;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let simple = {
        let store = LocalStore::open(&root).unwrap();
        store
            .add_text("simple.drv", SIMPLE_DRV.as_bytes(), &no_refs())
            .unwrap()
    };
    // A fresh process knows no hashes: the input's is read from the store.
    let store = LocalStore::open(&root).unwrap();
    let user = store
        .add_text("user.drv", USER_DRV.as_bytes(), &[simple].into())
        .unwrap();
    assert_eq!(
        user.to_absolute(),
        "/nix/store/c78xwq8zfyd3d6rp2l6ahbwfsigdb3gz-user.drv"
    );
}
