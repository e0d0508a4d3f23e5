# `derivation`: the lazy face of `derivationStrict`.
#
# tvix evaluates this file under the name C++ Nix gives its own wrapper
# («nix-internal»/derivation-internal.nix) and keeps the lines that error
# traces quote (the `strict` binding and the `outPath`/`drvPath` lines)
# on the same line numbers, so that traces through a derivation read the
# same in both.
#
# Semantics, as C++ Nix:
#
#   * `derivationStrict` runs only when `outPath` or `drvPath` of some
#     output is forced, never when the set is merely inspected;
#   * the result is the first output's set; every output's set holds the
#     original attributes, one attribute per output, `all` (the list of
#     every output's set), `drvAttrs` (the argument), and its own
#     `outPath`, `drvPath`, `type = "derivation"` and `outputName`;
#   * `outputs` defaults to [ "out" ] and is read here only for the
#     names of the per-output sets; `derivationStrict` checks it.
#
# Nothing here may call anything but the builtins named below:
# derivationStrict, builtins.listToAttrs, map and builtins.head.
#
#
#
#
#
#
#
drvAttrs@{
  outputs ? [ "out" ],
  ...
}:

let

  strict = derivationStrict drvAttrs;

  commonAttrs =
    drvAttrs
    // (builtins.listToAttrs outputsList)
    // {
      all = map (x: x.value) outputsList;
      inherit drvAttrs;
    };

  outputToAttrListElement = outputName: {
    name = outputName;
    value = commonAttrs // {
      outPath = strict.${outputName};
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };

  outputsList = map outputToAttrListElement outputs;

in
(builtins.head outputsList).value
