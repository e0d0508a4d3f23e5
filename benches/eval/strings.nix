# String-heavy code: interpolation, concatStringsSep, replaceStrings,
# substring, stringLength, toJSON/fromJSON, split, match, hashString,
# toString of numbers, string comparison and `+` concatenation.
let
  inherit (builtins) concatStringsSep replaceStrings substring stringLength
    toJSON fromJSON genList map foldl' toString length split match
    filter isString hashString elemAt;
  n = 20000;
  names = genList (i: "pkg-${toString i}-v${toString (i / 7)}.${toString (i - (i / 7) * 7)}") n;
  joined = concatStringsSep "," names;
  replaced = replaceStrings [ "pkg-" "-v" "." ] [ "package_" "_version" "_" ] joined;
  # many small substrings of a long string
  slices = genList (i: substring (i * 13) 9 replaced) 20000;
  lines = map (s: "  ${s} = \"${replaceStrings [ "_" ] [ "-" ] s}\";\n") slices;
  text = concatStringsSep "" lines;
  json = toJSON (genList (i: { name = elemAt names i; version = i; deps = genList (j: "d${toString j}") (i - (i / 5) * 5); }) 5000);
  roundTrip = fromJSON json;
  # `+` concatenation in a fold (quadratic copying)
  acc = foldl' (a: s: a + s + ";") "" (genList (i: elemAt names i) 3000);
  parts = filter isString (split "," (substring 0 200000 joined));
  matched = filter (s: match "pkg-[0-9]*5-v.*" s != null) names;
  hashes = map (s: hashString "sha256" s) (genList (i: elemAt names i) 2000);
in
{
  joined = stringLength joined;
  replaced = stringLength replaced;
  text = stringLength text;
  textHash = hashString "sha256" text;
  json = stringLength json;
  roundTrip = length roundTrip;
  acc = stringLength acc;
  parts = length parts;
  matched = length matched;
  hashes = substring 0 16 (concatStringsSep "" hashes);
  sample = substring 1000 60 text;
}
