# What the derivation golden corpus compares: every derivation reduced to
# its drvPath and output paths, every string to its text and context
# (`summarise`), and the derivations to instantiate (`drvsOf`). Used by
# gen-derivations.sh under C++ Nix and by tests/derivations.rs under tvix.
rec {
  isDrv = v: builtins.isAttrs v && (v.type or null) == "derivation";

  summarise =
    v:
    if isDrv v then
      {
        drvPath = v.drvPath;
        outputs = builtins.listToAttrs (
          map (o: {
            name = o;
            value = v.${o}.outPath;
          }) (v.outputs or [ "out" ])
        );
      }
    else if builtins.isAttrs v then
      builtins.mapAttrs (_: summarise) v
    else if builtins.isList v then
      map summarise v
    else if builtins.isString v then
      {
        string = v;
        context = builtins.getContext v;
      }
    else
      v;

  drvsOf =
    v:
    if isDrv v then
      [ v ]
    else if builtins.isAttrs v then
      builtins.concatLists (map drvsOf (builtins.attrValues v))
    else if builtins.isList v then
      builtins.concatLists (map drvsOf v)
    else
      [ ];
}
