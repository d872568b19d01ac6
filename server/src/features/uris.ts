import { fileURLToPath } from 'node:url';

/** The paths of recent URIs: every completion asks for its document's (for the declared keys), and a URI's path never changes. */
const recentPaths = new Map<string, string | null>();
const maxRecentPaths = 256;

/** The file path of a `file:` URI, or null for any other URI (untitled buffers, bad URIs). */
export function filePathOf(uri: string): string | null {
  const known = recentPaths.get(uri);
  if (known !== undefined) return known;
  let path: string | null;
  try {
    path = uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    path = null;
  }
  // A URI's path never changes; the map is emptied when full rather than kept in order, as few URIs are open at once.
  if (recentPaths.size >= maxRecentPaths) recentPaths.clear();
  recentPaths.set(uri, path);
  return path;
}

/** The innermost of the workspace folders that holds `path`. */
export function folderOf(path: string, folders: readonly string[]): string | undefined {
  return folders.filter((f) => path.startsWith(f)).sort((a, b) => b.length - a.length)[0];
}
