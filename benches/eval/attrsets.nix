# Building and merging many attribute sets: listToAttrs, mapAttrs, `//`,
# foldl' over thousands of items, attrNames/attrValues, removeAttrs,
# intersectAttrs, catAttrs, hasAttr, dynamic attribute selection.
let
  inherit (builtins) listToAttrs mapAttrs foldl' genList attrNames attrValues
    length removeAttrs intersectAttrs catAttrs hasAttr toString filter;
  n = 20000;
  name = i: "attr${toString i}";
  base = listToAttrs (genList (i: { name = name i; value = i; }) n);
  # one set grown item by item with `//` (quadratic copying in both)
  grown = foldl' (acc: i: acc // { ${name i} = i * 2; }) { } (genList (x: x) 4000);
  doubled = mapAttrs (k: v: v * 2 + (if hasAttr k grown then grown.${k} else 0)) base;
  merged = foldl' (acc: s: acc // s) { }
    (genList (j: listToAttrs (genList (i: { name = name (i * 7 + j); value = j; }) 2000)) 100);
  removed = removeAttrs doubled (genList (i: name (i * 3)) (n / 3));
  common = intersectAttrs merged removed;
  records = genList (i: { a = i; b = i * 3; c = name i; }) n;
  sumOf = s: foldl' (a: b: a + b) 0 (attrValues s);
  nested = foldl' (acc: i: acc // { "g${toString (i / 100)}" = (acc."g${toString (i / 100)}" or { }) // { ${name i} = i; }; }) { } (genList (x: x) 20000);
in
{
  base = length (attrNames base);
  grown = sumOf grown;
  doubled = sumOf doubled;
  merged = length (attrNames merged);
  mergedSum = sumOf merged;
  removed = length (attrNames removed);
  common = sumOf common;
  records = foldl' (a: b: a + b) 0 (catAttrs "b" records);
  nested = length (attrNames nested);
  nestedSum = foldl' (a: g: a + sumOf g) 0 (attrValues nested);
  firstNames = builtins.head (attrNames base) + "," + builtins.elemAt (attrNames doubled) 17;
}
