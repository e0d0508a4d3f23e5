//! What a store knows about a path besides its contents, and the check
//! that a content-addressed path really is the address of its contents.

use std::collections::BTreeSet;

use crate::hash::{Algorithm, Hash, digest};
use crate::nar::NarNode;
use crate::store_path::{StorePath, make_fixed_output_path, make_text_path};

/// The metadata of a valid store path (C++ Nix's `ValidPathInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathInfo {
    /// The path.
    pub path: StorePath,
    /// SHA-256 of the path's NAR serialisation.
    pub nar_hash: Hash,
    /// Size of the NAR serialisation in bytes.
    pub nar_size: u64,
    /// The store paths the contents refer to (possibly the path itself).
    pub references: BTreeSet<StorePath>,
    /// The derivation that produced the path, if known.
    pub deriver: Option<StorePath>,
    /// The content address as C++ Nix prints it (`text:sha256:…`,
    /// `fixed:r:sha256:…`, `fixed:sha1:…`), if the path has one.
    pub ca: Option<String>,
    /// Signatures (`name:base64`) over the path's fingerprint.
    pub signatures: BTreeSet<String>,
}

/// A content address that does not match the contents or the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaMismatch(pub String);

impl PathInfo {
    /// The info of a path whose NAR is `nar`, with no deriver, content
    /// address or signatures.
    pub fn for_nar(path: StorePath, nar: &[u8], references: BTreeSet<StorePath>) -> PathInfo {
        PathInfo {
            path,
            nar_hash: Hash::of(Algorithm::Sha256, nar),
            nar_size: nar.len() as u64,
            references,
            deriver: None,
            ca: None,
            signatures: BTreeSet::new(),
        }
    }

    /// Checks that the path is the one its content address and references
    /// give for the contents `nar` (a path without a content address is
    /// accepted as it is: it is input-addressed and cannot be checked
    /// from its contents).
    pub fn check_content_address(&self, nar: &NarNode) -> Result<(), CaMismatch> {
        let Some(ca) = &self.ca else { return Ok(()) };
        let bad = |why: &str| CaMismatch(format!("{}: {why} (content address '{ca}')", self.path));
        let file = || match nar {
            NarNode::Regular {
                executable: false,
                contents,
            } => Ok(contents),
            _ => Err(bad(
                "a flat content address needs a single non-executable file",
            )),
        };
        let parse = |text: &str| Hash::parse_any(text, None).map_err(|e| bad(&e.0));
        let name = self.path.name.as_str();
        let expected = if let Some(rest) = ca.strip_prefix("text:") {
            let hash = parse(rest)?;
            let contents = file()?;
            if hash.algo != Algorithm::Sha256 || digest(Algorithm::Sha256, contents) != hash.digest
            {
                return Err(bad("the text's SHA-256 differs"));
            }
            let refs: Vec<String> = self.references.iter().map(StorePath::to_absolute).collect();
            make_text_path(name, contents, refs.iter().map(String::as_str))
        } else if let Some(rest) = ca.strip_prefix("fixed:") {
            let (recursive, rest) = match rest.strip_prefix("r:") {
                Some(rest) => (true, rest),
                None => (false, rest),
            };
            let hash = parse(rest)?;
            let actual = if recursive {
                digest(hash.algo, &nar.to_nar())
            } else {
                digest(hash.algo, file()?)
            };
            if actual != hash.digest {
                return Err(bad("the contents hash differently"));
            }
            if !self.references.is_empty() {
                return Err(bad("fixed-output paths cannot have references"));
            }
            make_fixed_output_path(recursive, &hash, name)
        } else {
            return Err(bad("unknown kind of content address"));
        };
        if expected != self.path.to_absolute() {
            return Err(bad(&format!("the contents belong at {expected}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nixbase32;

    fn text_info(contents: &[u8], name: &str) -> (PathInfo, NarNode) {
        let node = NarNode::Regular {
            executable: false,
            contents: contents.to_vec(),
        };
        let path = StorePath::parse(&make_text_path(name, contents, [])).unwrap();
        let mut info = PathInfo::for_nar(path, &node.to_nar(), BTreeSet::new());
        info.ca = Some(format!(
            "text:sha256:{}",
            nixbase32::encode(&digest(Algorithm::Sha256, contents))
        ));
        (info, node)
    }

    #[test]
    fn text_addresses_are_checked() {
        let (info, node) = text_info(b"hello", "a");
        assert_eq!(
            info.path.to_absolute(),
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a"
        );
        assert_eq!(info.check_content_address(&node), Ok(()));
        let other = NarNode::Regular {
            executable: false,
            contents: b"hellO".to_vec(),
        };
        assert!(
            info.check_content_address(&other)
                .unwrap_err()
                .0
                .contains("SHA-256 differs")
        );
        let mut moved = info.clone();
        moved.path.hash_part = "0".repeat(32);
        assert!(
            moved
                .check_content_address(&node)
                .unwrap_err()
                .0
                .contains("belong at /nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a")
        );
    }

    #[test]
    fn recursive_sources_are_checked() {
        let node = NarNode::Directory(vec![(
            b"f".to_vec(),
            NarNode::Regular {
                executable: true,
                contents: b"x".to_vec(),
            },
        )]);
        let nar = node.to_nar();
        let hash = Hash::of(Algorithm::Sha256, &nar);
        let path = StorePath::parse(&make_fixed_output_path(true, &hash, "src")).unwrap();
        let mut info = PathInfo::for_nar(path, &nar, BTreeSet::new());
        info.ca = Some(format!("fixed:r:sha256:{}", hash.to_nix32()));
        assert_eq!(info.check_content_address(&node), Ok(()));
        let flat = PathInfo {
            ca: Some(format!("fixed:sha256:{}", hash.to_nix32())),
            ..info
        };
        assert!(flat.check_content_address(&node).is_err());
    }
}
