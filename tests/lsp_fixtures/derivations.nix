# The fixture of the outPath inlay-hint test: two derivations, one nested
# set of derivations, and an attribute that is not a derivation.
let
  mk = name: derivation {
    inherit name;
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${name} > $out" ];
  };
in
{
  hello = mk "hello";
  tools = {
    cowsay = mk "cowsay";
  };
  version = "1.0";
}
