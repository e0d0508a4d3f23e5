//! Re-signs a narinfo with our implementation, for the golden-file script
//! to check under C++ Nix (`testdata/generate.sh narinfo`).
//!
//! Usage: `narinfo_sign SECRET_KEY_FILE IN.narinfo OUT.narinfo` — reads
//! IN, drops its signatures, signs it with the key and writes OUT with our
//! printer.

use std::process::ExitCode;

use tvix_store::narinfo::NarInfo;
use tvix_store::signature::SigningKey;

fn run(args: &[String]) -> Result<(), String> {
    let [key_file, input, output] = args else {
        return Err("usage: narinfo_sign SECRET_KEY_FILE IN.narinfo OUT.narinfo".into());
    };
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let key = SigningKey::parse(&read(key_file)?).map_err(|e| format!("{key_file}: {e}"))?;
    let mut info = NarInfo::parse(&read(input)?).map_err(|e| format!("{input}: {e}"))?;
    info.signatures.clear();
    info.sign(&key).map_err(|e| format!("{input}: {e}"))?;
    std::fs::write(output, info.to_string()).map_err(|e| format!("{output}: {e}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
