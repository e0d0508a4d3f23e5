# Recursive arithmetic: naive Fibonacci. Exercises calls, comparisons,
# integer +/- and `if`; ~2.7 million lambda applications.
let
  fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2);
in
fib 30
