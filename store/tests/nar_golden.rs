//! NAR bytes against C++ Nix: every `testdata/nar/NAME.tree` was built and
//! dumped with `nix-store --dump` by `testdata/generate.sh`; we build the
//! same tree, dump it, read and restore the golden archive, and must get
//! the same bytes and hash every time.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tvix_store::hash::sha256;
use tvix_store::nar::{NarNode, dump_path, restore_nar};
use tvix_store::nixbase32;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/nar")
}

/// The specs that have goldens, by name.
fn specs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(testdata())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".tree").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// The same unescaping as `build_tree.py`.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                other => panic!("bad escape \\{other:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Builds the tree `spec` describes at `dest`, as `build_tree.py` does.
fn build_tree(spec: &str, dest: &Path) {
    for line in spec.split('\n') {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('\t');
        let kind = fields.next().unwrap();
        let path = fields.next().unwrap();
        let arg = unescape(fields.next().unwrap_or(""));
        let target = if path == "." {
            dest.to_owned()
        } else {
            dest.join(unescape(path))
        };
        if kind == "dir" {
            std::fs::create_dir_all(&target).unwrap();
            continue;
        }
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        match kind {
            "file" | "exec" | "bytes" => {
                let data: Vec<u8> = if kind == "bytes" {
                    (0..arg.parse::<usize>().unwrap())
                        .map(|i| (i % 251) as u8)
                        .collect()
                } else {
                    arg.into_bytes()
                };
                std::fs::write(&target, data).unwrap();
                let mode = if kind == "exec" { 0o755 } else { 0o644 };
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode)).unwrap();
            }
            "symlink" => std::os::unix::fs::symlink(arg, &target).unwrap(),
            other => panic!("unknown kind {other}"),
        }
    }
}

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(testdata().join(format!("{name}.nar"))).unwrap()
}

#[test]
fn there_are_goldens() {
    let names = specs();
    assert_eq!(
        names,
        [
            "empty-dir",
            "empty-file",
            "executable",
            "mixed",
            "regular",
            "symlink"
        ]
    );
}

#[test]
fn dump_equals_nix_store_dump() {
    for name in specs() {
        let spec = std::fs::read_to_string(testdata().join(format!("{name}.tree"))).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join(&name);
        build_tree(&spec, &dest);
        assert!(
            dump_path(&dest).unwrap() == golden(&name),
            "{name}: NAR differs"
        );
    }
}

#[test]
fn nar_hash_equals_nix_hash() {
    for name in specs() {
        let expected = std::fs::read_to_string(testdata().join(format!("{name}.sha256"))).unwrap();
        assert_eq!(
            nixbase32::encode(&sha256(&golden(&name))),
            expected.trim(),
            "{name}"
        );
    }
}

#[test]
fn reader_accepts_and_reproduces_goldens() {
    for name in specs() {
        let nar = golden(&name);
        let tree = NarNode::from_nar(&nar).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(tree.to_nar() == nar, "{name}: re-serialised NAR differs");
    }
}

#[test]
fn restore_then_dump_reproduces_goldens() {
    for name in specs() {
        let nar = golden(&name);
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join(&name);
        let size = restore_nar(&mut &nar[..], &dest).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(size, nar.len() as u64);
        assert!(
            dump_path(&dest).unwrap() == nar,
            "{name}: restored tree differs"
        );
    }
}

#[test]
fn mixed_tree_has_every_kind_of_node() {
    let NarNode::Directory(entries) = NarNode::from_nar(&golden("mixed")).unwrap() else {
        panic!("the mixed tree is a directory");
    };
    let find = |name: &str| {
        entries
            .iter()
            .find(|(n, _)| n == name.as_bytes())
            .map(|(_, node)| node.clone())
            .unwrap_or_else(|| panic!("no entry {name}"))
    };
    assert!(
        matches!(find("empty"), NarNode::Regular { executable: false, contents } if contents.is_empty())
    );
    assert!(matches!(find("dangling"), NarNode::Symlink { .. }));
    assert!(matches!(find("emptydir"), NarNode::Directory(e) if e.is_empty()));
    assert!(matches!(find("ünïcödé-名前.txt"), NarNode::Regular { .. }));
    let NarNode::Directory(bin) = find("bin") else {
        panic!("bin is a directory")
    };
    assert!(bin.iter().any(|(n, node)| n == b"run"
        && matches!(
            node,
            NarNode::Regular {
                executable: true,
                ..
            }
        )));
}
