//! The derivation ATerm parser on arbitrary bytes: it must never panic,
//! and printing what it accepted must be a fixed point (print, parse,
//! print gives the same bytes and the same derivation). Exact byte
//! equality with the input is not required: like C++ Nix, the parser
//! takes `\x` for `x` in strings, which the printer writes without the
//! backslash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvix_store::derivation::Derivation;

fuzz_target!(|data: &[u8]| {
    if let Ok(drv) = Derivation::from_aterm(data) {
        let printed = drv.to_aterm();
        let again = Derivation::from_aterm(&printed).expect("a printed derivation parses");
        assert!(again == drv, "printing changed the derivation");
        assert!(again.to_aterm() == printed, "printing is not a fixed point");
    }
});
