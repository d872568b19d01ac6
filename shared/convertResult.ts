// What converting a Rule to a post-login Action gives besides the code: the notes the user must
// look at and, in an auth0-deploy-cli repository, the Action's files. The converter and the
// workspace produce them; the CLI prints them, the extension shows them and writes the files.

/** Something the user must look at. `line` is 1-based in the Action; `blocking` ones are TODO comments there. */
export interface ConvertNote {
  line: number;
  blocking: boolean;
  message: string;
}

/** Where a converted Rule goes in an auth0-deploy-cli repository, and what to write there. */
export interface DeployCliActionPlan {
  /** Absolute path of actions/<name>/code.js. */
  codePath: string;
  /** Absolute path of actions/<name>.json. */
  jsonPath: string;
  /** The JSON text to write (secrets as deploy-cli keyword tokens, never values). */
  json: string;
  /** The Action's code (identical to the conversion result). */
  code: string;
}
