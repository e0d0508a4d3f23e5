# A nixpkgs-`lib`-like fixed point: `fix` and `extends` applied to a
# package set of a few thousand attributes, several overlays (each
# overriding a slice of packages through `super` and referring to others
# through `self`), `callPackage`-style argument injection with
# `functionArgs`/`intersectAttrs`, `makeOverridable`-style `override`, and
# a dependency closure walked through `self`.
let
  inherit (builtins) genList listToAttrs foldl' attrNames attrValues length
    functionArgs intersectAttrs mapAttrs toString elemAt filter concatMap
    isAttrs hasAttr removeAttrs concatStringsSep;
  n = 8000;

  # --- lib ---
  fix = f: let x = f x; in x;
  extends = overlay: f: (self: let super = f self; in super // overlay self super);
  composeManyExtensions = foldl' (f: g: self: super: let fs = f self super; in fs // g self (super // fs)) (self: super: { });
  makeOverridable = f: args:
    let r = f args; in
    if isAttrs r then r // { override = newArgs: makeOverridable f (args // newArgs); } else r;
  callPackageWith = autoArgs: fn: args:
    makeOverridable fn (intersectAttrs (functionArgs fn) autoArgs // args);

  # --- the "package set" ---
  name = i: "p${toString i}";
  depsOf = i: if i < 10 then [ ] else [ (name (i / 2)) (name (i / 3)) (name (i - 7)) ];
  mkDerivation = { pname, version, deps ? [ ], extra ? "" }: {
    inherit pname version deps;
    name = "${pname}-${version}";
    outPath = "/nix/store/${pname}-${version}${extra}";
    depth = 1 + foldl' (a: d: if d.depth > a then d.depth else a) 0 deps;
  };
  basePkg = i: self: callPackage:
    callPackage ({ stdenv, lib, ... }@args: stdenv.mkDerivation {
      pname = name i;
      version = "1.${toString (i - (i / 10) * 10)}";
      deps = map (d: self.${d}) (depsOf i);
      extra = args.extra or "";
    }) { };
  base = self: {
    lib = { inherit fix extends; };
    stdenv = { inherit mkDerivation; };
    callPackage = callPackageWith self;
  } // listToAttrs (genList (i: { name = name i; value = basePkg i self self.callPackage; }) n);

  # --- overlays ---
  bumpVersions = self: super: listToAttrs (genList (i:
    let nm = name (i * 5); in { name = nm; value = super.${nm} // { version = "2.0"; }; }) (n / 5));
  patched = self: super: listToAttrs (genList (i:
    let nm = name (i * 3 + 1); in {
      name = nm;
      value = super.${nm}.override { extra = "-patched"; };
    }) (n / 3));
  aliases = self: super: listToAttrs (genList (i: { name = "alias${toString i}"; value = self.${name (i * 11)}; }) (n / 11));
  extraPkgs = self: super: {
    bigEnv = self.stdenv.mkDerivation {
      pname = "bigEnv"; version = "1";
      deps = map (nm: self.${nm}) (filter (nm: builtins.substring 0 1 nm == "p") (attrNames super));
    };
  };
  # many small overlays, as a NixOS/nixpkgs configuration stacks them
  small = genList (k: self: super: {
    ${name (k * 23 + 2)} = super.${name (k * 23 + 2)} // { tag = k; };
  }) 250;
  # nixpkgs does both: composes some overlays into one, and stacks the
  # overlay list with `extends` (a full `super // overlay` per overlay)
  composed = extends (composeManyExtensions [ bumpVersions patched aliases ]) base;
  pkgs = fix (foldl' (f: o: extends o f) composed (small ++ [ extraPkgs ]));
  pkgNames = filter (nm: isAttrs pkgs.${nm} && hasAttr "pname" pkgs.${nm}) (attrNames pkgs);
in
{
  count = length (attrNames pkgs);
  pkgs = length pkgNames;
  depth = pkgs.bigEnv.depth;
  outPaths = builtins.hashString "sha256" (concatStringsSep "\n" (map (nm: pkgs.${nm}.outPath) pkgNames));
  versions = length (filter (nm: pkgs.${nm}.version == "2.0") pkgNames);
  patched = length (filter (nm: builtins.match ".*-patched" pkgs.${nm}.outPath != null) pkgNames);
  tagged = length (filter (nm: pkgs.${nm} ? tag) pkgNames);
  sample = pkgs.p7999.name + " " + pkgs.alias7.outPath;
}
