// The input files of a run, by path: the CLI takes them from its flags, the extension from its
// settings (resolved against the workspace folder) and sends them with duoRules/run; the runner reads them.

/** Paths of the optional input files, as given on the command line or in the editor's settings. */
export interface RunInputFiles {
  user?: string;
  context?: string;
  event?: string;
  configuration?: string;
  mappings?: string;
  /** `--mocks` / `duoRules.mock.mocksFile`. */
  mocks?: string;
}
