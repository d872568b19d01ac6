// Pushes duo-rules diagnostics for open documents on open, change and save.
//
// Debounce is adaptive: a document that analysed quickly last time is analysed at once (no
// fixed delay on small files); a slow one waits for a pause in typing, so a completion request
// sent right after a keystroke is answered before the (synchronous) analysis starts.
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeModel, toDiagnostic } from '../analysis/diagnostics';
import type { ServerContextInternals } from './context';
import { inBackground } from '../../../shared/background';

/**
 * In the editor, advice names the editor's command; the shared analysis words it for the command
 * line (`duo-rules lint` prints the same finding).
 */
const editorMessages: Partial<Record<string, string>> = {
  'rules-eol': 'Auth0 Rules reached end of life on 2026-11-18 and no longer run: migrate this rule to a post-login Action with the command "Duo: Convert Rule to Post-Login Action".',
};

/** Analysis slower than this (ms) is deferred until typing pauses; a 1k-line rule takes about 10 ms. */
const quickAnalysisMs = 50;
/** Before the first measurement, texts longer than this are assumed slow. */
const quickTextLength = 200_000;

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
    const run = () => inBackground(validate(document.uri, generation), (err) => ctx.log(`duo-rules: analysis failed for ${document.uri}: ${describe(err)}`));
    const delay = delayFor(document, state, immediate);
    if (delay === 0) state.immediate = setImmediate(run);
    else state.timer = setTimeout(run, delay);
  }

  async function validate(uri: string, generation: number): Promise<void> {
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
      if (settings.enable && isScript(document)) {
        const started = performance.now();
        // Reuses a model another feature already built for this version.
        const model = ctx.ensureModel(uri);
        if (!model) return;
        const findings = analyzeModel(model, { severities: settings.severities, declaredConfigurationKeys: declared });
        // Smoothed, so one slow run (a cold JIT, a busy machine) does not switch the file to deferred mode.
        const duration = performance.now() - started;
        state.lastDurationMs = state.lastDurationMs === undefined ? duration : (state.lastDurationMs + duration) / 2;
        for (const f of findings) {
          const diagnostic = toDiagnostic(f);
          diagnostics.push({ ...diagnostic, message: editorMessages[String(diagnostic.code)] ?? diagnostic.message });
        }
      }
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
