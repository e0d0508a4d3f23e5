{ lib, name, punctuation ? "!" }:

{
  text = "Hello, ${name}${punctuation}";
  config = lib.toKeyValue { inherit name punctuation; };
}
