//! Criterion benchmark of `tvix check`'s hot path: `tvix_analysis::check_file`
//! (parse, scopes and every lint) on representative inputs.
//!
//! - `package`, `module`, `lib`: the hand-written files in `benches/fixtures/`
//!   (a nixpkgs derivation, a NixOS module, library functions), 1–3 KB each,
//!   the sizes `tvix check` sees most.
//! - `all-packages`: a generated ~0.4 MB `all-packages.nix`-style file (one
//!   `rec` set of `callPackage` bindings, `inherit`s and nested sets) for
//!   how the analysis scales with file size.
//! - `with-problems`: the package fixture with a syntax error, an undefined
//!   name and an unused binding, so error recovery is on the measured path.
//!
//! Run with `cargo bench --bench check_file`; throughput is in bytes.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PACKAGE: &str = include_str!("fixtures/package.nix");
const MODULE: &str = include_str!("fixtures/module.nix");
const LIB: &str = include_str!("fixtures/lib.nix");

/// An `all-packages.nix`-like file with `entries` bindings, deterministic.
fn all_packages(entries: usize) -> String {
    let mut text = String::from("{ lib, callPackage, config, stdenv, fetchurl, ... }:\n\nrec {\n");
    for i in 0..entries {
        let name = format!("pkg{i}");
        match i % 5 {
            0 => text.push_str(&format!("  {name} = callPackage ../by-name/{name}/package.nix {{ }};\n")),
            1 => text.push_str(&format!(
                "  {name} = callPackage ../development/{name} {{ inherit (config) allowUnfree; dep = pkg{}; }};\n",
                i - 1
            )),
            2 => text.push_str(&format!(
                "  {name} = pkg{}.override {{ withFeature = stdenv.hostPlatform.isLinux; }};\n",
                i - 2
            )),
            3 => text.push_str(&format!(
                "  {name}Packages = lib.recurseIntoAttrs {{\n    a = pkg{};\n    b = callPackage ./{name}/b.nix {{ }};\n  }};\n",
                i - 3
            )),
            _ => text.push_str(&format!(
                "  {name} = stdenv.mkDerivation {{\n    pname = \"{name}\";\n    version = \"1.{i}\";\n    src = fetchurl {{ url = \"https://example.org/{name}-${{version}}.tar.gz\"; hash = \"\"; }};\n  }};\n"
            )),
        }
    }
    text.push_str("}\n");
    text
}

/// The package fixture with three deliberate problems.
fn with_problems() -> String {
    PACKAGE
        .replacen("pname = \"example-tool\";", "pname = \"example-tool\"", 1)
        .replacen("[ openssl zlib ]", "[ openssl zlib libfooo ]", 1)
        .replacen(
            "stdenv.mkDerivation rec {",
            "let unused = 1; in stdenv.mkDerivation rec {",
            1,
        )
}

fn bench_check_file(c: &mut Criterion) {
    let inputs = [
        ("package", PACKAGE.to_owned()),
        ("module", MODULE.to_owned()),
        ("lib", LIB.to_owned()),
        ("all-packages", all_packages(4000)),
        ("with-problems", with_problems()),
    ];
    let mut group = c.benchmark_group("check_file");
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| tvix_analysis::check_file(black_box(text)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_check_file);
criterion_main!(benches);
