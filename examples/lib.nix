# A few helpers of the kind nixpkgs' `lib` provides.
rec {
  /* Concatenate a list of strings with a separator. */
  concatWith = sep: list:
    if list == [ ] then ""
    else builtins.foldl' (acc: s: acc + sep + s) (builtins.head list) (builtins.tail list);

  /* Turn an attribute set into `name=value` lines. */
  toKeyValue = attrs:
    concatWith "\n" (map (name: "${name}=${toString attrs.${name}}") (builtins.attrNames attrs));

  licenses = {
    mit = { spdxId = "MIT"; free = true; };
    gpl3Plus = { spdxId = "GPL-3.0-or-later"; free = true; };
  };
}
