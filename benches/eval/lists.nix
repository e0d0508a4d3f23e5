# List-heavy code: map, filter, genList, sort, concatLists, concatMap, elem,
# elemAt, foldl', length, any/all, partition, groupBy, tail recursion over
# lists.
let
  inherit (builtins) map filter genList sort concatLists concatMap elem elemAt
    foldl' length any all partition groupBy head tail toString;
  n = 40000;
  # a deterministic pseudo-random sequence (linear congruential generator)
  lcg = x: (x * 1103515245 + 12345) - ((x * 1103515245 + 12345) / 2147483648) * 2147483648;
  rand = genList (i: lcg (i * 7919 + 1)) n;
  sorted = sort (a: b: a < b) rand;
  evens = filter (x: x - (x / 2) * 2 == 0) rand;
  squares = map (x: x / 1000 * (x / 1000)) evens;
  chunks = genList (i: genList (j: i * 50 + j) 50) 400;
  flat = concatLists chunks;
  pairs = concatMap (x: [ x (x + 1) ]) (genList (i: i) n);
  needles = genList (i: i * 97) 300;
  found = filter (x: elem x flat) needles;
  found2 = filter (x: elem x rand) (genList (i: lcg (i * 7919 + 1)) 400);
  # (not a recursive `go i`: 40,000 nested calls exceed tvix's default
  # --max-call-depth of 10,000, which C++ Nix 2.8 does not have)
  isSorted = l: all (i: elemAt l i <= elemAt l (i + 1)) (genList (i: i) (length l - 1));
  parts = partition (x: x > 1073741824) rand;
  groups = groupBy (x: toString (x - (x / 10) * 10)) flat;
  # naive list reversal by recursion (quadratic `++`) on a short list
  rev = l: if l == [ ] then [ ] else rev (tail l) ++ [ (head l) ];
  sum = foldl' (a: b: a + b) 0;
in
{
  sortedHead = head sorted;
  sortedLast = elemAt sorted (n - 1);
  isSorted = isSorted sorted;
  evens = length evens;
  squares = sum squares;
  flat = sum flat;
  pairs = sum pairs;
  found = length found;
  found2 = length found2;
  anyAll = [ (any (x: x == 12345) flat) (all (x: x >= 0) rand) ];
  parts = [ (length parts.right) (length parts.wrong) ];
  groups = map (g: length groups.${g}) (builtins.attrNames groups);
  rev = sum (rev (genList (i: i) 1500));
}
