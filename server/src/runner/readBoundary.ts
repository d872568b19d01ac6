// What a run may read: the rule's folder up to its repository root (the editor's workspace
// folder, else the nearest folder with .git or an auth0-deploy-cli layout), never the home
// directory or above it, plus the node_modules folders `require` searches from there. The
// permission model then denies everything else, so a stray ~/node_modules or package.json no
// longer opens the whole home directory (~/.ssh) to the code.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { isDeployCliRoot, isDirectory } from '../workspace/repository';

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Home itself and the folders above it are never readable roots when the rule lives below home. */
function tooHigh(dir: string, fileDir: string, home: string): boolean {
  return isInside(fileDir, home) && isInside(home, dir);
}

function isRepositoryRoot(dir: string): boolean {
  return existsSync(join(dir, '.git')) || isDeployCliRoot(dir);
}

export interface ReadBoundary {
  /** The highest folder the code may read. */
  root: string;
  /** Where `require` resolves npm modules from: the nearest package.json/node_modules folder, not above `root`. */
  workspaceRoot: string;
  /** Every folder the child may read: `root` and the node_modules folders require searches above it. */
  readRoots: string[];
}

/**
 * `given` is the editor's workspace folder (or the caller's explicit workspace); without it the
 * nearest repository root above the file, else the file's own folder.
 */
export function findReadBoundary(fileDir: string, given?: string, home = homedir()): ReadBoundary {
  const start = resolve(fileDir);
  const homeDir = resolve(home);
  let root: string | undefined;
  if (given !== undefined && !tooHigh(resolve(given), start, homeDir)) root = resolve(given);
  if (root === undefined) {
    for (let dir = start; !tooHigh(dir, start, homeDir); dir = dirname(dir)) {
      if (isRepositoryRoot(dir)) {
        root = dir;
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  root ??= start;
  let workspaceRoot = root;
  if (isInside(start, root)) {
    for (let dir = start; isInside(dir, root); dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'node_modules'))) {
        workspaceRoot = dir;
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  // A rule kept directly in the home directory may read only the modules there, not home itself.
  const readRoots = tooHigh(root, start, homeDir) ? [] : [root];
  for (let dir = readRoots.length ? dirname(root) : root; ; dir = dirname(dir)) {
    if (isDirectory(join(dir, 'node_modules'))) readRoots.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  return { root, workspaceRoot, readRoots };
}
