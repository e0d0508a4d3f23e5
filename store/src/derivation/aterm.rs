//! Printing a derivation in the ATerm form of `.drv` files, byte for byte
//! as C++ Nix's `Derivation::unparse`.

use super::Derivation;

impl Derivation {
    /// The `.drv` file contents.
    pub fn to_aterm(&self) -> Vec<u8> {
        self.to_aterm_with_inputs(
            self.input_drvs
                .iter()
                .map(|(path, outputs)| (path.as_bytes(), outputs)),
        )
    }

    /// The ATerm with the input derivations given as `(key, outputs)`
    /// pairs in order: `hash_modulo` replaces each `.drv` path by its
    /// hash.
    pub(super) fn to_aterm_with_inputs<'a>(
        &self,
        inputs: impl Iterator<Item = (&'a [u8], &'a std::collections::BTreeSet<String>)>,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(1024);
        out.extend_from_slice(b"Derive([");
        for (i, (name, o)) in self.outputs.iter().enumerate() {
            comma(&mut out, i);
            out.push(b'(');
            string(&mut out, name.as_bytes());
            for field in [&o.path, &o.hash_algo, &o.hash] {
                out.push(b',');
                string(&mut out, field.as_bytes());
            }
            out.push(b')');
        }
        out.extend_from_slice(b"],[");
        for (i, (key, outputs)) in inputs.enumerate() {
            comma(&mut out, i);
            out.push(b'(');
            string(&mut out, key);
            out.extend_from_slice(b",[");
            for (j, o) in outputs.iter().enumerate() {
                comma(&mut out, j);
                string(&mut out, o.as_bytes());
            }
            out.extend_from_slice(b"])");
        }
        out.extend_from_slice(b"],[");
        for (i, src) in self.input_srcs.iter().enumerate() {
            comma(&mut out, i);
            string(&mut out, src.as_bytes());
        }
        out.extend_from_slice(b"],");
        string(&mut out, &self.platform);
        out.push(b',');
        string(&mut out, &self.builder);
        out.extend_from_slice(b",[");
        for (i, arg) in self.args.iter().enumerate() {
            comma(&mut out, i);
            string(&mut out, arg);
        }
        out.extend_from_slice(b"],[");
        for (i, (k, v)) in self.env.iter().enumerate() {
            comma(&mut out, i);
            out.push(b'(');
            string(&mut out, k.as_bytes());
            out.push(b',');
            string(&mut out, v);
            out.push(b')');
        }
        out.extend_from_slice(b"])");
        out
    }
}

fn comma(out: &mut Vec<u8>, i: usize) {
    if i > 0 {
        out.push(b',');
    }
}

/// A quoted string: `"` and `\` escaped, newline, carriage return and tab
/// as `\n`, `\r`, `\t`; every other byte as it is. Every derivation is
/// printed three times (masked, modulo its inputs, as written), so strings
/// without escapes (nearly all) are found with `memchr` and copied whole.
fn string(out: &mut Vec<u8>, s: &[u8]) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    if memchr::memchr3(b'"', b'\\', b'\n', s).is_none()
        && memchr::memchr2(b'\r', b'\t', s).is_none()
    {
        out.extend_from_slice(s);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            _ => continue,
        };
        out.extend_from_slice(&s[start..i]);
        out.extend_from_slice(escaped);
        start = i + 1;
    }
    out.extend_from_slice(&s[start..]);
    out.push(b'"');
}
