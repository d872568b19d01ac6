// Pushes duo-rules diagnostics for open documents on open, change and save.
//
// Debounce is adaptive: a document that analysed quickly last time is analysed at once (no
// fixed delay on small files); a slow one waits for a pause in typing. Either way a completion or
// hover sent with the keystroke goes first: the (synchronous) analysis waits for the client to stop writing
// and yields until such a request is answered.
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeModel, toDiagnostic } from '../analysis/diagnostics';
import type { RuleModel } from '../analysis/model';
import type { ServerContextInternals } from './context';
import { inBackground } from '../../../shared/background';

/**
 * In the editor, advice names the editor's command; the shared analysis words it for the command
 * line (`duo-rules lint` prints the same finding).
 */
const editorMessages: Partial<Record<string, string>> = {
  'rules-eol': 'Auth0 Rules reached end of life on 2026-11-18 and no longer run: migrate this rule to a post-login Action with the command "Duo: Convert Rule to Post-Login Action".',
};

/** Analysis slower than this (ms) is deferred until typing pauses; a 1k-line rule takes about 10 ms, 100 kB about 20 ms. */
const quickAnalysisMs = 100;
/** Before the first measurement, texts longer than this are assumed slow. */
const quickTextLength = 200_000;
/**
 * After a keystroke the analysis starts only once the client has written nothing for a while: the completion
 * request of the same keystroke is a separate write that may arrive a moment after the didChange (later on a
 * busy machine). The wait is this fraction of the document's last analysis time, so the diagnostics come at
 * most that much later, and a completion arriving after it waits at most one analysis; between these bounds.
 */
const settleFraction = 0.4;
const minSettleMs = 2;
const maxSettleMs = 20;
/** The analysis yields to pending completion/hover requests for at most this long (a handler that hangs must not stop it). */
const maxYieldMs = 500;

interface DocumentState {
  /** Bumped by every change: a run whose generation is stale stops before analysing or publishing. */
  generation: number;
  timer?: NodeJS.Timeout;
  immediate?: NodeJS.Immediate;
  /** The document version the pending or last run is for. */
  scheduledVersion?: number;
  lastDurationMs?: number;
}

function isScript(document: TextDocument): boolean {
  return document.languageId === 'javascript' || /\.(c|m)?js$/i.test(document.uri);
}

export function register(ctx: ServerContextInternals): void {
  const { connection, documents } = ctx;
  const states = new Map<string, DocumentState>();
  let warm = false;

  function stateOf(uri: string): DocumentState {
    let state = states.get(uri);
    if (!state) {
      state = { generation: 0 };
      states.set(uri, state);
    }
    return state;
  }

  /** How long to wait before analysing: nothing for quick files, a typing pause for slow ones. */
  function delayFor(document: TextDocument, state: DocumentState, immediate: boolean): number {
    if (immediate) return 0;
    const duration = state.lastDurationMs;
    if (duration === undefined) return document.getText().length > quickTextLength ? 300 : 0;
    if (duration <= quickAnalysisMs) return 0;
    return Math.min(1000, Math.max(250, duration * 4));
  }

  function schedule(document: TextDocument, immediate = false): void {
    const state = stateOf(document.uri);
    // didOpen is followed by a content event for the same version: one run is enough.
    if (!immediate && state.scheduledVersion === document.version) return;
    state.scheduledVersion = document.version;
    const generation = ++state.generation;
    cancelPending(state);
    // Even "at once" yields to the message queue first (setImmediate runs after pending I/O),
    // so requests already received go first.
    const run = () => inBackground(validate(document.uri, generation, performance.now(), !immediate), (err) => ctx.log(`duo-rules: analysis failed for ${document.uri}: ${describe(err)}`));
    const delay = delayFor(document, state, immediate);
    if (delay === 0) state.immediate = setImmediate(run);
    else state.timer = setTimeout(run, delay);
  }

  /** `settle`: wait for the client to stop writing first (after a change, not on open or save). */
  async function validate(uri: string, generation: number, since: number, settle: boolean): Promise<void> {
    const state = states.get(uri);
    if (!state || state.generation !== generation) return;
    state.timer = undefined;
    state.immediate = undefined;
    try {
      const settings = await ctx.getSettings(uri);
      const declared = await ctx.getDeclaredKeys(uri);
      const document = documents.get(uri);
      if (!document || state.generation !== generation) return;
      const diagnostics: Diagnostic[] = [];
      if (settings.enable && isScript(document) && ctx.getCurrentModel(uri) === undefined && performance.now() - since < maxYieldMs) {
        const again = () => inBackground(validate(uri, generation, since, settle), (err) => ctx.log(`duo-rules: analysis failed for ${uri}: ${describe(err)}`));
        // A completion or hover arrived and waits in the connection's queue: let it be answered from the
        // text and the last model first, then parse.
        if (ctx.editingRequestPending()) {
          state.immediate = setImmediate(again);
          return;
        }
        const quiet = ctx.clientQuietForMs();
        const settleMs = Math.min(maxSettleMs, Math.max(minSettleMs, settleFraction * (state.lastDurationMs ?? 0)));
        if (settle && quiet < settleMs) {
          state.timer = setTimeout(again, settleMs - quiet);
          return;
        }
      }
      let model: RuleModel | undefined;
      if (settings.enable && isScript(document)) {
        const started = performance.now();
        // Reuses a model another feature already built for this version.
        model = ctx.ensureModel(uri);
        if (!model) return;
        const findings = analyzeModel(model, { severities: settings.severities, declaredConfigurationKeys: declared });
        // Smoothed, so one slow run (a busy machine) does not switch the file to deferred mode. The server's
        // first analysis runs on cold code (several times slower) and is not counted: the text length decides
        // until the next one.
        const duration = performance.now() - started;
        if (warm) state.lastDurationMs = state.lastDurationMs === undefined ? duration : (state.lastDurationMs + duration) / 2;
        warm = true;
        for (const f of findings) {
          const diagnostic = toDiagnostic(f);
          diagnostics.push({ ...diagnostic, message: editorMessages[String(diagnostic.code)] ?? diagnostic.message });
        }
      }
      for (const listener of ctx.modelBuiltListeners) listener(uri, model);
      for (const provider of ctx.diagnosticProviders) {
        try {
          diagnostics.push(...(await provider(document, settings)));
        } catch (err) {
          ctx.log(`duo-rules: a diagnostics provider failed for ${uri}: ${describe(err)}`);
        }
      }
      if (state.generation !== generation || !documents.get(uri)) return;
      await connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    } catch (err) {
      // Never let one document take the server down: log and keep serving.
      ctx.log(`duo-rules: analysis failed for ${uri}: ${describe(err)}`);
    }
  }

  documents.onDidOpen((e) => schedule(e.document, true));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidSave((e) => schedule(e.document, true));
  documents.onDidClose((e) => {
    const state = states.get(e.document.uri);
    if (state) cancelPending(state);
    states.delete(e.document.uri);
    ctx.forget(e.document.uri);
    inBackground(connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }), (err) => ctx.log(`duo-rules: could not clear the diagnostics of ${e.document.uri}: ${describe(err)}`));
  });
  ctx.refreshListeners.push(() => {
    for (const document of documents.all()) schedule(document, true);
  });
}

function cancelPending(state: DocumentState): void {
  if (state.timer) clearTimeout(state.timer);
  if (state.immediate) clearImmediate(state.immediate);
  state.timer = undefined;
  state.immediate = undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
