//! Derivations checked against `.drv` files C++ Nix 2.8 wrote (the
//! commands are beside each case); the golden corpus in
//! `tests/golden/derivations` covers the rest.

use std::collections::BTreeMap;

use super::*;
use crate::hash::{Algorithm, Hash};

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}

fn no_inputs(_: &str) -> Option<[u8; 32]> {
    None
}

/// `derivation { name = "foo"; system = "x86_64-linux"; builder =
/// "/bin/sh"; args = ["-c" "echo \"hi\"\n\t\\"]; outputs = ["out" "dev"]; }`
#[test]
fn multiple_outputs_and_escapes() {
    let mut drv = Derivation {
        platform: b"x86_64-linux".to_vec(),
        builder: b"/bin/sh".to_vec(),
        args: vec![b"-c".to_vec(), b"echo \"hi\"\n\t\\".to_vec()],
        env: env(&[
            ("builder", "/bin/sh"),
            ("name", "foo"),
            ("outputs", "out dev"),
            ("system", "x86_64-linux"),
        ]),
        ..Derivation::default()
    };
    drv.outputs.insert("out".into(), Output::default());
    drv.outputs.insert("dev".into(), Output::default());
    drv.fill_output_paths("foo", &mut no_inputs).unwrap();
    let aterm = drv.to_aterm();
    expect_test::expect![[r#"Derive([("dev","/nix/store/sbpfy9jgk5kmf6k3kqycwvd800gzdjms-foo-dev","",""),("out","/nix/store/azli6a7vyxq9bshhp36vs2kd3ikpp67l-foo","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo \"hi\"\n\t\\"],[("builder","/bin/sh"),("dev","/nix/store/sbpfy9jgk5kmf6k3kqycwvd800gzdjms-foo-dev"),("name","foo"),("out","/nix/store/azli6a7vyxq9bshhp36vs2kd3ikpp67l-foo"),("outputs","out dev"),("system","x86_64-linux")])"#]]
        .assert_eq(&String::from_utf8_lossy(&aterm));
    assert_eq!(
        drv.drv_path("foo"),
        "/nix/store/r95bbm1a3yqj20mijhsg0wvnwc6a4g0v-foo.drv"
    );
    assert_eq!(Derivation::from_aterm(&aterm), Ok(drv));
}

/// A recursive fixed output and a derivation depending on it (the input
/// is replaced by its hash modulo).
#[test]
fn fixed_output_and_dependent() {
    let hash = Hash::of(Algorithm::Sha256, b"");
    let mut fo = Derivation {
        platform: b"x86_64-linux".to_vec(),
        builder: b"/bin/sh".to_vec(),
        env: env(&[
            ("builder", "/bin/sh"),
            ("name", "fo"),
            (
                "outputHash",
                "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            ),
            ("outputHashMode", "recursive"),
            ("system", "x86_64-linux"),
        ]),
        ..Derivation::default()
    };
    fo.outputs.insert("out".into(), Output::fixed(true, &hash));
    fo.fill_output_paths("fo", &mut no_inputs).unwrap();
    let fo_path = fo.drv_path("fo");
    assert_eq!(
        fo_path,
        "/nix/store/z9xnrgqn1x7dqyjmrb750hcjjb2jqfq2-fo.drv"
    );
    assert_eq!(
        fo.outputs["out"].path,
        "/nix/store/9i0irz866pivqbr2zpg5k0kljwir4fh9-fo"
    );

    let fo_hash = fo.hash_modulo(&mut no_inputs).unwrap();
    let mut dep = Derivation {
        platform: b"x86_64-linux".to_vec(),
        builder: b"/bin/sh".to_vec(),
        env: env(&[
            ("builder", "/bin/sh"),
            ("name", "dep"),
            ("system", "x86_64-linux"),
            ("x", "/nix/store/9i0irz866pivqbr2zpg5k0kljwir4fh9-fo"),
        ]),
        ..Derivation::default()
    };
    dep.input_drvs
        .insert(fo_path.clone(), ["out".to_string()].into());
    dep.outputs.insert("out".into(), Output::default());
    dep.fill_output_paths("dep", &mut |p| (p == fo_path).then_some(fo_hash))
        .unwrap();
    assert_eq!(
        dep.outputs["out"].path,
        "/nix/store/xkqim6bjr6qs0kag0jd4jib2x3yd0x9b-dep"
    );
    assert_eq!(
        dep.drv_path("dep"),
        "/nix/store/6yw9ymph0qx0alzpwnbax41npzpi6q42-dep.drv"
    );
    assert_eq!(
        dep.clone()
            .fill_output_paths("dep", &mut no_inputs)
            .unwrap_err()
            .0,
        format!("path '{fo_path}' is not valid")
    );
}

#[test]
fn malformed_aterms_are_positioned_errors() {
    let err = |s: &str| {
        Derivation::from_aterm(s.as_bytes())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(""),
        "invalid derivation at byte 0: expected 'Derive(', found end of input"
    );
    assert_eq!(
        err("Derive([(\"out\",\"\",\"\",\"\")],[],[],\"s\",\"b\",[],[]"),
        "invalid derivation at byte 45: expected ')', found end of input"
    );
    assert_eq!(
        err("Derive([],[],[\"x\"],\"s\",\"b\",[],[])"),
        "invalid derivation at byte 14: bad path 'x' in derivation"
    );
    assert_eq!(
        err("Derive([],[],[],\"s\",\"b\",[],[(\"b\",\"\"),(\"a\",\"\")])"),
        "invalid derivation at byte 37: \"a\" is duplicated or out of order"
    );
    assert_eq!(
        err("Derive([],[],[],\"s\",\"b\",[],[])x"),
        "invalid derivation at byte 30: trailing data after the derivation"
    );
    assert_eq!(
        err("Derive([],[],[],\"s"),
        "invalid derivation at byte 18: unterminated string"
    );
}
