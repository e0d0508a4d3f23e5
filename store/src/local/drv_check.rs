//! The check C++ Nix makes when a `.drv` file becomes valid: it must parse
//! as a derivation, and its output paths must be the ones its contents
//! give (input-addressed outputs from `hashDerivationModulo` over the input
//! derivations already in the store, fixed outputs from their hash).

use std::collections::HashMap;

use crate::backend::StoreError;
use crate::derivation::Derivation;

use super::LocalStore;

impl LocalStore {
    /// Checks the `.drv` file `path` (named `name`) with `contents`.
    pub(super) fn check_derivation(
        &self,
        path: &str,
        name: &str,
        contents: &[u8],
    ) -> Result<(), StoreError> {
        let invalid = |m: String| StoreError::InvalidObject(m);
        let drv = Derivation::from_aterm(contents)
            .map_err(|e| invalid(format!("'{path}' is not a valid derivation: {e}")))?;
        let drv_name = name.strip_suffix(".drv").unwrap_or(name);
        let mut hashes = self.drv_hashes.lock().unwrap_or_else(|e| e.into_inner());
        for input in drv.input_drvs.keys() {
            self.hash_modulo_of(input, &mut hashes)?;
        }
        let mut expected = drv.clone();
        expected
            .fill_output_paths(drv_name, &mut |p| hashes.get(p).copied())
            .map_err(|e| invalid(format!("'{path}': {e}")))?;
        for (output, o) in &drv.outputs {
            let want = &expected.outputs[output].path;
            if &o.path != want {
                return Err(invalid(format!(
                    "derivation '{path}' has incorrect output '{}', should be '{want}'",
                    o.path
                )));
            }
        }
        let own = drv
            .hash_modulo(&mut |p| hashes.get(p).copied())
            .map_err(|e| invalid(format!("'{path}': {e}")))?;
        hashes.insert(path.to_owned(), own);
        Ok(())
    }

    /// The hash modulo of the valid `.drv` at `path`, computed (with its
    /// inputs') from the stored files when not known yet; an explicit
    /// stack, so long chains of derivations cannot overflow the call stack.
    fn hash_modulo_of(
        &self,
        path: &str,
        hashes: &mut HashMap<String, [u8; 32]>,
    ) -> Result<(), StoreError> {
        let mut todo = vec![path.to_owned()];
        while let Some(current) = todo.last().cloned() {
            if hashes.contains_key(&current) {
                todo.pop();
                continue;
            }
            let drv = self.read_derivation(&current)?;
            let missing: Vec<String> = drv
                .input_drvs
                .keys()
                .filter(|p| !hashes.contains_key(*p))
                .cloned()
                .collect();
            if missing.is_empty() {
                let hash = drv
                    .hash_modulo(&mut |p| hashes.get(p).copied())
                    .map_err(|e| StoreError::InvalidObject(format!("'{current}': {e}")))?;
                hashes.insert(current, hash);
                todo.pop();
            } else {
                todo.extend(missing);
            }
        }
        Ok(())
    }

    /// Reads and parses a `.drv` that must be valid in this store.
    fn read_derivation(&self, path: &str) -> Result<Derivation, StoreError> {
        let store_path = crate::store_path::StorePath::parse(path)?;
        if !crate::Store::is_valid_path(self, &store_path)? {
            return Err(StoreError::InvalidObject(format!(
                "input derivation '{path}' is not in the store"
            )));
        }
        let object = self.object_path(&store_path);
        let bytes = std::fs::read(&object).map_err(|source| StoreError::Io {
            context: format!("cannot read '{}'", object.display()),
            source,
        })?;
        Derivation::from_aterm(&bytes).map_err(|e| {
            StoreError::InvalidObject(format!("'{path}' is not a valid derivation: {e}"))
        })
    }
}
