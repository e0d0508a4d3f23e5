//! `builtins.parseFlakeRef` and `builtins.flakeRefToString`: flake
//! references between their URL form and their attribute-set form, without
//! fetching anything.
//!
//! Handled forms, as C++ Nix writes and reads them:
//!
//! - `github:`, `gitlab:`, `sourcehut:` `owner/repo[/ref-or-rev]`;
//! - indirect: `[flake:]id[/ref][/rev]`;
//! - `path:/abs` and absolute paths (no search for an enclosing flake: that
//!   needs the file system, and pure evaluation has no base directory);
//! - `git+…` and `hg+…` URLs (`git`/`mercurial`);
//! - `tarball+…`, `file+…` and plain `http(s)://`/`file://` URLs
//!   (`tarball` when the name ends like an archive, else `file`).
//!
//! Query parameters become attributes (`dir` included); `revCount` and
//! `lastModified` are integers and git's flags Booleans. In the URL form,
//! the remaining attributes are the query, sorted by name.

use super::{ArgCtx, PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, Symbol, Value};
use std::rc::Rc;

/// One attribute of a flake reference.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Str(String),
    Int(u64),
    Bool(bool),
}

type Attrs = std::collections::BTreeMap<String, Field>;

fn err(msg: String) -> Box<EvalError> {
    EvalError::eval(msg, Pos::NONE)
}

const INT_ATTRS: &[&str] = &["revCount", "lastModified"];
const BOOL_ATTRS: &[&str] = &[
    "shallow",
    "submodules",
    "lfs",
    "allRefs",
    "exportIgnore",
    "verifyCommit",
];
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst",
];

fn is_rev(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|c| c.is_ascii_hexdigit())
}

fn is_flake_id(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::new();
    for c in s.bytes() {
        if c.is_ascii_alphanumeric() || b"-._~".contains(&c) || keep.contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Adds query parameters to `attrs`, typed by name.
fn add_query(attrs: &mut Attrs, query: &str, whole: &str) -> EvalResult<()> {
    for kv in query.split('&').filter(|kv| !kv.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let (k, v) = (percent_decode(k), percent_decode(v));
        let value = if INT_ATTRS.contains(&k.as_str()) {
            Field::Int(v.parse().map_err(|_| {
                err(format!(
                    "invalid integer '{v}' for attribute '{k}' in flake reference '{whole}'"
                ))
            })?)
        } else if BOOL_ATTRS.contains(&k.as_str()) {
            Field::Bool(v == "1" || v == "true")
        } else {
            Field::Str(v)
        };
        attrs.insert(k, value);
    }
    Ok(())
}

/// `parseFlakeRef`'s attributes.
fn parse(s: &str) -> EvalResult<Attrs> {
    let (rest, fragment) = match s.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (s, None),
    };
    if let Some(f) = fragment {
        return Err(err(format!(
            "unexpected fragment '{f}' in flake reference '{s}'"
        )));
    }
    let (body, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut attrs = Attrs::new();
    let s_ = |v: &str| Field::Str(v.to_string());
    let bad = || err(format!("'{s}' is not a valid flake reference"));

    if let Some(path) = body
        .strip_prefix("path:")
        .or(body.starts_with('/').then_some(body))
    {
        attrs.insert("type".into(), s_("path"));
        attrs.insert("path".into(), Field::Str(percent_decode(path)));
        add_query(&mut attrs, query, s)?;
        return Ok(attrs);
    }
    if body.starts_with('.') {
        return Err(err(format!(
            "cannot parse relative path flake reference '{s}' without a base directory"
        )));
    }
    let (scheme, tail) = match body.split_once(':') {
        Some((sch, t)) if !sch.is_empty() && !sch.contains('/') => (Some(sch), t),
        _ => (None, body),
    };
    match scheme {
        None | Some("flake") => {
            let parts: Vec<&str> = tail.split('/').collect();
            let (id, ref_, rev) = match parts.as_slice() {
                [id] => (*id, None, None),
                [id, r] if is_rev(r) => (*id, None, Some(*r)),
                [id, r] => (*id, Some(*r), None),
                [id, r, v] if is_rev(v) => (*id, Some(*r), Some(*v)),
                _ => return Err(bad()),
            };
            if !is_flake_id(id) {
                return Err(bad());
            }
            attrs.insert("type".into(), s_("indirect"));
            attrs.insert("id".into(), s_(id));
            if let Some(r) = ref_ {
                attrs.insert("ref".into(), s_(r));
            }
            if let Some(r) = rev {
                attrs.insert("rev".into(), s_(r));
            }
            add_query(&mut attrs, query, s)?;
        }
        Some(t @ ("github" | "gitlab" | "sourcehut")) => {
            let parts: Vec<&str> = tail.split('/').map(|p| p.trim()).collect();
            let (owner, repo, ref_or_rev) = match parts.as_slice() {
                [o, r] => (*o, *r, None),
                [o, r, rest @ ..] if !rest.is_empty() => (*o, *r, Some(rest.join("/"))),
                _ => {
                    return Err(err(format!(
                        "URL '{body}' is invalid: must have owner and repo path components"
                    )));
                }
            };
            if owner.is_empty() || repo.is_empty() {
                return Err(bad());
            }
            attrs.insert("type".into(), s_(t));
            attrs.insert("owner".into(), Field::Str(percent_decode(owner)));
            attrs.insert("repo".into(), Field::Str(percent_decode(repo)));
            add_query(&mut attrs, query, s)?;
            if let Some(r) = ref_or_rev {
                if attrs.contains_key("ref") || attrs.contains_key("rev") {
                    return Err(err(format!(
                        "URL '{body}' already contains a ref or Git hash"
                    )));
                }
                let key = if is_rev(&r) { "rev" } else { "ref" };
                attrs.insert(key.into(), Field::Str(percent_decode(&r)));
            }
        }
        Some(sch) => {
            let (ty, url) = if let Some(inner) = sch.strip_prefix("git+") {
                ("git", format!("{inner}:{tail}"))
            } else if let Some(inner) = sch.strip_prefix("hg+") {
                ("mercurial", format!("{inner}:{tail}"))
            } else if let Some(inner) = sch.strip_prefix("tarball+") {
                ("tarball", format!("{inner}:{tail}"))
            } else if let Some(inner) = sch.strip_prefix("file+") {
                ("file", format!("{inner}:{tail}"))
            } else if matches!(sch, "http" | "https" | "file") {
                let archive = ARCHIVE_EXTENSIONS.iter().any(|e| body.ends_with(e));
                (if archive { "tarball" } else { "file" }, body.to_string())
            } else {
                return Err(err(format!("input '{s}' is unsupported")));
            };
            attrs.insert("type".into(), s_(ty));
            // Parameters Nix knows stay attributes; the others stay in the URL.
            let mut kept = Vec::new();
            let mut known = String::new();
            for kv in query.split('&').filter(|kv| !kv.is_empty()) {
                let k = kv.split_once('=').map_or(kv, |(k, _)| k);
                let is_known = matches!(k, "ref" | "rev" | "dir" | "narHash")
                    || INT_ATTRS.contains(&k)
                    || BOOL_ATTRS.contains(&k);
                if is_known {
                    known.push_str(kv);
                    known.push('&');
                } else {
                    kept.push(kv);
                }
            }
            let url = if kept.is_empty() {
                url
            } else {
                format!("{url}?{}", kept.join("&"))
            };
            attrs.insert("url".into(), Field::Str(url));
            add_query(&mut attrs, &known, s)?;
        }
    }
    Ok(attrs)
}

fn query_string(attrs: &Attrs, skip: &[&str]) -> String {
    let parts: Vec<String> = attrs
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| {
            let v = match v {
                Field::Str(s) => percent_encode(s, b"/:@"),
                Field::Int(i) => i.to_string(),
                Field::Bool(b) => (if *b { "1" } else { "0" }).to_string(),
            };
            format!("{}={v}", percent_encode(k, b""))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn get_str<'a>(attrs: &'a Attrs, name: &str, ty: &str) -> EvalResult<&'a str> {
    match attrs.get(name) {
        Some(Field::Str(s)) => Ok(s),
        Some(_) => Err(err(format!(
            "attribute '{name}' of input of type '{ty}' must be a string"
        ))),
        None => Err(err(format!(
            "attribute '{name}' is missing in input of type '{ty}'"
        ))),
    }
}

/// `flakeRefToString`'s URL.
fn to_string(attrs: &Attrs) -> EvalResult<String> {
    let ty = match attrs.get("type") {
        Some(Field::Str(t)) => t.as_str(),
        _ => return Err(err("attribute 'type' is missing in input attrs".into())),
    };
    let opt = |n: &str| match attrs.get(n) {
        Some(Field::Str(s)) => Some(s.as_str()),
        _ => None,
    };
    Ok(match ty {
        "github" | "gitlab" | "sourcehut" => {
            let owner = get_str(attrs, "owner", ty)?;
            let repo = get_str(attrs, "repo", ty)?;
            let mut path = format!(
                "{ty}:{}/{}",
                percent_encode(owner, b""),
                percent_encode(repo, b"")
            );
            if let Some(r) = opt("rev").or(opt("ref")) {
                path.push('/');
                path.push_str(&percent_encode(r, b"/"));
            }
            path + &query_string(attrs, &["type", "owner", "repo", "ref", "rev"])
        }
        "indirect" => {
            let mut path = format!("flake:{}", get_str(attrs, "id", ty)?);
            for k in ["ref", "rev"] {
                if let Some(v) = opt(k) {
                    path.push('/');
                    path.push_str(v);
                }
            }
            path + &query_string(attrs, &["type", "id", "ref", "rev"])
        }
        "path" => {
            let path = get_str(attrs, "path", ty)?;
            format!("path:{}", percent_encode(path, b"/:@+"))
                + &query_string(attrs, &["type", "path"])
        }
        "git" | "mercurial" | "tarball" | "file" => {
            let url = get_str(attrs, "url", ty)?;
            let prefix = match ty {
                "git" if !url.starts_with("git:") && !url.starts_with("git+") => "git+",
                "mercurial" => "hg+",
                "tarball" if !ARCHIVE_EXTENSIONS.iter().any(|e| url.ends_with(e)) => "tarball+",
                "file" if ARCHIVE_EXTENSIONS.iter().any(|e| url.ends_with(e)) => "file+",
                _ => "",
            };
            let q = query_string(attrs, &["type", "url"]);
            let q = if url.contains('?') && !q.is_empty() {
                q.replacen('?', "&", 1)
            } else {
                q
            };
            format!("{prefix}{url}{q}")
        }
        other => return Err(err(format!("unsupported input type '{other}'"))),
    })
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("parseFlakeRef", 1, |ev, args, _pos| {
        let s = ev.force_string_no_ctx(&args[0], Pos::NONE, ArgCtx(0, "parseFlakeRef"))?;
        let attrs = parse(&s.to_str_lossy())?;
        Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(
            attrs
                .into_iter()
                .map(|(k, v)| Attr {
                    name: Symbol::new(&k),
                    value: match v {
                        Field::Str(s) => Value::str(s),
                        Field::Int(i) => Value::Int(i as i64),
                        Field::Bool(b) => Value::bool(b),
                    },
                    pos: Pos::NONE,
                })
                .collect(),
        ))))
    }),
    op("flakeRefToString", 1, |ev, args, _pos| {
        let set = ev.force_attrs(&args[0], Pos::NONE, ArgCtx(0, "flakeRefToString"))?;
        let mut attrs = Attrs::new();
        for a in set.iter() {
            let v = ev.force(&a.value)?;
            let name = a.name.as_str().to_string();
            let v = match v {
                Value::Int(i) if i < 0 => {
                    return Err(err(format!(
                        "negative value given for flake ref attr {name}: {i}"
                    )));
                }
                Value::Int(i) => Field::Int(i as u64),
                Value::Bool(b) => Field::Bool(b.get()),
                Value::String(s) => Field::Str(s.to_str_lossy().into_owned()),
                other => {
                    return Err(err(format!(
                        "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '{name}' is {}",
                        other.show_type()
                    )));
                }
            };
            attrs.insert(name, v);
        }
        Ok(Value::str(to_string(&attrs)?))
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(s: &str) -> String {
        to_string(&parse(s).unwrap()).unwrap()
    }

    #[test]
    fn github_with_dir() {
        let a = parse("github:NixOS/nixpkgs/23.05?dir=lib").unwrap();
        assert_eq!(a.get("ref"), Some(&Field::Str("23.05".into())));
        assert_eq!(a.get("dir"), Some(&Field::Str("lib".into())));
        assert_eq!(
            roundtrip("github:NixOS/nixpkgs/23.05?dir=lib"),
            "github:NixOS/nixpkgs/23.05?dir=lib"
        );
    }

    #[test]
    fn other_forms() {
        assert_eq!(roundtrip("nixpkgs"), "flake:nixpkgs");
        assert_eq!(
            roundtrip("flake:nixpkgs/nixos-23.05"),
            "flake:nixpkgs/nixos-23.05"
        );
        assert_eq!(roundtrip("/foo/bar"), "path:/foo/bar");
        assert_eq!(
            roundtrip("git+https://example.org/r.git?ref=main"),
            "git+https://example.org/r.git?ref=main"
        );
        assert_eq!(
            roundtrip("https://example.org/x.tar.gz"),
            "https://example.org/x.tar.gz"
        );
        let rev = "a".repeat(40);
        let a = parse(&format!("github:o/r/{rev}")).unwrap();
        assert_eq!(a.get("rev"), Some(&Field::Str(rev)));
        assert!(parse("github:o").is_err());
        assert!(parse("nixpkgs#x").is_err());
    }
}
