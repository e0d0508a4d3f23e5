//! The narinfo parser on arbitrary text: it must never panic, and printing
//! what it accepted must be a fixed point (print, parse, print gives the
//! same text).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvix_store::narinfo::NarInfo;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(info) = NarInfo::parse(text) {
        let printed = info.to_string();
        let again = NarInfo::parse(&printed).expect("printed narinfo parses");
        assert_eq!(again.to_string(), printed);
        let _ = info.fingerprint();
    }
});
