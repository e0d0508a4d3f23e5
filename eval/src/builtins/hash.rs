//! Hash builtins: `hashString`, `hashFile`, `convertHash`.

use super::{ArgCtx, PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::pos::Pos;
use crate::store::{hash, hex, nixbase32};
use crate::value::Value;

fn hash_algo_error(algo: &str) -> Box<EvalError> {
    EvalError::eval(
        format!(
            "unknown hash algorithm '{algo}', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"
        ),
        Pos::NONE,
    )
}

fn digest_size(algo: &str) -> Option<usize> {
    Some(match algo {
        "md5" => 16,
        "sha1" => 20,
        "sha256" => 32,
        "sha512" => 64,
        _ => return None,
    })
}

/// Parses a hash in any of Nix's notations: SRI, `algo:body`, or a bare
/// body with the algorithm given separately.
fn parse_any(text: &str, algo: Option<&str>) -> EvalResult<(String, Vec<u8>)> {
    let bad = || EvalError::eval(format!("invalid hash '{text}'"), Pos::NONE);
    let (algo, body, sri) = if let Some((a, b)) = text.split_once('-')
        && digest_size(a).is_some()
    {
        (a.to_string(), b, true)
    } else if let Some((a, b)) = text.split_once(':') {
        (a.to_string(), b, false)
    } else {
        match algo {
            Some(a) => (a.to_string(), text, false),
            None => {
                return Err(EvalError::eval(
                    format!(
                        "hash '{text}' does not include a type, nor is the type otherwise known from context"
                    ),
                    Pos::NONE,
                ));
            }
        }
    };
    let size = digest_size(&algo).ok_or_else(|| hash_algo_error(&algo))?;
    let bytes = if sri {
        tvix_store::hash::base64_decode(body)
    } else if body.len() == size * 2 {
        (0..size)
            .map(|i| u8::from_str_radix(body.get(2 * i..2 * i + 2)?, 16).ok())
            .collect()
    } else if body.len() == (size * 8).div_ceil(5) {
        tvix_store::nixbase32::decode_exact(body.as_bytes(), size).ok()
    } else if body.len() == size.div_ceil(3) * 4 {
        tvix_store::hash::base64_decode(body)
    } else {
        None
    };
    match bytes {
        Some(b) if b.len() == size => Ok((algo, b)),
        _ => Err(bad()),
    }
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("hashString", 2, |ev, args, _| {
        let algo = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "hashString"))?;
        let algo = algo.to_str_lossy().into_owned();
        let s = ev.force_string(&args[1], Pos::NONE, ArgCtx(1, "hashString"))?;
        let h = hash(&algo, s.as_bytes()).ok_or_else(|| hash_algo_error(&algo))?;
        Ok(Value::str(hex(&h)))
    }),
    op("hashFile", 2, |ev, args, _| {
        let algo = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "hashFile"))?;
        let algo = algo.to_str_lossy().into_owned();
        let path = ev.coerce_to_path(&args[1], Pos::NONE, ArgCtx(1, "hashFile"))?;
        ev.check_source_path(&path, Pos::NONE)?;
        let bytes = ev
            .io
            .read_file(&path)
            .map_err(|_| EvalError::eval(format!("path '{path}' does not exist"), Pos::NONE))?;
        let h = hash(&algo, &bytes).ok_or_else(|| hash_algo_error(&algo))?;
        Ok(Value::str(hex(&h)))
    }),
    op("convertHash", 1, |ev, args, _| {
        let a = ev.force_attrs(&args[0], Pos::NONE, ArgCtx(0, "convertHash"))?;
        let get = |name: &str| a.get(name).map(|x| x.value.clone());
        let Some(text) = get("hash") else {
            return Err(EvalError::eval("attribute 'hash' missing", Pos::NONE));
        };
        let text =
            ev.force_string_no_ctx(&text, Pos::NONE, "while evaluating the attribute 'hash'")?;
        let algo = match get("hashAlgo") {
            Some(v) => Some(
                ev.force_string_no_ctx(&v, Pos::NONE, "while evaluating the attribute 'hashAlgo'")?
                    .to_str_lossy()
                    .into_owned(),
            ),
            None => None,
        };
        let Some(format) = get("toHashFormat") else {
            return Err(EvalError::eval(
                "attribute 'toHashFormat' missing",
                Pos::NONE,
            ));
        };
        let format = ev.force_string_no_ctx(
            &format,
            Pos::NONE,
            "while evaluating the attribute 'toHashFormat'",
        )?;
        let format = format.to_str_lossy().into_owned();
        if format == "base32" {
            ev.diagnostic("warning: \"base32\" is a deprecated alias for hash format \"nix32\".");
        }
        let (algo, bytes) = parse_any(&text.to_str_lossy(), algo.as_deref())?;
        let out = match format.as_str() {
            "base16" => hex(&bytes),
            "nix32" | "base32" => nixbase32(&bytes),
            "base64" => tvix_store::hash::base64_encode(&bytes),
            "sri" => format!("{algo}-{}", tvix_store::hash::base64_encode(&bytes)),
            other => {
                return Err(EvalError::eval(
                    format!(
                        "unknown hash format '{other}', expect 'base16', 'base32', 'base64', or 'sri'"
                    ),
                    Pos::NONE,
                ));
            }
        };
        Ok(Value::str(out))
    }),
];
