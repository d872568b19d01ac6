// dist/server.js, what the extension starts: it runs the language server's bundle (dist/serverMain.js, built
// from server.ts) through V8's code cache. Compiling that bundle, and then each function the first analysis
// calls, was most of what our server did before its first diagnostics beyond a bare vscode-languageserver
// server; from the cache V8 takes the compiled code instead. The cache is made when a server that started
// without a usable one exits (by then it holds the start-up's and the first analyses' functions), and is used
// only for the same bundle text and Node version (V8 itself refuses a cache of another V8 version or other
// flags). It lies beside the bundle, so it is as writable as the code itself and by no one else: never in a
// shared temporary folder, where another user could plant code. Where the folder cannot be written, the server
// starts as before, compiling.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

const bundle = join(__dirname, 'serverMain.js');
const cacheFile = join(__dirname, 'serverMain.v8cache');
const hashLength = 32;
const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

const source = readFileSync(bundle, 'utf8');
// V8 checks a cache only against the source's length, so a rebuilt bundle of the same length would run stale code.
const key = sha256(`${source}\0${process.version}\0${process.arch}`);

/**
 * The cache file: the key, the SHA-256 of the data, the data. Node's V8 does not verify a cache's checksum: a
 * damaged file would be run and the server would hang or crash on every start, so the data's hash is checked here.
 */
function readCache(): Buffer | undefined {
  try {
    const file = readFileSync(cacheFile);
    if (file.length <= 2 * hashLength || !file.subarray(0, hashLength).equals(key)) return undefined;
    const data = file.subarray(2 * hashLength);
    return sha256(data).equals(file.subarray(hashLength, 2 * hashLength)) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the cache at once (a rename), so a server starting meanwhile reads the old cache or the new one, never half. */
function writeCache(script: Script): void {
  const partial = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    writeFileSync(partial, Buffer.concat([key, sha256(data), data]));
    renameSync(partial, cacheFile);
  } catch {
    // A read-only install or a full disk: the next start compiles, as without a cache. Nothing may throw here,
    // in the exit handler: the server's exit code is the protocol's.
    try {
      rmSync(partial, { force: true });
    } catch {
      // A partial file left behind is never read.
    }
  }
}

const cachedData = readCache();
// The wrapper Node itself puts around a CommonJS file, on the bundle's first line so line numbers stay true.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
if (cachedData === undefined || script.cachedDataRejected === true) process.once('exit', () => writeCache(script));
const main = new Module(bundle, module);
main.filename = bundle;
(script.runInThisContext() as (...args: unknown[]) => void).call(main.exports, main.exports, createRequire(bundle), main, bundle, __dirname);
