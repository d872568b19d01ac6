// The floor under the language-server floors: a process that answers each request over Node's IPC channel with
// the request itself, with no LSP library behind it. Typed into after the same idle gap as our server, its p95
// is what waking two processes for one round trip costs on this machine.
process.on('message', (message: { id?: unknown }) => {
  if (message.id !== undefined) process.send?.(message);
});
