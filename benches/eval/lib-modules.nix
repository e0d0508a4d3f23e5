# A NixOS-module-system-style `lib.evalModules` run with nixpkgs' lib (the
# `nix28` commit of benches/fetch-nixpkgs-lib.sh): 40 service modules, each
# declaring 12 options (480 in all: bool, int, str, enum, listOf, attrsOf,
# nullOr, a submodule type with its own options, an option tree), several
# modules defining each service with mkIf/mkMerge/mkDefault/mkForce/
# mkOverride/mkBefore, modules pulled in with `imports`, and config that
# reads other modules' config. Prints a digest of the whole config.
let
  lib = import ../../bench-data/nixpkgs-lib-nix28/lib;
  inherit (lib) mkOption mkIf mkMerge mkDefault mkForce mkOverride mkBefore types;

  n = 40;
  names = builtins.genList (i: "svc${toString i}") n;

  declare = name: { config, ... }: {
    options.services.${name} = {
      enable = mkOption { type = types.bool; default = false; };
      port = mkOption { type = types.port; default = 1000; };
      user = mkOption { type = types.str; default = name; };
      level = mkOption { type = types.enum [ "debug" "info" "warn" ]; default = "info"; };
      extraArgs = mkOption { type = types.listOf types.str; default = [ ]; };
      env = mkOption { type = types.attrsOf types.str; default = { }; };
      limit = mkOption { type = types.nullOr types.ints.unsigned; default = null; };
      package = mkOption { type = types.attrsOf types.anything; default = { pname = name; version = "1.0"; }; };
      settings.log.file = mkOption { type = types.str; default = "/var/log/${name}.log"; };
      settings.log.rotate = mkOption { type = types.bool; default = true; };
      instances = mkOption {
        default = { };
        type = types.attrsOf (types.submodule ({ name, ... }: {
          options = {
            weight = mkOption { type = types.int; default = 1; };
            label = mkOption { type = types.str; default = name; };
          };
        }));
      };
      commandLine = mkOption { type = types.str; readOnly = true; };
    };
    config.services.${name}.commandLine =
      let cfg = config.services.${name}; in
      lib.concatStringsSep " " ([ "/bin/${name}" "--port=${toString cfg.port}" "--level=${cfg.level}" ] ++ cfg.extraArgs);
  };

  define = i: name: { config, ... }: {
    imports = [ (declare name) ];
    config = mkMerge [
      { services.${name}.enable = mkDefault (lib.mod i 3 != 0); }
      (mkIf config.services.${name}.enable {
        services.${name} = {
          port = 2000 + i;
          extraArgs = mkBefore [ "--verbose" ];
          env.HOME = "/var/lib/${name}";
          instances = lib.genAttrs [ "a" "b" "c" ] (x: { weight = i; });
        };
      })
      { services.${name}.level = mkOverride 900 (if lib.mod i 2 == 0 then "debug" else "warn"); }
    ];
  };

  overrides = name: { config, ... }: {
    services.${name} = {
      extraArgs = [ "--name=${name}" ];
      env.NAME = name;
      limit = mkIf (config.services.${name}.port > 2010) 100;
      instances.b.label = mkForce "forced";
    };
  };

  # A module that reads every service's config.
  summary = { config, ... }: {
    options.summary = mkOption { type = types.attrsOf types.int; };
    config.summary = {
      enabled = lib.length (lib.filter (x: config.services.${x}.enable) names);
      ports = lib.foldl' (a: x: a + config.services.${x}.port) 0 names;
      instances = lib.foldl' (a: x: a + lib.length (lib.attrNames config.services.${x}.instances)) 0 names;
    };
  };

  eval = lib.evalModules {
    modules = lib.imap0 define names ++ map overrides names ++ [ summary ];
  };
  cfg = eval.config;
in
{
  inherit (cfg) summary;
  services = lib.mapAttrs (_: s: removeAttrs s [ "package" ] // { package = s.package.pname; }) cfg.services;
  options = lib.length (lib.collect lib.isOption eval.options);
}
