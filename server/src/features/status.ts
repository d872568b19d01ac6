import type { FileKind } from '../analysis/model';

/** `duoRules/status` notification: what the active file is and how many problems it has. */
export interface FileStatus {
  uri: string;
  kind: FileKind;
  problems: number;
}
