# A tiny package set in the style of nixpkgs: `callPackage` passes each
# package the attributes its function asks for.
{ system ? builtins.currentSystem }:

let
  lib = import ./lib.nix;

  callPackage = fn: overrides:
    let
      f = import fn;
      args = builtins.intersectAttrs (builtins.functionArgs f) pkgs;
    in
    f (args // overrides);

  pkgs = {
    inherit lib system;
    hello = callPackage ./pkgs/hello.nix { };
    greeting = callPackage ./pkgs/greeting.nix { name = "tvix"; };
  };
in
pkgs
