{ lib, system }:

let
  version = "2.12.1";
in
{
  pname = "hello";
  inherit version system;
  src = "mirror://gnu/hello/hello-${version}.tar.gz";
  meta = with lib; {
    description = "A program that produces a familiar, friendly greeting";
    license = licenses.gpl3Plus;
  };
}
