//! How a [`PathInfo`] is kept in the database: JSON with Nix's printed
//! forms, so the file stays readable with ordinary tools and a format
//! change can be detected (`version`).

use serde::{Deserialize, Serialize};

use crate::hash::Hash;
use crate::path_info::PathInfo;
use crate::store_path::StorePath;

/// The version written; records of other versions are refused.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Record {
    version: u32,
    /// `sha256:<nixbase32>`.
    nar_hash: String,
    nar_size: u64,
    /// Base names.
    references: Vec<String>,
    deriver: Option<String>,
    ca: Option<String>,
    signatures: Vec<String>,
    /// Seconds since the epoch when the path became valid.
    registration_time: u64,
}

/// Serialises `info` for the database.
pub(super) fn encode(info: &PathInfo, registration_time: u64) -> Vec<u8> {
    let base = |p: &StorePath| format!("{}-{}", p.hash_part, p.name);
    let record = Record {
        version: VERSION,
        nar_hash: format!("{}:{}", info.nar_hash.algo, info.nar_hash.to_nix32()),
        nar_size: info.nar_size,
        references: info.references.iter().map(base).collect(),
        deriver: info.deriver.as_ref().map(base),
        ca: info.ca.clone(),
        signatures: info.signatures.iter().cloned().collect(),
        registration_time,
    };
    serde_json::to_vec(&record).expect("a record always serialises")
}

/// Reads a record of `path` back.
pub(super) fn decode(path: &StorePath, bytes: &[u8]) -> Result<PathInfo, String> {
    let record: Record = serde_json::from_slice(bytes).map_err(|e| format!("{path}: {e}"))?;
    if record.version != VERSION {
        return Err(format!(
            "{path}: record version {} is not {VERSION}",
            record.version
        ));
    }
    let parse_base =
        |b: &String| StorePath::from_base_name(b).map_err(|e| format!("{path}: {}", e.0));
    Ok(PathInfo {
        path: path.clone(),
        nar_hash: Hash::parse_any(&record.nar_hash, None)
            .map_err(|e| format!("{path}: {}", e.0))?,
        nar_size: record.nar_size,
        references: record
            .references
            .iter()
            .map(parse_base)
            .collect::<Result<_, _>>()?,
        deriver: record.deriver.as_ref().map(parse_base).transpose()?,
        ca: record.ca,
        signatures: record.signatures.into_iter().collect(),
    })
}
