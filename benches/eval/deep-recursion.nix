# Deep, non-tail recursion that stays below current C++ Nix's default
# max-call-depth (10,000): a sum, a linked list built and measured
# recursively and mutual recursion, 9,000 calls deep, and a right fold
# written as plain recursion (two calls per level, 4,500 levels), repeated;
# every level keeps a pending `+` or `if` on the stack.
let
  depth = 9000;
  sumTo = n: if n == 0 then 0 else n + sumTo (n - 1);
  build = n: if n == 0 then null else { head = n; tail = build (n - 1); };
  len = l: if l == null then 0 else 1 + len l.tail;
  isEven = n: if n == 0 then true else isOdd (n - 1);
  isOdd = n: if n == 0 then false else isEven (n - 1);
  foldr = op: nul: list:
    let len = builtins.length list;
        go = i: if i == len then nul else op (builtins.elemAt list i) (go (i + 1));
    in go 0;
  rounds = builtins.genList (i: depth - i * 100) 20;
in
{
  sums = map sumTo rounds;
  lengths = map (n: len (build n)) rounds;
  parity = map isEven rounds;
  folded = map (n: foldr (x: acc: x + acc) 0 (builtins.genList (i: i) (n / 2))) rounds;
}
