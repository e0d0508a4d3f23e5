//! Unpacking a tarball as C++ Nix does for `fetchTarball`: any of
//! `.tar`, gzip, xz, bzip2 and zip (recognised by their magic bytes, not
//! the URL), exactly one top-level entry, which becomes the root of the
//! NAR.

use std::io::{self, Read};

use crate::{FetchedTree, error};

/// The NAR of the single top-level entry of the tarball `data` (fetched
/// from `url`, which messages name).
pub fn unpack_tarball(data: &[u8], url: &str) -> io::Result<FetchedTree> {
    let dir = tempfile::tempdir()?;
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        unpack_zip(data, url, dir.path())?;
    } else {
        unpack_tar(data, url, dir.path())?;
    }
    let mut members = std::fs::read_dir(dir.path())?.collect::<Result<Vec<_>, _>>()?;
    if members.len() != 1 {
        return Err(error(format!(
            "tarball '{url}' contains an unexpected number of top-level files"
        )));
    }
    let top = members.pop().map(|m| m.path()).unwrap_or_default();
    let meta = std::fs::symlink_metadata(&top)?;
    Ok(FetchedTree {
        nar: tvix_store::nar::dump_path(&top)?,
        last_modified: Some(std::os::unix::fs::MetadataExt::mtime(&meta).max(0) as u64),
    })
}

/// A zip archive (as libarchive reads them for C++ Nix): entries whose
/// names would leave the directory are refused by the `zip` crate; Unix
/// permissions and symbolic links are kept.
fn unpack_zip(data: &[u8], url: &str, dir: &std::path::Path) -> io::Result<()> {
    let mut archive = zip::ZipArchive::new(io::Cursor::new(data))
        .map_err(|e| error(format!("failed to extract archive ({e}) from '{url}'")))?;
    archive
        .extract(dir)
        .map_err(|e| error(format!("failed to extract archive ({e}) from '{url}'")))
}

/// A tar archive, plain or compressed with gzip, xz or bzip2.
fn unpack_tar(data: &[u8], url: &str, dir: &std::path::Path) -> io::Result<()> {
    let reader: Box<dyn Read + '_> = match data {
        [0x1f, 0x8b, ..] => Box::new(flate2::read::MultiGzDecoder::new(data)),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => {
            Box::new(xz2::read::XzDecoder::new_multi_decoder(data))
        }
        [b'B', b'Z', b'h', ..] => Box::new(bzip2::read::MultiBzDecoder::new(data)),
        _ if data.len() > 262 && &data[257..262] == b"ustar" => Box::new(data),
        _ => {
            return Err(error(format!(
                "failed to extract archive (Unrecognized archive format) from '{url}'"
            )));
        }
    };
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_permissions(false);
    archive.set_preserve_mtime(true);
    archive
        .unpack(dir)
        .map_err(|e| error(format!("failed to extract archive from '{url}': {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tarball(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, data, mode) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(*mode);
            header.set_mtime(1_600_000_000);
            header.set_cksum();
            builder.append_data(&mut header, path, *data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    #[test]
    fn the_single_top_level_directory_is_the_root() {
        let tar = tarball(&[("top/a", b"a\n", 0o644), ("top/bin/x", b"#!x\n", 0o755)]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        io::Write::write_all(&mut gz, &tar).unwrap();
        let gz = gz.finish().unwrap();
        let tree = unpack_tarball(&gz, "u").unwrap();
        let node = tvix_store::nar::NarNode::from_nar(&tree.nar).unwrap();
        let tvix_store::nar::NarNode::Directory(entries) = node else {
            panic!("not a directory")
        };
        let names: Vec<_> = entries
            .iter()
            .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
            .collect();
        assert_eq!(names, ["a", "bin"]);
        assert_eq!(
            tree.nar,
            unpack_tarball(&tar, "u").unwrap().nar,
            "plain tar too"
        );
    }

    #[test]
    fn more_than_one_top_level_entry_or_garbage_is_an_error() {
        let tar = tarball(&[("a", b"", 0o644), ("b", b"", 0o644)]);
        assert_eq!(
            unpack_tarball(&tar, "u").unwrap_err().to_string(),
            "tarball 'u' contains an unexpected number of top-level files"
        );
        assert!(unpack_tarball(b"not a tarball", "u").is_err());
    }

    fn zip(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for (path, data, mode) in entries {
            let options = zip::write::SimpleFileOptions::default().unix_permissions(*mode);
            writer.start_file(*path, options).unwrap();
            io::Write::write_all(&mut writer, data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_archives_keep_modes_and_refuse_escaping_names() {
        let archive = zip(&[("top/a", b"a\n", 0o644), ("top/bin/x", b"#!x\n", 0o755)]);
        let tree = unpack_tarball(&archive, "u.zip").unwrap();
        let node = tvix_store::nar::NarNode::from_nar(&tree.nar).unwrap();
        let tvix_store::nar::NarNode::Directory(entries) = node else {
            panic!("not a directory")
        };
        let names: Vec<&[u8]> = entries.iter().map(|(n, _)| n.as_slice()).collect();
        assert_eq!(names, [b"a".as_slice(), b"bin".as_slice()]);
        let tvix_store::nar::NarNode::Directory(bin) = &entries[1].1 else {
            panic!("bin is not a directory")
        };
        assert!(matches!(
            bin[0].1,
            tvix_store::nar::NarNode::Regular {
                executable: true,
                ..
            }
        ));
        let escaping = zip(&[("../evil", b"x", 0o644)]);
        let err = unpack_tarball(&escaping, "e.zip").unwrap_err();
        assert!(
            err.to_string().contains("failed to extract archive"),
            "{err}"
        );
    }
}
