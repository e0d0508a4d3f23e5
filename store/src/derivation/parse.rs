//! Reading a `.drv` file's ATerm back into a [`Derivation`]. Only the
//! exact form [`Derivation::to_aterm`] prints is accepted (C++ Nix's
//! `parseDerivation` grammar), and every error names the byte offset.

use std::collections::{BTreeMap, BTreeSet};

use super::{Derivation, Output};

/// Why bytes are not a derivation, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the problem in the input.
    pub offset: usize,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid derivation at byte {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for ParseError {}

type Result<T> = std::result::Result<T, ParseError>;

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn fail<T>(&self, message: impl Into<String>) -> Result<T> {
        Err(ParseError {
            offset: self.pos,
            message: message.into(),
        })
    }

    fn expect(&mut self, token: &str) -> Result<()> {
        if self.input[self.pos..].starts_with(token.as_bytes()) {
            self.pos += token.len();
            Ok(())
        } else {
            let found = match self.input.get(self.pos) {
                Some(&b) => format!("'{}'", b.escape_ascii()),
                None => "end of input".to_string(),
            };
            self.fail(format!("expected '{token}', found {found}"))
        }
    }

    fn peek_is(&self, b: u8) -> bool {
        self.input.get(self.pos) == Some(&b)
    }

    /// A quoted string with C++ Nix's escapes (`\n`, `\r`, `\t`, and `\x`
    /// for any other `x`).
    fn string(&mut self) -> Result<Vec<u8>> {
        self.expect("\"")?;
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.input.get(self.pos) else {
                return self.fail("unterminated string");
            };
            self.pos += 1;
            match b {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = self.input.get(self.pos) else {
                        return self.fail("unterminated string");
                    };
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        other => other,
                    });
                }
                _ => out.push(b),
            }
        }
    }

    /// A string that must be valid UTF-8 (names, paths).
    fn text(&mut self) -> Result<String> {
        let start = self.pos;
        let bytes = self.string()?;
        String::from_utf8(bytes).map_err(|_| ParseError {
            offset: start,
            message: "string is not valid UTF-8".into(),
        })
    }

    /// A string that must be an absolute path.
    fn path(&mut self) -> Result<String> {
        let start = self.pos;
        let s = self.text()?;
        if !s.starts_with('/') {
            return Err(ParseError {
                offset: start,
                message: format!("bad path '{s}' in derivation"),
            });
        }
        Ok(s)
    }

    /// `[item,item,…]`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        self.expect("[")?;
        let mut out = Vec::new();
        if self.peek_is(b']') {
            self.pos += 1;
            return Ok(out);
        }
        loop {
            out.push(item(self)?);
            if self.peek_is(b']') {
                self.pos += 1;
                return Ok(out);
            }
            self.expect(",")?;
        }
    }

    /// Items must be strictly increasing, as C++ Nix prints them; a
    /// duplicate or unsorted key is an error at its position.
    fn check_sorted<K: Ord + std::fmt::Debug>(
        &self,
        prev: Option<&K>,
        key: &K,
        at: usize,
    ) -> Result<()> {
        if prev.is_some_and(|p| p >= key) {
            return Err(ParseError {
                offset: at,
                message: format!("{key:?} is duplicated or out of order"),
            });
        }
        Ok(())
    }
}

impl Derivation {
    /// Parses the contents of a `.drv` file.
    pub fn from_aterm(input: &[u8]) -> std::result::Result<Derivation, ParseError> {
        let mut p = Parser { input, pos: 0 };
        let mut drv = Derivation::default();
        p.expect("Derive(")?;

        let outputs = p.list(|p| {
            let at = p.pos;
            p.expect("(")?;
            let name = p.text()?;
            p.expect(",")?;
            let path = p.text()?;
            p.expect(",")?;
            let hash_algo = p.text()?;
            p.expect(",")?;
            let hash = p.text()?;
            p.expect(")")?;
            Ok((
                at,
                name,
                Output {
                    path,
                    hash_algo,
                    hash,
                },
            ))
        })?;
        for (at, name, o) in outputs {
            p.check_sorted(drv.outputs.keys().next_back(), &name, at)?;
            drv.outputs.insert(name, o);
        }
        p.expect(",")?;

        let inputs = p.list(|p| {
            let at = p.pos;
            p.expect("(")?;
            let path = p.path()?;
            p.expect(",")?;
            let outs_at = p.pos;
            let outs = p.list(|p| p.text())?;
            p.expect(")")?;
            let mut set = BTreeSet::new();
            for o in outs {
                p.check_sorted(set.iter().next_back(), &o, outs_at)?;
                set.insert(o);
            }
            Ok((at, path, set))
        })?;
        for (at, path, outs) in inputs {
            p.check_sorted(drv.input_drvs.keys().next_back(), &path, at)?;
            drv.input_drvs.insert(path, outs);
        }
        p.expect(",")?;

        let srcs_at = p.pos;
        for src in p.list(|p| p.path())? {
            p.check_sorted(drv.input_srcs.iter().next_back(), &src, srcs_at)?;
            drv.input_srcs.insert(src);
        }
        p.expect(",")?;
        drv.platform = p.string()?;
        p.expect(",")?;
        drv.builder = p.string()?;
        p.expect(",")?;
        drv.args = p.list(|p| p.string())?;
        p.expect(",")?;
        let env = p.list(|p| {
            let at = p.pos;
            p.expect("(")?;
            let k = p.text()?;
            p.expect(",")?;
            let v = p.string()?;
            p.expect(")")?;
            Ok((at, k, v))
        })?;
        let mut map = BTreeMap::new();
        for (at, k, v) in env {
            p.check_sorted(map.keys().next_back(), &k, at)?;
            map.insert(k, v);
        }
        drv.env = map;
        p.expect(")")?;
        if p.pos != input.len() {
            return p.fail("trailing data after the derivation");
        }
        Ok(drv)
    }
}
