//! The fetchers: `fetchurl`, `fetchTarball`, `fetchGit`, `fetchTree`.
//!
//! Arguments, defaults, messages and result attributes follow C++ Nix
//! (2.8, the oracle; `fetchTree { type = "file"; }` as current Nix has it).
//! The bytes come from [`EvalIO`](crate::io::EvalIO)'s fetch methods; the
//! store paths, hash checks and results are computed here, through the
//! same bridge as path imports, so they are bit-exact with C++ Nix.

use std::rc::Rc;

use tvix_store::hash::{Algorithm, Hash};
use tvix_store::nar::NarNode;

use super::{PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{CoerceMode, Evaluator};
use crate::io::{FetchedTree, GitRequest};
use crate::pos::Pos;
use crate::store;
use crate::value::{Attr, AttrSet, NixString, Symbol, Value};

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("fetchurl", 1, |ev, args, pos| {
        fetch_url(ev, &args[0], pos, "fetchurl", false)
    }),
    op("fetchTarball", 1, |ev, args, pos| {
        fetch_url(ev, &args[0], pos, "fetchTarball", true)
    }),
    op("fetchGit", 1, |ev, args, pos| {
        let input = input_attrs(ev, &args[0], pos, Some("git"))?;
        require_locked(ev, &input)?;
        fetch_git(ev, input, true)
    }),
    op("fetchTree", 1, |ev, args, pos| {
        if !ev
            .settings
            .experimental_features
            .iter()
            .any(|f| f == "flakes" || f == "fetch-tree")
        {
            return Err(EvalError::eval(
                "experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override",
                Pos::NONE,
            ));
        }
        let input = input_attrs(ev, &args[0], pos, None)?;
        if input.get("name").is_some() {
            return Err(EvalError::eval(
                "attribute 'name' isn't supported in call to 'fetchTree'",
                pos,
            ));
        }
        require_locked(ev, &input)?;
        match input.get("type") {
            Some(InputValue::Str(t)) if t == "git" => fetch_git(ev, input, false),
            Some(InputValue::Str(t)) if t == "tarball" || t == "file" => {
                let unpack = t == "tarball";
                fetch_tree_url(ev, input, unpack)
            }
            Some(InputValue::Str(t)) if t == "path" => fetch_tree_path(ev, input),
            _ => Err(EvalError::eval(
                format!("cannot fetch unsupported input '{}'", input.to_json()),
                Pos::NONE,
            )),
        }
    }),
];

/// `fetchurl` and `fetchTarball` (C++ Nix's `fetch`).
fn fetch_url(
    ev: &mut Evaluator,
    arg: &Value,
    pos: Pos,
    who: &str,
    unpack: bool,
) -> EvalResult<Value> {
    let mut url = None;
    let mut expected = None;
    let mut name = None;
    let forced = ev.force(arg)?;
    let args_are_attrs = matches!(forced, Value::Attrs(_));
    match forced {
        Value::Attrs(attrs) => {
            for attr in attrs.iter() {
                let text = |ev: &mut Evaluator| -> EvalResult<String> {
                    Ok(ev
                        .force_string_no_ctx(&attr.value, attr.pos, "")?
                        .to_str_lossy()
                        .into_owned())
                };
                match attr.name.as_str() {
                    "url" => url = Some(text(ev)?),
                    "sha256" => {
                        let t = text(ev)?;
                        expected = Some(
                            tvix_store::hash::parse_allow_empty(&t, Some(Algorithm::Sha256))
                                .map_err(|e| EvalError::eval(e.0, attr.pos))?,
                        )
                    }
                    "name" => name = Some(text(ev)?),
                    other => {
                        return Err(EvalError::eval(
                            format!("unsupported argument '{other}' to '{who}'"),
                            attr.pos,
                        ));
                    }
                }
            }
        }
        other => {
            url = Some(
                ev.force_string_no_ctx(&other, pos, "")?
                    .to_str_lossy()
                    .into_owned(),
            )
        }
    }
    let Some(url) = url else {
        return Err(EvalError::eval("'url' argument required", pos));
    };
    let url = resolve_uri(&url);
    let name_given = name.is_some();
    let name = name.unwrap_or_else(|| {
        if unpack {
            "source".into()
        } else {
            base_name(&url).into()
        }
    });
    // Before downloading anything, as current C++ Nix does.
    if let Err(e) = tvix_store::store_path::check_name(&name) {
        let resolution = if name_given {
            format!(
                "Please change the value for the 'name' attribute passed to '{who}', so that it can create a valid store path."
            )
        } else if args_are_attrs {
            format!(
                "Please add a valid 'name' attribute to the argument for '{who}', so that it can create a valid store path."
            )
        } else {
            // Two spaces, as C++ Nix prints it.
            format!(
                "Please pass an attribute set with 'url' and 'name' attributes to '{who}',  so that it can create a valid store path."
            )
        };
        return Err(EvalError::eval(
            format!(
                "invalid store path name when fetching URL '{url}': {}. {resolution}",
                e.0
            ),
            Pos::NONE,
        ));
    }
    if ev.settings.pure_eval && expected.is_none() {
        return Err(EvalError::eval(
            format!("in pure evaluation mode, '{who}' requires a 'sha256' argument"),
            Pos::NONE,
        ));
    }
    let io = ev.io.clone();
    let failed = |e: std::io::Error| EvalError::eval(e.to_string(), Pos::NONE);
    let path = if unpack {
        let tree = io.fetch_tarball(&url).map_err(failed)?;
        let hash = store::hash("sha256", &tree.nar).unwrap_or_default();
        check_hash(&url, expected.as_ref(), &hash)?;
        store::add_source(io.as_ref(), &name, tree.nar).map_err(failed)?
    } else {
        let bytes = io.fetch_url(&url).map_err(failed)?;
        let hash = store::hash("sha256", &bytes).unwrap_or_default();
        check_hash(&url, expected.as_ref(), &hash)?;
        let nar = NarNode::Regular {
            executable: false,
            contents: bytes.clone(),
        }
        .to_nar();
        store::add_flat_source(io.as_ref(), &name, &bytes, nar).map_err(failed)?
    };
    Ok(store_path_value(ev, &path))
}

/// `channel:NAME` means a channel tarball on nixos.org, as in C++ Nix.
fn resolve_uri(url: &str) -> String {
    match url.strip_prefix("channel:") {
        Some(channel) => format!("https://nixos.org/channels/{channel}/nixexprs.tar.xz"),
        None => url.to_owned(),
    }
}

/// C++ Nix's `baseNameOf`: the last component, ignoring one trailing `/`.
fn base_name(url: &str) -> &str {
    let trimmed = url.strip_suffix('/').unwrap_or(url);
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

fn check_hash(url: &str, expected: Option<&Hash>, got: &[u8]) -> EvalResult<()> {
    match expected {
        Some(e) if e.digest != got => Err(EvalError::eval(
            format!(
                "hash mismatch in file downloaded from '{url}':\n  specified: sha256:{}\n  got:       sha256:{}",
                e.to_nix32(),
                store::nixbase32(got)
            ),
            Pos::NONE,
        )),
        _ => Ok(()),
    }
}

/// In pure evaluation, an input must pin its contents: a Git revision,
/// or the NAR hash of anything else (C++ Nix 2.8's `isLocked`).
fn require_locked(ev: &Evaluator, input: &Input) -> EvalResult<()> {
    if !ev.settings.pure_eval {
        return Ok(());
    }
    let pos = ev.primop_call_pos;
    let is_git = matches!(input.get("type"), Some(InputValue::Str(t)) if t == "git");
    let locked = if is_git {
        input.get("rev").is_some()
    } else {
        input.get("narHash").is_some()
    };
    if locked {
        return Ok(());
    }
    // C++ Nix 2.8 prints the position as `file:line:col`, `(string)` for
    // an expression given on the command line.
    let at = match (ev.sources.get(pos.file), ev.sources.line_col(pos)) {
        (Some(source), Some((line, col))) => {
            let name = if source.name.starts_with('«') {
                "(string)"
            } else {
                source.name.as_str()
            };
            format!("{name}:{line}:{col}")
        }
        _ => "undefined position".to_owned(),
    };
    Err(EvalError::eval(
        format!("in pure evaluation mode, 'fetchTree' requires a locked input, at {at}"),
        Pos::NONE,
    ))
}

/// A string holding a store path, with the path as its context; pure
/// evaluation may read inside it from now on.
fn store_path_value(ev: &mut Evaluator, path: &str) -> Value {
    ev.allowed_paths.push(path.to_owned());
    Value::String(NixString::with_context(
        path.as_bytes(),
        vec![Rc::from(path)],
    ))
}

/// One attribute of a fetcher input, after C++ Nix's conversion.
#[derive(Clone, Debug, PartialEq)]
enum InputValue {
    Str(String),
    Bool(bool),
    Int(u64),
}

/// A fetcher input's attributes (C++ Nix's `fetchers::Attrs`), sorted.
#[derive(Debug, Default)]
struct Input(Vec<(String, InputValue)>);

impl Input {
    fn get(&self, name: &str) -> Option<&InputValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    fn set(&mut self, name: &str, value: InputValue) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => {
                self.0.push((name.to_owned(), value));
                self.0.sort_by(|a, b| a.0.cmp(&b.0));
            }
        }
    }

    fn str(&self, name: &str) -> EvalResult<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(InputValue::Str(s)) => Ok(Some(s.clone())),
            Some(_) => Err(EvalError::eval(
                format!("input attribute '{name}' is not a string"),
                Pos::NONE,
            )),
        }
    }

    fn required_str(&self, name: &str) -> EvalResult<String> {
        self.str(name)?.ok_or_else(|| {
            EvalError::eval(format!("input attribute '{name}' is missing"), Pos::NONE)
        })
    }

    fn bool(&self, name: &str) -> EvalResult<bool> {
        match self.get(name) {
            None => Ok(false),
            Some(InputValue::Bool(b)) => Ok(*b),
            Some(_) => Err(EvalError::eval(
                format!("input attribute '{name}' is not a Boolean"),
                Pos::NONE,
            )),
        }
    }

    /// Rejects attributes a scheme does not know, with C++ Nix's message.
    fn only(&self, scheme: &str, allowed: &[&str]) -> EvalResult<()> {
        match self.0.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
            Some((name, _)) => Err(EvalError::eval(
                format!("unsupported {scheme} input attribute '{name}'"),
                Pos::NONE,
            )),
            None => Ok(()),
        }
    }

    /// The input as a URL, as C++ Nix's `Input::to_string` shows it: a
    /// git input's `ref` and `rev`, a tarball's or path's `narHash`, as
    /// query parameters.
    fn to_url(&self) -> EvalResult<String> {
        let ty = self.str("type")?.unwrap_or_default();
        let (base, keys): (String, &[&str]) = match ty.as_str() {
            "git" => (
                format!("git+{}", self.required_str("url")?),
                &["ref", "rev"],
            ),
            "path" => (format!("path:{}", self.required_str("path")?), &["narHash"]),
            _ => (self.required_str("url")?, &["narHash"]),
        };
        let query: Vec<String> = keys
            .iter()
            .filter_map(|k| Some(format!("{k}={}", self.str(k).ok()??)))
            .collect();
        Ok(if query.is_empty() {
            base
        } else {
            format!("{base}?{}", query.join("&"))
        })
    }

    /// The JSON C++ Nix shows for an unsupported input.
    fn to_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(n, v)| {
                let v = match v {
                    InputValue::Str(s) => serde_json::Value::from(s.as_str()),
                    InputValue::Bool(b) => serde_json::Value::from(*b),
                    InputValue::Int(i) => serde_json::Value::from(*i),
                };
                (n.clone(), v)
            })
            .collect();
        serde_json::Value::Object(map).to_string()
    }
}

/// The input of `fetchTree`/`fetchGit` (C++ Nix's `fetchTree` argument
/// handling); `fixed_type` is `git` for `fetchGit`.
fn input_attrs(
    ev: &mut Evaluator,
    arg: &Value,
    pos: Pos,
    fixed_type: Option<&str>,
) -> EvalResult<Input> {
    let mut input = Input::default();
    match ev.force(arg)? {
        Value::Attrs(attrs) => {
            let ty = match (attrs.get("type"), fixed_type) {
                (Some(_), Some(_)) => {
                    return Err(EvalError::eval("unexpected attribute 'type'", Pos::NONE));
                }
                (Some(t), None) => ev
                    .force_string_no_ctx(&t.value, t.pos, "")?
                    .to_str_lossy()
                    .into_owned(),
                (None, Some(t)) => t.to_owned(),
                (None, None) => {
                    return Err(EvalError::eval(
                        "attribute 'type' is missing in call to 'fetchTree'",
                        pos,
                    ));
                }
            };
            input.set("type", InputValue::Str(ty.clone()));
            for attr in attrs.iter().filter(|a| a.name.as_str() != "type") {
                let name = attr.name.as_str();
                let value = match ev.force(&attr.value)? {
                    v @ (Value::String(_) | Value::Path(_)) => {
                        let s = ev.coerce_to_string(&v, attr.pos, CoerceMode::Plain)?;
                        let s = s.to_str_lossy().into_owned();
                        InputValue::Str(if name == "url" {
                            fix_uri(&s, ty == "git")
                        } else {
                            s
                        })
                    }
                    Value::Bool(b) => InputValue::Bool(b.get()),
                    Value::Int(i) if i < 0 => {
                        return Err(EvalError::eval(
                            format!("negative value given for 'fetchTree' argument '{name}': {i}"),
                            Pos::NONE,
                        ));
                    }
                    Value::Int(i) => InputValue::Int(i as u64),
                    other => {
                        return Err(EvalError::eval(
                            format!(
                                "fetchTree argument '{name}' is {} while a string, Boolean or integer is expected",
                                other.show_type()
                            ),
                            Pos::NONE,
                        ));
                    }
                };
                input.set(name, value);
            }
        }
        other => {
            let url = ev.coerce_to_string(&other, pos, CoerceMode::Plain)?;
            let url = url.to_str_lossy().into_owned();
            match fixed_type {
                Some(ty) => {
                    input.set("type", InputValue::Str(ty.to_owned()));
                    input.set("url", InputValue::Str(fix_uri(&url, true)));
                }
                // `file:./x` is a relative `file:` URL, refused as current
                // C++ Nix refuses it (2.8 made it `file://file:./x`).
                None if url.starts_with("file:") => input = input_from_url(&url)?,
                None => input = input_from_url(&fix_uri(&url, false))?,
            }
        }
    }
    Ok(input)
}

/// C++ Nix's `fixURI`/`fixURIForGit`: a plain path is a `file://` URL,
/// `user@host:path` an `ssh://` one.
fn fix_uri(uri: &str, git: bool) -> String {
    if uri.contains("://") {
        return uri.to_owned();
    }
    if git
        && !uri.starts_with('/')
        && let Some((user, rest)) = uri.split_once('@')
        && !user.contains('/')
        && let Some((host, path)) = rest.rsplit_once(':')
    {
        return format!("ssh://{user}@{host}/{path}");
    }
    format!("file://{uri}")
}

/// C++ Nix's `Input::fromURL` for the schemes tvix fetches: `git+…`
/// (with `ref`, `rev`, … as query parameters) and tarball URLs.
fn input_from_url(url: &str) -> EvalResult<Input> {
    let mut input = Input::default();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if let Some(rest) = base.strip_prefix("git+") {
        input.set("type", InputValue::Str("git".into()));
        input.set("url", InputValue::Str(rest.to_owned()));
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let value = match k {
                "shallow" | "submodules" | "allRefs" => InputValue::Bool(v == "1"),
                _ => InputValue::Str(v.to_owned()),
            };
            input.set(k, value);
        }
        return Ok(input);
    }
    let tarball = [
        ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst",
    ]
    .iter()
    .any(|ext| base.ends_with(ext));
    // `file:` without `//`: a path, which must be absolute.
    if let Some(path) = base.strip_prefix("file:")
        && !path.starts_with('/')
    {
        let kind = if tarball { "tarball" } else { "file" };
        return Err(EvalError::eval(
            format!(
                "{kind} '{url}' must use an absolute path. The 'file' scheme does not support relative paths."
            ),
            Pos::NONE,
        ))
        .map_err(crate::eval::frame_with(
            || format!("while fetching the input '{url}'"),
            Pos::NONE,
        ));
    }
    let scheme_ok = ["file://", "http://", "https://"]
        .iter()
        .any(|s| base.starts_with(s));
    if tarball && scheme_ok {
        input.set("type", InputValue::Str("tarball".into()));
        input.set("url", InputValue::Str(url.to_owned()));
        return Ok(input);
    }
    Err(EvalError::eval(
        format!("input '{url}' is unsupported"),
        Pos::NONE,
    ))
}

/// `fetchGit` (`empty_rev_fallback`) and `fetchTree { type = "git"; }`.
fn fetch_git(ev: &mut Evaluator, input: Input, empty_rev_fallback: bool) -> EvalResult<Value> {
    input.only(
        "Git",
        &[
            "type",
            "url",
            "ref",
            "rev",
            "shallow",
            "submodules",
            "lastModified",
            "revCount",
            "narHash",
            "allRefs",
            "name",
        ],
    )?;
    let url = input.required_str("url")?;
    let rev = input.str("rev")?;
    if let Some(rev) = &rev {
        Hash::parse_any(rev, Some(Algorithm::Sha1)).map_err(|e| EvalError::eval(e.0, Pos::NONE))?;
    }
    let git_ref = input.str("ref")?;
    if let Some(r) = &git_ref
        && !valid_git_ref(r)
    {
        return Err(EvalError::eval(
            format!("invalid Git branch/tag name '{r}'"),
            Pos::NONE,
        ));
    }
    let request = GitRequest {
        url: url.clone(),
        git_ref,
        rev,
        submodules: input.bool("submodules")?,
        shallow: input.bool("shallow")?,
        all_refs: input.bool("allRefs")?,
    };
    let name = input.str("name")?.unwrap_or_else(|| "source".into());
    let io = ev.io.clone();
    let checkout = io
        .fetch_git(&request)
        .map_err(|e| EvalError::eval(e.to_string(), Pos::NONE))?;
    let nar_hash = Hash::of(Algorithm::Sha256, &checkout.nar);
    let path = store::add_source(io.as_ref(), &name, checkout.nar)
        .map_err(|e| EvalError::eval(e.to_string(), Pos::NONE))?;
    check_nar_hash(&input, &path, &nar_hash)?;
    let mut attrs = vec![
        attr("narHash", Value::str(nar_hash.to_sri())),
        attr("outPath", store_path_value(ev, &path)),
        attr("submodules", Value::bool(request.submodules)),
    ];
    match &checkout.rev {
        Some(rev) => {
            attrs.push(attr("rev", Value::str(rev)));
            attrs.push(attr("shortRev", Value::str(&rev[..7.min(rev.len())])));
        }
        None if empty_rev_fallback => {
            attrs.push(attr("rev", Value::str("0".repeat(40))));
            attrs.push(attr("shortRev", Value::str("0".repeat(7))));
        }
        None => {}
    }
    match checkout.rev_count {
        Some(n) => attrs.push(attr("revCount", Value::Int(n as i64))),
        None if empty_rev_fallback => attrs.push(attr("revCount", Value::Int(0))),
        None => {}
    }
    push_last_modified(&mut attrs, checkout.last_modified);
    Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(attrs))))
}

/// `fetchTree { type = "tarball" | "file"; url; }`.
fn fetch_tree_url(ev: &mut Evaluator, input: Input, unpack: bool) -> EvalResult<Value> {
    let scheme = if unpack { "tarball" } else { "file" };
    input.only(scheme, &["type", "url", "narHash", "name"])?;
    let url = input.required_str("url")?;
    let io = ev.io.clone();
    let failed = |e: std::io::Error| EvalError::eval(e.to_string(), Pos::NONE);
    let (nar, path) = if unpack {
        let FetchedTree { nar, .. } = io.fetch_tarball(&url).map_err(failed)?;
        let path = store::add_source(io.as_ref(), "source", nar.clone()).map_err(failed)?;
        (nar, path)
    } else {
        let bytes = io.fetch_url(&url).map_err(failed)?;
        let nar = NarNode::Regular {
            executable: false,
            contents: bytes.clone(),
        }
        .to_nar();
        let path =
            store::add_flat_source(io.as_ref(), "source", &bytes, nar.clone()).map_err(failed)?;
        (nar, path)
    };
    let nar_hash = Hash::of(Algorithm::Sha256, &nar);
    check_nar_hash(&input, &path, &nar_hash)?;
    Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(vec![
        attr("narHash", Value::str(nar_hash.to_sri())),
        attr("outPath", store_path_value(ev, &path)),
    ]))))
}

/// `fetchTree { type = "path"; path; }`.
fn fetch_tree_path(ev: &mut Evaluator, input: Input) -> EvalResult<Value> {
    input.only(
        "path",
        &["type", "path", "narHash", "rev", "revCount", "lastModified"],
    )?;
    let path = input.required_str("path")?;
    let io = ev.io.clone();
    let failed = |e: std::io::Error| EvalError::eval(e.to_string(), Pos::NONE);
    let tree = io.fetch_path(&path).map_err(failed)?;
    let nar_hash = Hash::of(Algorithm::Sha256, &tree.nar);
    let stored = store::add_source(io.as_ref(), "source", tree.nar).map_err(failed)?;
    check_nar_hash(&input, &stored, &nar_hash)?;
    let mut attrs = vec![
        attr("narHash", Value::str(nar_hash.to_sri())),
        attr("outPath", store_path_value(ev, &stored)),
    ];
    if let Some(t) = tree.last_modified {
        push_last_modified(&mut attrs, t);
    }
    Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(attrs))))
}

/// A given `narHash` must match what was fetched (to `path`).
fn check_nar_hash(input: &Input, path: &str, got: &Hash) -> EvalResult<()> {
    let Some(expected) = input.str("narHash")? else {
        return Ok(());
    };
    let expected = Hash::parse_any(&expected, Some(Algorithm::Sha256))
        .map_err(|e| EvalError::eval(e.0, Pos::NONE))?;
    if expected.digest != got.digest {
        return Err(EvalError::eval(
            format!(
                "NAR hash mismatch in input '{}' ({path}), expected '{}', got '{}'",
                input.to_url()?,
                expected.to_sri(),
                got.to_sri()
            ),
            Pos::NONE,
        ));
    }
    Ok(())
}

/// Git's rules for branch and tag names, as far as C++ Nix checks them.
fn valid_git_ref(r: &str) -> bool {
    !(r.is_empty()
        || r.starts_with('-')
        || r.starts_with('/')
        || r.ends_with('/')
        || r.ends_with('.')
        || r.ends_with(".lock")
        || r.contains("..")
        || r.contains("@{")
        || r.contains("//")
        || r.contains("/.")
        || r.bytes()
            .any(|b| b < 0x20 || b == 0x7f || b" ~^:?*[\\".contains(&b)))
}

fn push_last_modified(attrs: &mut Vec<Attr>, secs: u64) {
    attrs.push(attr("lastModified", Value::Int(secs as i64)));
    attrs.push(attr("lastModifiedDate", Value::str(utc_timestamp(secs))));
}

/// `%Y%m%d%H%M%S` in UTC (Howard Hinnant's days-to-civil algorithm).
fn utc_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn attr(name: &str, value: Value) -> Attr {
    Attr {
        name: Symbol::new(name),
        value,
        pos: Pos::NONE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(utc_timestamp(1_614_920_767), "20210305050607");
        assert_eq!(utc_timestamp(0), "19700101000000");
        assert_eq!(utc_timestamp(951_782_400), "20000229000000");
    }

    #[test]
    fn uris_are_fixed_as_cpp_nix_fixes_them() {
        assert_eq!(fix_uri("/tmp/r", true), "file:///tmp/r");
        assert_eq!(
            fix_uri("git@github.com:NixOS/nix", true),
            "ssh://git@github.com/NixOS/nix"
        );
        assert_eq!(fix_uri("https://x/y", true), "https://x/y");
        assert_eq!(base_name("file:///a/b.txt"), "b.txt");
        assert_eq!(base_name("https://h/dir/"), "dir");
    }

    #[test]
    fn git_ref_names() {
        assert!(valid_git_ref("main"));
        assert!(valid_git_ref("release/1.0"));
        assert!(!valid_git_ref("a..b"));
        assert!(!valid_git_ref("x.lock"));
        assert!(!valid_git_ref("-x"));
    }
}
