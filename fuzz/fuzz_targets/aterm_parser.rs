//! The derivation ATerm parser on arbitrary bytes: it must never panic,
//! and since it accepts only the exact form the printer writes, printing
//! what it accepted must give back the input byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvix_store::derivation::Derivation;

fuzz_target!(|data: &[u8]| {
    if let Ok(drv) = Derivation::from_aterm(data) {
        assert!(drv.to_aterm() == data, "an accepted ATerm does not print back");
    }
});
