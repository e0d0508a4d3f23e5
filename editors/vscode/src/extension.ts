// The tvix extension: starts `tvix lsp` for Nix files and passes the
// `tvix.*` settings to it (as initializationOptions and through
// workspace/configuration, which the language client answers from the
// `tvix` section).

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("tvix");
  const command = config.get<string>("server.path", "tvix");
  const args = [...config.get<string[]>("server.extraArgs", []), "lsp"];
  return {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: "file", language: "nix" },
      { scheme: "untitled", language: "nix" },
    ],
    initializationOptions: {
      tvix: vscode.workspace.getConfiguration("tvix"),
    },
    synchronize: {
      configurationSection: "tvix",
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.nix"),
    },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient("tvix", "tvix", serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration("tvix").get<string>("server.path");
    void vscode.window.showErrorMessage(
      `tvix: could not start \`${path} lsp\` (${String(err)}). Set tvix.server.path.`,
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

// The debugger: `tvix dap` (same executable and extra arguments as the
// language server), a "Debug this file" command, and a default
// configuration when there is no launch.json.
const debugFactory: vscode.DebugAdapterDescriptorFactory = {
  createDebugAdapterDescriptor() {
    const config = vscode.workspace.getConfiguration("tvix");
    const command = config.get<string>("server.path", "tvix");
    const args = [...config.get<string[]>("server.extraArgs", []), "dap"];
    return new vscode.DebugAdapterExecutable(command, args);
  },
};

const debugConfigurations: vscode.DebugConfigurationProvider = {
  resolveDebugConfiguration(_folder, config) {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.languageId !== "nix") {
        return undefined;
      }
      return fileConfiguration(editor.document.uri);
    }
    return config;
  },
};

function fileConfiguration(uri: vscode.Uri): vscode.DebugConfiguration {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return {
    type: "tvix",
    request: "launch",
    name: "Debug this file",
    program: uri.fsPath,
    cwd: folder?.uri.fsPath,
    strict: true,
  };
}

async function debugFile(uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showErrorMessage("tvix: open a Nix file to debug it.");
    return;
  }
  await vscode.debug.startDebugging(
    vscode.workspace.getWorkspaceFolder(target),
    fileConfiguration(target),
  );
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory("tvix", debugFactory),
    vscode.debug.registerDebugConfigurationProvider("tvix", debugConfigurations),
    vscode.commands.registerCommand("tvix.debugFile", debugFile),
    vscode.commands.registerCommand("tvix.restartServer", async () => {
      await client?.stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("tvix.server")) {
        await client?.stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
