// Starts `clause lsp` for .policy files. The server does all the work; this
// client only says which binary to run and where the lint pages are.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("clause");
  const command = config.get<string>("server.path") || "clause";
  return {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
}

function clientOptions(): LanguageClientOptions {
  const config = vscode.workspace.getConfiguration("clause");
  const lintDocsUrl = config.get<string>("lintDocsUrl");
  return {
    documentSelector: [{ scheme: "file", language: "clause" }],
    initializationOptions: lintDocsUrl ? { lintDocsUrl } : {},
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient("clause", "Clause", serverOptions(), clientOptions());
  await client.start();
  // A new server path or docs address takes effect at once.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("clause") && client) {
        await client.stop();
        client = new LanguageClient("clause", "Clause", serverOptions(), clientOptions());
        await client.start();
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
