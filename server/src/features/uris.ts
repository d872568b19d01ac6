import { fileURLToPath } from 'node:url';

/** The file path of a `file:` URI, or null for any other URI (untitled buffers, bad URIs). */
export function filePathOf(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

/** The innermost of the workspace folders that holds `path`. */
export function folderOf(path: string, folders: readonly string[]): string | undefined {
  return folders.filter((f) => path.startsWith(f)).sort((a, b) => b.length - a.length)[0];
}
