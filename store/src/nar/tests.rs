//! The reader against hand-made archives, valid and malicious.

use expect_test::{Expect, expect};

use super::*;

/// A NAR string.
fn s(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    writer::put_str(&mut out, bytes);
    out
}

/// A NAR made of the given strings, in order.
fn nar(strings: &[&[u8]]) -> Vec<u8> {
    strings.iter().flat_map(|x| s(x)).collect()
}

/// A directory NAR with entries of the given names, each an empty file.
fn dir_of(names: &[&[u8]]) -> Vec<u8> {
    let mut parts: Vec<&[u8]> = vec![b"nix-archive-1", b"(", b"type", b"directory"];
    for name in names {
        parts.extend_from_slice(&[b"entry", b"(", b"name", name, b"node"]);
        parts.extend_from_slice(&[b"(", b"type", b"regular", b"contents", b"", b")"]);
        parts.push(b")");
    }
    parts.push(b")");
    nar(&parts)
}

fn check_error(bytes: &[u8], expected: Expect) {
    let err = NarNode::from_nar(bytes).expect_err("the archive is rejected");
    expected.assert_eq(&err.to_string());
}

fn sample() -> NarNode {
    NarNode::Directory(vec![
        (
            b"a".to_vec(),
            NarNode::Regular {
                executable: false,
                contents: b"hello".to_vec(),
            },
        ),
        (
            b"b".to_vec(),
            NarNode::Directory(vec![(
                b"x".to_vec(),
                NarNode::Regular {
                    executable: true,
                    contents: Vec::new(),
                },
            )]),
        ),
        (b"c".to_vec(), NarNode::Directory(Vec::new())),
        (
            "é".as_bytes().to_vec(),
            NarNode::Symlink {
                target: b"../a".to_vec(),
            },
        ),
    ])
}

#[test]
fn round_trips() {
    let tree = sample();
    let bytes = tree.to_nar();
    assert_eq!(NarNode::from_nar(&bytes).unwrap(), tree);
    let single = NarNode::Symlink {
        target: b"x".to_vec(),
    };
    assert_eq!(NarNode::from_nar(&single.to_nar()).unwrap(), single);
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = sample().to_nar();
    for len in 0..bytes.len() {
        let err = NarNode::from_nar(&bytes[..len]).expect_err("a prefix is rejected");
        assert!(
            matches!(err.kind, NarErrorKind::Truncated { .. }),
            "prefix of {len} bytes: {err}"
        );
    }
}

#[test]
fn bad_magic() {
    check_error(
        &nar(&[b"nix-archive-2", b"("]),
        expect![
            "invalid NAR at byte 0: expected the NAR magic 'nix-archive-1', found 'nix-archive-2'"
        ],
    );
    check_error(
        b"",
        expect![
            "invalid NAR at byte 0: the input ends in the middle of the NAR magic 'nix-archive-1'"
        ],
    );
}

#[test]
fn invalid_names() {
    check_error(
        &dir_of(&[b".."]),
        expect!["invalid NAR at byte 128: invalid entry name '..': '.' and '..' are not allowed"],
    );
    check_error(
        &dir_of(&[b"."]),
        expect!["invalid NAR at byte 128: invalid entry name '.': '.' and '..' are not allowed"],
    );
    check_error(
        &dir_of(&[b"a/b"]),
        expect!["invalid NAR at byte 128: invalid entry name 'a/b': names may not contain '/'"],
    );
    check_error(
        &dir_of(&[b"a\0b"]),
        expect![[
            r#"invalid NAR at byte 128: invalid entry name 'a\u{0}b': names may not contain NUL"#
        ]],
    );
    check_error(
        &dir_of(&[b""]),
        expect!["invalid NAR at byte 128: invalid entry name '': names may not be empty"],
    );
    check_error(
        &dir_of(&[&[b'x'; 256]]),
        expect![
            "invalid NAR at byte 128: an entry name is 256 bytes long, more than the 255 allowed"
        ],
    );
}

#[test]
fn unsorted_and_duplicate_entries() {
    check_error(
        &dir_of(&[b"b", b"a"]),
        expect!["invalid NAR at byte 312: directory entries are not sorted: 'a' comes after 'b'"],
    );
    check_error(
        &dir_of(&[b"a", b"a"]),
        expect!["invalid NAR at byte 312: directory has two entries named 'a'"],
    );
    // Byte order, not locale order: 'B' (0x42) sorts before 'a' (0x61).
    assert!(NarNode::from_nar(&dir_of(&[b"B", b"a"])).is_ok());
    check_error(
        &dir_of(&[b"a", b"B"]),
        expect!["invalid NAR at byte 312: directory entries are not sorted: 'B' comes after 'a'"],
    );
}

#[test]
fn padding_must_be_zero() {
    let mut bytes = nar(&[
        b"nix-archive-1",
        b"(",
        b"type",
        b"regular",
        b"contents",
        b"abc",
        b")",
    ]);
    // The contents string: 8-byte length at 88, "abc" at 96, padding at 99.
    bytes[100] = 1;
    check_error(
        &bytes,
        expect!["invalid NAR at byte 99: padding bytes after a string are not zero"],
    );
}

#[test]
fn wrong_tags() {
    check_error(
        &nar(&[b"nix-archive-1", b"(", b"tpye"]),
        expect!["invalid NAR at byte 40: expected 'type', found 'tpye'"],
    );
    check_error(
        &nar(&[b"nix-archive-1", b"(", b"type", b"fifo"]),
        expect![
            "invalid NAR at byte 56: expected 'regular', 'symlink' or 'directory', found 'fifo'"
        ],
    );
    check_error(
        &nar(&[
            b"nix-archive-1",
            b"(",
            b"type",
            b"regular",
            b"executable",
            b"yes",
        ]),
        expect!["invalid NAR at byte 96: expected '' after 'executable', found 'yes'"],
    );
    check_error(
        &nar(&[b"nix-archive-1", b"(", b"type", b"regular", b"target"]),
        expect!["invalid NAR at byte 72: expected 'executable' or 'contents', found 'target'"],
    );
    check_error(
        &nar(&[b"nix-archive-1", b"(", b"type", b"directory", b"entries"]),
        expect!["invalid NAR at byte 80: expected 'entry' or ')', found 'entries'"],
    );
    check_error(
        &nar(&[
            b"nix-archive-1",
            b"(",
            b"type",
            b"symlink",
            b"target",
            b"",
            b")",
        ]),
        expect!["invalid NAR at byte 88: invalid symlink target ''"],
    );
}

#[test]
fn oversized_lengths_are_checked_before_allocating() {
    // A tag claiming u64::MAX bytes.
    let mut bytes = s(b"nix-archive-1");
    bytes.extend_from_slice(&u64::MAX.to_le_bytes());
    check_error(
        &bytes,
        expect![
            "invalid NAR at byte 24: expected '(', found '<a string of 18446744073709551615 bytes>'"
        ],
    );
    // A file claiming an exabyte of contents with none present.
    let mut bytes = nar(&[b"nix-archive-1", b"(", b"type", b"regular", b"contents"]);
    bytes.extend_from_slice(&(1u64 << 60).to_le_bytes());
    check_error(
        &bytes,
        expect!["invalid NAR at byte 88: the input ends in the middle of a file's contents"],
    );
    // A symlink target longer than PATH_MAX.
    let mut bytes = nar(&[b"nix-archive-1", b"(", b"type", b"symlink", b"target"]);
    bytes.extend_from_slice(&(1u64 << 40).to_le_bytes());
    check_error(
        &bytes,
        expect![
            "invalid NAR at byte 88: a symlink target is 1099511627776 bytes long, more than the 4095 allowed"
        ],
    );
}

#[test]
fn trailing_data_is_rejected() {
    let mut bytes = sample().to_nar();
    let len = bytes.len();
    bytes.push(0);
    let err = NarNode::from_nar(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("invalid NAR at byte {len}: data follows the end of the archive")
    );
    // `parse_nar` alone stops at the end and reports the size.
    assert_eq!(
        parse_nar(&mut &bytes[..], &mut Count(0)).unwrap(),
        len as u64
    );
}

/// Counts the nodes of an archive.
struct Count(usize);

impl NarVisitor for Count {
    fn regular_file(
        &mut self,
        _: &[u8],
        _: bool,
        _: u64,
        _: &mut dyn std::io::Read,
    ) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn symlink(&mut self, _: &[u8], _: &[u8]) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn enter_directory(&mut self, _: &[u8]) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let mut tree = NarNode::Directory(Vec::new());
    for _ in 0..100_000 {
        tree = NarNode::Directory(vec![(b"d".to_vec(), tree)]);
    }
    let bytes = tree.to_nar();
    let mut count = Count(0);
    parse_nar_exact(&mut &bytes[..], &mut count).unwrap();
    assert_eq!(count.0, 100_001);
    // Dropping the nested tree recursively would itself overflow; take it
    // apart level by level.
    let mut node = tree;
    while let NarNode::Directory(mut entries) = node {
        node = match entries.pop() {
            Some((_, child)) => child,
            None => break,
        };
    }
}
