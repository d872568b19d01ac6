// Work started without waiting for its result (a notification sent, a message shown). A promise
// left without a rejection handler ends the Node process when it rejects (the language server, the
// CLI) and is reported against the extension in VS Code; this hands the failure to a reporter.

/** Lets `work` finish on its own; if it fails, `report` gets the error (a failing `report` is dropped). */
export function inBackground(work: PromiseLike<unknown>, report: (err: unknown) => void): void {
  work.then(undefined, (err: unknown) => {
    try {
      report(err);
    } catch {
      // The reporter's own channel is gone too (the connection closed): there is nowhere left to tell.
    }
  });
}
