//! String builtins.

use std::cmp::Ordering;
use std::rc::Rc;

use super::{ArgCtx, PrimOp, make_attrs, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{CoerceMode, Evaluator};
use crate::pos::Pos;
use crate::value::{NixString, StringBuilder, Value};

fn str_arg(
    ev: &mut Evaluator,
    args: &[Value],
    i: usize,
    name: &str,
    _pos: Pos,
) -> EvalResult<NixString> {
    ev.force_string(&args[i], Pos::NONE, ArgCtx(i, name))
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("toString", 1, |ev, args, pos| {
        let v = ev.force(&args[0])?;
        ev.coerce_to_string_ctx(&v, pos, CoerceMode::ToString, ArgCtx(0, "toString"))
            .map(Value::String)
    }),
    op("stringLength", 1, |ev, args, pos| {
        let v = ev.force(&args[0])?;
        let s = ev.coerce_to_string_ctx(
            &v,
            pos,
            CoerceMode::Interpolate,
            "while evaluating the argument passed to builtins.stringLength",
        )?;
        Ok(Value::Int(s.len() as i64))
    }),
    op("substring", 3, |ev, args, pos| {
        let start = ev.force_int(
            &args[0],
            Pos::NONE,
            "while evaluating the first argument (the start offset) passed to builtins.substring",
        )?;
        let len = ev.force_int(&args[1], Pos::NONE, "while evaluating the second argument (the substring length) passed to builtins.substring")?;
        let v = ev.force(&args[2])?;
        let s = ev.coerce_to_string_ctx(
            &v,
            pos,
            CoerceMode::Interpolate,
            "while evaluating the third argument (the string) passed to builtins.substring",
        )?;
        if start < 0 {
            return Err(EvalError::eval(
                "negative start position in 'substring'",
                pos,
            ));
        }
        let bytes = s.as_bytes();
        let start = (start as usize).min(bytes.len());
        let end = if len < 0 {
            bytes.len()
        } else {
            start.saturating_add(len as usize).min(bytes.len())
        };
        Ok(Value::String(NixString::with_context(
            &bytes[start..end],
            s.context().to_vec(),
        )))
    }),
    op("concatStringsSep", 2, |ev, args, pos| {
        let sep = str_arg(ev, args, 0, "concatStringsSep", pos)?;
        let l = ev.force_list(&args[1], Pos::NONE, ArgCtx(1, "concatStringsSep"))?;
        let mut sb = StringBuilder::default();
        for (i, item) in l.iter().enumerate() {
            if i > 0 {
                sb.push(&sep);
            }
            let v = ev.force(item)?;
            ev.coerce_into(
                &v,
                pos,
                CoerceMode::Interpolate,
                &mut sb,
                "while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep",
            )?;
        }
        Ok(Value::String(sb.finish()))
    }),
    op("replaceStrings", 3, |ev, args, pos| {
        let from = ev.force_list(&args[0], Pos::NONE, ArgCtx(0, "replaceStrings"))?;
        let to = ev.force_list(&args[1], Pos::NONE, ArgCtx(1, "replaceStrings"))?;
        if from.len() != to.len() {
            return Err(EvalError::eval(
                "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths",
                pos,
            ));
        }
        let mut froms = Vec::new();
        for f in from.iter() {
            froms.push(ev.force_string(
                f,
                Pos::NONE,
                "while evaluating one of the strings to replace passed to builtins.replaceStrings",
            )?);
        }
        let s = str_arg(ev, args, 2, "replaceStrings", pos)?;
        let mut tos: Vec<Option<NixString>> = vec![None; to.len()];
        let bytes = s.as_bytes();
        let mut sb = StringBuilder::default();
        sb.context.extend(s.context().iter().cloned());
        let mut i = 0;
        let mut found_empty_at_end = false;
        while i <= bytes.len() {
            let mut matched = false;
            for (k, f) in froms.iter().enumerate() {
                let fb = f.as_bytes();
                if bytes[i..].starts_with(fb) {
                    if tos[k].is_none() {
                        tos[k] = Some(ev.force_string(&to[k], Pos::NONE, "while evaluating one of the replacement strings passed to builtins.replaceStrings")?);
                    }
                    if let Some(t) = &tos[k] {
                        sb.push(t);
                    }
                    if fb.is_empty() {
                        if i < bytes.len() {
                            sb.push_bytes(&bytes[i..i + 1]);
                        } else {
                            found_empty_at_end = true;
                        }
                        i += 1;
                    } else {
                        i += fb.len();
                    }
                    matched = true;
                    break;
                }
            }
            if !matched {
                if i < bytes.len() {
                    sb.push_bytes(&bytes[i..i + 1]);
                }
                i += 1;
            }
        }
        let _ = found_empty_at_end;
        Ok(Value::String(sb.finish()))
    }),
    op("baseNameOf", 1, |ev, args, pos| {
        let s = ev.coerce_to_string_ctx(
            &args[0],
            pos,
            CoerceMode::Plain,
            "while evaluating the first argument passed to builtins.baseNameOf",
        )?;
        let b = s.as_bytes();
        let b = b.strip_suffix(b"/").unwrap_or(b);
        let base = match b.iter().rposition(|&c| c == b'/') {
            Some(i) => &b[i + 1..],
            None => b,
        };
        Ok(Value::String(NixString::with_context(
            base,
            s.context().to_vec(),
        )))
    }),
    op("dirOf", 1, |ev, args, pos| {
        let v = ev.force(&args[0])?;
        let is_path = matches!(v, Value::Path(_));
        let s = ev.coerce_to_string(&v, pos, CoerceMode::Plain)?;
        let b = s.as_bytes();
        let dir: &[u8] = match b.iter().rposition(|&c| c == b'/') {
            Some(0) => b"/",
            Some(i) => &b[..i],
            None => b".",
        };
        if is_path {
            Ok(Value::Path(NixString::new(dir)))
        } else {
            Ok(Value::String(NixString::with_context(
                dir,
                s.context().to_vec(),
            )))
        }
    }),
    op("splitVersion", 1, |ev, args, pos| {
        let s = str_arg(ev, args, 0, "splitVersion", pos)?;
        Ok(Value::list(
            version_components(&s.to_str_lossy())
                .into_iter()
                .map(Value::str)
                .collect(),
        ))
    }),
    op("compareVersions", 2, |ev, args, pos| {
        let a = str_arg(ev, args, 0, "compareVersions", pos)?;
        let b = str_arg(ev, args, 1, "compareVersions", pos)?;
        Ok(Value::Int(
            match compare_versions(&a.to_str_lossy(), &b.to_str_lossy()) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            },
        ))
    }),
    op("parseDrvName", 1, |ev, args, pos| {
        let s = str_arg(ev, args, 0, "parseDrvName", pos)?;
        let s = s.to_str_lossy();
        let b = s.as_bytes();
        let split = (0..b.len())
            .find(|&i| b[i] == b'-' && b.get(i + 1).is_some_and(|c| !c.is_ascii_alphabetic()));
        let (name, version) = match split {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (&s[..], ""),
        };
        Ok(make_attrs(vec![
            ("name", Value::str(name)),
            ("version", Value::str(version)),
        ]))
    }),
    op("hasContext", 1, |ev, args, pos| {
        let s = str_arg(ev, args, 0, "hasContext", pos)?;
        Ok(Value::bool(s.has_context()))
    }),
    op("unsafeDiscardStringContext", 1, |ev, args, pos| {
        let s = str_arg(ev, args, 0, "unsafeDiscardStringContext", pos)?;
        Ok(Value::String(NixString::new(s.as_bytes())))
    }),
    op("match", 2, |ev, args, pos| {
        let re = ev.force_string_no_ctx(&args[0], Pos::NONE, ArgCtx(0, "match"))?;
        let re = ev.regex(&re, pos)?;
        let s = str_arg(ev, args, 1, "match", pos)?;
        Ok(match re.match_whole(s.as_bytes()) {
            Some(groups) => group_list(s.as_bytes(), &groups),
            None => Value::Null,
        })
    }),
    op("split", 2, |ev, args, pos| {
        let re = ev.force_string_no_ctx(&args[0], Pos::NONE, ArgCtx(0, "split"))?;
        let re = ev.regex(&re, pos)?;
        let s = str_arg(ev, args, 1, "split", pos)?;
        let bytes = s.as_bytes();
        let matches = re.find_all(bytes);
        if matches.is_empty() {
            // C++ Nix returns the string itself, context and all.
            return Ok(Value::list(vec![Value::String(s)]));
        }
        let mut out = Vec::with_capacity(2 * matches.len() + 1);
        let mut last = 0;
        for m in &matches {
            out.push(Value::str(&bytes[last..m.span.0]));
            out.push(group_list(bytes, &m.groups));
            last = m.span.1;
        }
        out.push(Value::str(&bytes[last..]));
        Ok(Value::list(out))
    }),
];

/// The groups of a match as Nix values: strings, `null` for groups that did
/// not take part.
fn group_list(hay: &[u8], groups: &[Option<super::regex::Span>]) -> Value {
    Value::list(
        groups
            .iter()
            .map(|g| g.map_or(Value::Null, |(a, b)| Value::str(&hay[a..b])))
            .collect(),
    )
}

impl Evaluator {
    /// A POSIX extended regular expression, compiled once per evaluation.
    fn regex(&mut self, re: &NixString, pos: Pos) -> EvalResult<Rc<super::regex::Regex>> {
        if let Some(r) = self.regex_cache.get(re.as_bytes()) {
            return Ok(r.clone());
        }
        let compiled = super::regex::Regex::new(re.as_bytes()).map_err(|e| {
            let text = re.to_str_lossy();
            let msg = match e {
                super::regex::CompileError::TooBig => {
                    format!("memory limit exceeded by regular expression '{text}'")
                }
                super::regex::CompileError::Invalid => {
                    format!("invalid regular expression '{text}'")
                }
            };
            EvalError::eval(msg, pos)
        })?;
        let compiled = Rc::new(compiled);
        if self.regex_cache.len() >= super::regex::CACHE_LIMIT {
            self.regex_cache.clear();
        }
        self.regex_cache
            .insert(re.as_bytes().to_vec(), compiled.clone());
        Ok(compiled)
    }
}

/// Version components as C++ Nix splits them: runs of digits, runs of
/// other non-separator characters; `.` and `-` separate.
pub(crate) fn version_components(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.' || b[i] == b'-' {
            i += 1;
            continue;
        }
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            while i < b.len() && !b[i].is_ascii_digit() && b[i] != b'.' && b[i] != b'-' {
                i += 1;
            }
        }
        out.push(s[start..i].to_string());
    }
    out
}

fn component_less(a: &str, b: &str) -> bool {
    let an = !a.is_empty() && a.bytes().all(|c| c.is_ascii_digit());
    let bn = !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit());
    if an && bn {
        let (x, y) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        (x.len(), x) < (y.len(), y)
    } else if (a.is_empty() && bn) || (a == "pre" && b != "pre") {
        true
    } else if b == "pre" {
        false
    } else if bn {
        true
    } else if an {
        false
    } else {
        a < b
    }
}

/// `builtins.compareVersions`.
pub(crate) fn compare_versions(a: &str, b: &str) -> Ordering {
    let (ca, cb) = (version_components(a), version_components(b));
    for i in 0..ca.len().max(cb.len()) {
        let x = ca.get(i).map_or("", String::as_str);
        let y = cb.get(i).map_or("", String::as_str);
        if component_less(x, y) {
            return Ordering::Less;
        }
        if component_less(y, x) {
            return Ordering::Greater;
        }
    }
    Ordering::Equal
}
