// The MFA a login requires, as the runner records it and the Duo client verifies it. It belongs
// to neither: the runner produces it, the Duo client and the editor's result view consume it.

/** The MFA a login would require, normalised for Rules and Actions. Options the code did not set are absent. */
export interface Multifactor {
  provider: string;
  ikey?: unknown;
  skey?: unknown;
  host?: unknown;
  username?: unknown;
  allowRememberBrowser?: unknown;
  admin?: { ikey?: unknown; skey?: unknown };
}
