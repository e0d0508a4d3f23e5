//! The embedded local store: a directory, no daemon, no root.
//!
//! ```text
//! <root>/paths.redb        metadata of every valid path (redb)
//! <root>/objects/<base>    the contents of each path, as restored from its NAR
//! <root>/tmp/              objects being written
//! ```
//!
//! Adding a path restores its NAR under `tmp/`, makes it read-only,
//! renames it into `objects/` (atomic), and only then records the path in
//! the database in one committed transaction. A path is valid exactly when
//! the database says so. Adds are made durable in batches:
//! [`LocalStore::flush`] (also run when the store is dropped) syncs every
//! object added since the last flush and its directory to disk, and then
//! makes one durable redb commit, which persists the records of all those
//! adds at once (their own commits are non-durable: redb keeps its file
//! consistent and, after a crash, rolls back to the last durable commit).
//! So a crash at any point leaves the paths flushed before it, each with
//! complete contents on disk, and invisible leftovers under `tmp/` or
//! `objects/` that the next `open` or add of that path removes. The
//! database is locked by one process at a time; [`LocalStore::open`] waits
//! a while for another process to let go.

mod drv_check;
mod record;

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use redb::{Database, DatabaseError, Durability, ReadableDatabase, ReadableTable, TableDefinition};

use crate::backend::{Store, StoreError};
use crate::hash::{Algorithm, Hash};
use crate::nar::{NarNode, dump_path, restore_nar};
use crate::path_info::PathInfo;
use crate::store_path::StorePath;

/// Base name → JSON record.
const PATHS: TableDefinition<&str, &[u8]> = TableDefinition::new("paths");

/// Bookkeeping: `flushed` → seconds since the epoch of the last flush.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// How long `open` waits for another process to release the database.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// A store kept in a local directory.
pub struct LocalStore {
    root: PathBuf,
    db: Database,
    /// Serialises adds within this process (redb serialises write
    /// transactions, but the object files need the same order).
    adding: Mutex<()>,
    /// Hash modulo of the `.drv` files checked so far, by path.
    drv_hashes: Mutex<HashMap<String, [u8; 32]>>,
    /// Objects added since the last flush: valid, not yet synced.
    unsynced: Mutex<Vec<PathBuf>>,
}

impl std::fmt::Debug for LocalStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalStore")
            .field("root", &self.root)
            .finish()
    }
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Io { context, source }
}

fn db_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

fn base_name(path: &StorePath) -> String {
    format!("{}-{}", path.hash_part, path.name)
}

impl LocalStore {
    /// Opens (creating if needed) the store at `root`, waiting up to ten
    /// seconds for another process to release it.
    pub fn open(root: &Path) -> Result<LocalStore, StoreError> {
        LocalStore::open_waiting(root, LOCK_WAIT)
    }

    /// Opens the store at `root`, waiting up to `wait` for another process
    /// to release it.
    pub fn open_waiting(root: &Path, wait: Duration) -> Result<LocalStore, StoreError> {
        for dir in [root.to_owned(), root.join("objects"), root.join("tmp")] {
            fs::create_dir_all(&dir).map_err(io(format!(
                "cannot create store directory '{}'",
                dir.display()
            )))?;
        }
        let db_path = root.join("paths.redb");
        let started = Instant::now();
        let db = loop {
            match Database::create(&db_path) {
                Ok(db) => break db,
                Err(DatabaseError::DatabaseAlreadyOpen) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(DatabaseError::DatabaseAlreadyOpen) => {
                    return Err(StoreError::Busy(format!(
                        "the store at '{}' is in use by another process",
                        root.display()
                    )));
                }
                Err(e) => {
                    return Err(StoreError::Database(format!(
                        "cannot open '{}': {e}",
                        db_path.display()
                    )));
                }
            }
        };
        let txn = db.begin_write().map_err(db_error)?;
        txn.open_table(PATHS).map_err(db_error)?;
        txn.commit().map_err(db_error)?;
        let store = LocalStore {
            root: root.to_owned(),
            db,
            adding: Mutex::new(()),
            drv_hashes: Mutex::new(HashMap::new()),
            unsynced: Mutex::new(Vec::new()),
        };
        // Holding the database lock, nothing else is writing: whatever is
        // under tmp/ was left by a crash.
        let tmp = store.root.join("tmp");
        for entry in fs::read_dir(&tmp).map_err(io("cannot list the store's tmp directory"))? {
            let entry = entry.map_err(io("cannot list the store's tmp directory"))?;
            remove_tree(&entry.path())?;
        }
        Ok(store)
    }

    /// Makes every add so far durable: syncs the objects added since the
    /// last flush and the `objects/` directory, then commits durably (which
    /// persists the adds' records). Dropping the store flushes too, but
    /// cannot report an error.
    pub fn flush(&self) -> Result<(), StoreError> {
        let _adding = self.adding.lock().unwrap_or_else(|e| e.into_inner());
        let unsynced =
            std::mem::take(&mut *self.unsynced.lock().unwrap_or_else(|e| e.into_inner()));
        if unsynced.is_empty() {
            return Ok(());
        }
        for object in &unsynced {
            sync_tree(object)?;
        }
        sync_dir(&self.root.join("objects"))?;
        // A durable commit persists the non-durable ones before it; it
        // records when the store was last flushed.
        let txn = self.db.begin_write().map_err(db_error)?;
        {
            let mut meta = txn.open_table(META).map_err(db_error)?;
            meta.insert("flushed", now_secs()).map_err(db_error)?;
        }
        txn.commit().map_err(db_error)
    }

    /// The directory the store lives in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the contents of `path` are kept (present only if valid).
    pub fn object_path(&self, path: &StorePath) -> PathBuf {
        self.root.join("objects").join(base_name(path))
    }

    /// Every valid path, sorted.
    pub fn valid_paths(&self) -> Result<Vec<StorePath>, StoreError> {
        let txn = self.db.begin_read().map_err(db_error)?;
        let table = txn.open_table(PATHS).map_err(db_error)?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(db_error)? {
            let (key, _) = entry.map_err(db_error)?;
            out.push(StorePath::from_base_name(key.value())?);
        }
        Ok(out)
    }

    fn check_object(&self, info: &PathInfo, nar: &[u8]) -> Result<(), StoreError> {
        let invalid =
            |m: String| StoreError::InvalidObject(format!("cannot add '{}': {m}", info.path));
        if info.nar_size != nar.len() as u64 {
            return Err(invalid(format!(
                "its NAR is {} bytes, not {}",
                nar.len(),
                info.nar_size
            )));
        }
        let actual = Hash::of(info.nar_hash.algo, nar);
        if actual != info.nar_hash {
            return Err(invalid(format!(
                "its NAR hash is {}:{}, not {}:{}",
                actual.algo,
                actual.to_nix32(),
                info.nar_hash.algo,
                info.nar_hash.to_nix32()
            )));
        }
        let node = NarNode::from_nar(nar).map_err(|e| invalid(e.to_string()))?;
        info.check_content_address(&node)
            .map_err(|e| invalid(e.0))?;
        for reference in &info.references {
            if reference != &info.path && !self.is_valid_path(reference)? {
                return Err(StoreError::MissingReference {
                    path: info.path.to_string(),
                    reference: reference.to_string(),
                });
            }
        }
        // Like C++ Nix, a `.drv` text must be a derivation with the right
        // output paths.
        if info.path.is_derivation()
            && info.ca.as_deref().is_some_and(|ca| ca.starts_with("text:"))
            && let NarNode::Regular { contents, .. } = &node
        {
            self.check_derivation(&info.path.to_absolute(), &info.path.name, contents)?;
        }
        Ok(())
    }
}

impl Store for LocalStore {
    fn store_dir(&self) -> &str {
        crate::store_dir()
    }

    fn query_path_info(&self, path: &StorePath) -> Result<Option<PathInfo>, StoreError> {
        let txn = self.db.begin_read().map_err(db_error)?;
        let table = txn.open_table(PATHS).map_err(db_error)?;
        let Some(value) = table.get(base_name(path).as_str()).map_err(db_error)? else {
            return Ok(None);
        };
        record::decode(path, value.value())
            .map(Some)
            .map_err(StoreError::Database)
    }

    fn add_nar(&self, info: &PathInfo, nar: &[u8]) -> Result<(), StoreError> {
        let _adding = self.adding.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = self.query_path_info(&info.path)? {
            if existing.nar_hash == info.nar_hash && existing.nar_size == info.nar_size {
                return Ok(());
            }
            return Err(StoreError::Conflict(format!(
                "'{}' is already in the store with different contents",
                info.path
            )));
        }
        if info.nar_hash.algo != Algorithm::Sha256 {
            return Err(StoreError::InvalidObject(format!(
                "cannot add '{}': NAR hashes are SHA-256",
                info.path
            )));
        }
        self.check_object(info, nar)?;

        let base = base_name(&info.path);
        let staging = self.root.join("tmp").join(format!(
            "{base}.{}.{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        fs::create_dir(&staging).map_err(io(format!("cannot create '{}'", staging.display())))?;
        let written = staging.join("object");
        let result = (|| {
            restore_nar(&mut &nar[..], &written)?;
            make_read_only(&written)?;
            let target = self.object_path(&info.path);
            if fs::symlink_metadata(&target).is_ok() {
                // Not valid (the database said so): a crash's leftover.
                remove_tree(&target)?;
            }
            fs::rename(&written, &target).map_err(io(format!(
                "cannot move '{}' into the store",
                target.display()
            )))?;
            let now = now_secs();
            let mut txn = self.db.begin_write().map_err(db_error)?;
            // Made durable by the next `flush`, after the object is synced.
            txn.set_durability(Durability::None).map_err(db_error)?;
            {
                let mut table = txn.open_table(PATHS).map_err(db_error)?;
                table
                    .insert(base.as_str(), record::encode(info, now).as_slice())
                    .map_err(db_error)?;
            }
            txn.commit().map_err(db_error)?;
            self.unsynced
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(target);
            Ok(())
        })();
        let cleaned = remove_tree(&staging);
        result.and(cleaned)
    }

    fn nar(&self, path: &StorePath) -> Result<Vec<u8>, StoreError> {
        if !self.is_valid_path(path)? {
            return Err(StoreError::InvalidObject(format!(
                "'{path}' is not in the store"
            )));
        }
        let object = self.object_path(path);
        dump_path(&object).map_err(io(format!("cannot read '{}'", object.display())))
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Every path below `root` (itself included), parents before children,
/// without recursion.
fn walk(root: &Path) -> Result<Vec<(PathBuf, fs::FileType)>, StoreError> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_owned()];
    while let Some(path) = todo.pop() {
        let ty = fs::symlink_metadata(&path)
            .map_err(io(format!("cannot stat '{}'", path.display())))?
            .file_type();
        if ty.is_dir() {
            for entry in
                fs::read_dir(&path).map_err(io(format!("cannot list '{}'", path.display())))?
            {
                let entry = entry.map_err(io(format!("cannot list '{}'", path.display())))?;
                todo.push(entry.path());
            }
        }
        out.push((path, ty));
    }
    Ok(out)
}

/// Makes a freshly restored object read-only (files 0444 or 0555,
/// directories 0555, as in a Nix store).
fn make_read_only(root: &Path) -> Result<(), StoreError> {
    let entries = walk(root)?;
    for (path, ty) in entries.iter().rev() {
        if ty.is_symlink() {
            continue;
        }
        let fail = |what: &str| io(format!("cannot {what} '{}'", path.display()));
        let mode = if ty.is_dir() {
            0o555
        } else {
            let current = fs::symlink_metadata(path)
                .map_err(fail("stat"))?
                .permissions()
                .mode();
            if current & 0o100 != 0 { 0o555 } else { 0o444 }
        };
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .map_err(fail("set permissions of"))?;
    }
    Ok(())
}

/// Syncs every file and directory of an object to disk.
fn sync_tree(root: &Path) -> Result<(), StoreError> {
    for (path, ty) in walk(root)? {
        if ty.is_symlink() {
            continue;
        }
        fs::File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(io(format!("cannot sync '{}'", path.display())))?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io(format!("cannot sync '{}'", dir.display())))
}

/// Removes `root` and everything below it, read-only directories included.
fn remove_tree(root: &Path) -> Result<(), StoreError> {
    let Ok(meta) = fs::symlink_metadata(root) else {
        return Ok(());
    };
    if meta.is_dir() {
        for (path, ty) in walk(root)? {
            if ty.is_dir() {
                fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
                    .map_err(io(format!("cannot make '{}' writable", path.display())))?;
            }
        }
        fs::remove_dir_all(root)
    } else {
        fs::remove_file(root)
    }
    .map_err(io(format!("cannot remove '{}'", root.display())))
}

impl Drop for LocalStore {
    fn drop(&mut self) {
        // Errors cannot be reported here; `flush` explicitly to see them.
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests;
