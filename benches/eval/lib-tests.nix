# nixpkgs' own lib test suites (runTests: `[ ]` means every test passed),
# from nixpkgs' lib at the `nix28` commit of benches/fetch-nixpkgs-lib.sh.
let
  tests = ../../bench-data/nixpkgs-lib-nix28/lib/tests;
in
{
  misc = import (tests + "/misc.nix");
  systems = import (tests + "/systems.nix");
  fetchers = import (tests + "/fetchers.nix");
}
