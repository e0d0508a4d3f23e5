# `<nix/fetchurl.nix>`: a fixed-output derivation that C++ Nix's builder
# `builtin:fetchurl` realises by downloading `url`. The attribute set given
# to `derivation` must be exactly C++ Nix's, so that `.drv` files and
# output paths are the same.
#
# The expected hash is `hash` (SRI, algorithm inside), else the first of
# `sha512`, `sha1`, `md5`, `sha256` that is not empty; `system` is
# accepted and ignored. `executable` and `unpack` switch to a recursive
# (NAR) hash; `impure` asks for an impure derivation instead of a hash.
{
  system ? "",
  url,
  hash ? "",
  md5 ? "",
  sha1 ? "",
  sha256 ? "",
  sha512 ? "",
  outputHash ?
    if hash != "" then
      hash
    else if sha512 != "" then
      sha512
    else if sha1 != "" then
      sha1
    else if md5 != "" then
      md5
    else
      sha256,
  outputHashAlgo ?
    if hash != "" then
      ""
    else if sha512 != "" then
      "sha512"
    else if sha1 != "" then
      "sha1"
    else if md5 != "" then
      "md5"
    else
      "sha256",
  executable ? false,
  unpack ? false,
  name ? baseNameOf (toString url),
  impure ? false,
}:

let
  common = {
    builder = "builtin:fetchurl";
    system = "builtin";
    outputHashMode = if unpack || executable then "recursive" else "flat";
    inherit
      name
      url
      executable
      unpack
      ;
    urls = [ url ];
    preferLocalBuild = true;
    impureEnvVars = [
      "http_proxy"
      "https_proxy"
      "ftp_proxy"
      "all_proxy"
      "no_proxy"
    ];
  };
  content = if impure then { __impure = true; } else { inherit outputHashAlgo outputHash; };
in
derivation (common // content)
