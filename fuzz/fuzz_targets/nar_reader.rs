//! The NAR reader on arbitrary bytes: it must never panic, and every
//! archive it accepts must be canonical, i.e. serialise back to exactly
//! the bytes it was read from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tvix_store::nar::NarNode;

fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = NarNode::from_nar(data) {
        assert!(tree.to_nar() == data, "an accepted NAR is not canonical");
    }
});
