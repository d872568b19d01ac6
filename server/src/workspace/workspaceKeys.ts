// Finds the configuration/secret keys an auth0-deploy-cli repository declares, for a file in
// it: the nearest directory above the file holding rules-configs/, actions/ or tenant.yaml.
// Only key NAMES are kept in memory; values are read by the parser and dropped at once.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { extractDeclaredKeys, type DeployConfigKind } from './deployConfig';

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const tenantFiles = ['tenant.yaml', 'tenant.yml'];

function isDeployRoot(dir: string): boolean {
  return isDir(join(dir, 'rules-configs')) || isDir(join(dir, 'actions')) || tenantFiles.some((f) => existsSync(join(dir, f)));
}

/** The deploy-cli repository root for a file: the nearest qualifying directory, not above `stopDir`. */
export function findDeployRoot(filePath: string, stopDir?: string): string | undefined {
  let dir = dirname(resolve(filePath));
  const stop = stopDir ? resolve(stopDir) : undefined;
  for (;;) {
    if (isDeployRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir || (stop && dir === stop)) return undefined;
    dir = parent;
  }
}

function readJsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.json')).sort().map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** Every key declared under a deploy-cli root (rules-configs, actions/*.json secrets, tenant.yaml). */
export function readDeclaredKeys(root: string): string[] {
  const sources: Array<[DeployConfigKind, string]> = [
    ...readJsonFiles(join(root, 'rules-configs')).map((p): [DeployConfigKind, string] => ['rulesConfig', p]),
    ...readJsonFiles(join(root, 'actions')).map((p): [DeployConfigKind, string] => ['actionJson', p]),
    ...tenantFiles.map((f) => join(root, f)).filter((p) => existsSync(p)).map((p): [DeployConfigKind, string] => ['tenantYaml', p]),
  ];
  const keys = new Set<string>();
  for (const [kind, path] of sources) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    for (const key of extractDeclaredKeys(kind, text)) keys.add(key);
  }
  return [...keys];
}

/** Declared keys per deploy-cli root, cached until a watched file changes. */
export class DeclaredKeysIndex {
  private readonly byRoot = new Map<string, string[]>();

  keysFor(filePath: string, stopDir?: string): string[] {
    const root = findDeployRoot(filePath, stopDir);
    if (!root) return [];
    let keys = this.byRoot.get(root);
    if (!keys) {
      keys = readDeclaredKeys(root);
      this.byRoot.set(root, keys);
    }
    return keys;
  }

  clear(): void {
    this.byRoot.clear();
  }
}
