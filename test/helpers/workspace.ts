// Temporary folders for tests: a workspace (with a package.json, so the runner takes it as the
// workspace root) or an auth0-deploy-cli repository, written from a map of relative paths. Every
// folder made here is removed when the test process exits, if the test has not removed it sooner.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface TempWorkspace {
  root: string;
  /** Writes `content` at `relativePath` (creating its folders); returns the absolute path. */
  write(relativePath: string, content: string): string;
  /** The absolute path of `relativePath`. */
  path(relativePath: string): string;
  /** The file: URI of `relativePath`. */
  uri(relativePath: string): string;
  remove(): void;
}

export interface WorkspaceOptions {
  /** The temporary folder's name starts with this (default `duo-rules-test-`). */
  prefix?: string;
  /** Files to write, by path relative to the root. */
  files?: Record<string, string>;
  /** Write a package.json naming this package (the runner's workspace-root marker); none when omitted. */
  packageName?: string;
}

/** Writes each of `files` (relative path → content) under `root`, creating folders as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [relativePath, content] of Object.entries(files)) {
    const path = join(root, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** Folders not removed yet; whatever is left when the process exits is removed then. */
const live = new Set<string>();
let removeAtExit = false;

function remove(root: string): void {
  rmSync(root, { recursive: true, force: true });
  live.delete(root);
}

/** A new temporary folder holding `files` (and a package.json when `packageName` is given). */
export function createWorkspace(options: WorkspaceOptions = {}): TempWorkspace {
  const root = mkdtempSync(join(tmpdir(), options.prefix ?? 'duo-rules-test-'));
  live.add(root);
  if (!removeAtExit) {
    removeAtExit = true;
    process.once('exit', () => { for (const left of [...live]) remove(left); });
  }
  const path = (relativePath: string) => join(root, relativePath);
  const write = (relativePath: string, content: string) => {
    writeTree(root, { [relativePath]: content });
    return path(relativePath);
  };
  if (options.packageName !== undefined) write('package.json', `{ "name": "${options.packageName}", "private": true }\n`);
  writeTree(root, options.files ?? {});
  return { root, write, path, uri: (relativePath) => pathToFileURL(path(relativePath)).href, remove: () => remove(root) };
}

/** Runs `body` with a temporary folder holding `files`, removed afterwards whatever happens. */
export async function withWorkspace<T>(files: Record<string, string>, body: (workspace: TempWorkspace) => Promise<T> | T, prefix?: string): Promise<T> {
  const workspace = createWorkspace({ files, prefix });
  try {
    return await body(workspace);
  } finally {
    workspace.remove();
  }
}

/** withWorkspace for a body that does not wait. */
export function withWorkspaceSync<T>(files: Record<string, string>, body: (workspace: TempWorkspace) => T, prefix?: string): T {
  const workspace = createWorkspace({ files, prefix });
  try {
    return body(workspace);
  } finally {
    workspace.remove();
  }
}
