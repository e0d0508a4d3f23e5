# `rec`/`let`-heavy lazy code: a long chain of mutually referring `rec`
# bindings, `let` blocks nested in functions, thunks forced out of order,
# infinite-ish lazy structures where only a part is demanded, and unused
# bindings that must never be evaluated.
let
  inherit (builtins) genList foldl' length elemAt listToAttrs toString attrNames head;
  # a rec set where each binding refers to the previous ones
  chain = n: listToAttrs (genList (i: { name = "v${toString i}"; value = i; }) n);
  recSet = rec {
    a = 1; b = a + 1; c = b + a; d = c + b; e = d + c; f = e + d; g = f + e;
    h = g + f; i = h + g; j = i + h; k = j + i; l = k + j; m = l + k;
    unused = throw "never forced";
    all = [ a b c d e f g h i j k l m ];
  };
  # lazy "stream": an attrset whose tail is a thunk; take the first n
  from = x: { head = x; tail = from (x + 1); };
  take = n: s: if n == 0 then [ ] else [ s.head ] ++ take (n - 1) s.tail;
  # memoised table via a lazy list: each entry refers to earlier ones
  table = genList (i:
    let
      prev = if i == 0 then 0 else elemAt table (i - 1);
      prev2 = if i < 2 then 1 else elemAt table (i - 2);
      x = prev + prev2;
      y = x - (x / 1000003) * 1000003;
      bad = throw "unused";
    in y) 30000;
  # a deep let-in per call, with lambdas closing over it
  step = acc: i:
    let
      a = i * 2;
      b = a + acc.total;
      c = { inherit a b; d = b - i; };
      mk = k: c.d + k;
      unused = abort "never";
      total = mk 1 - (mk 1 / 1000000007) * 1000000007;
      count = acc.count + 1;
    in builtins.seq total (builtins.seq count { inherit total count; });
  folded = foldl' step { total = 0; count = 0; } (genList (i: i) 100000);
  # a lazy attrset of many thunks, only some demanded
  big = listToAttrs (genList (i: { name = "n${toString i}"; value = if i == 12345 then i * 3 else throw "not demanded ${toString i}"; }) 30000);
  # rec set evaluated many times through a function
  mkRec = x: rec { p = x + 1; q = p * 2; r = q + p; s = { inherit p q r; t = r + s.p; }; };
  recs = foldl' (acc: i: acc + (mkRec i).s.t) 0 (genList (i: i) 50000);
in
{
  recSet = recSet.all;
  stream = foldl' (a: b: a + b) 0 (take 2000 (from 1));
  table = foldl' (a: b: a + b) 0 table; # forces in order: no deep recursion
  folded = folded;
  big = big.n12345;
  bigSize = length (attrNames big);
  recs = recs;
}
