// Pushes duo-rules diagnostics for open documents on open, change and save.
//
// Once a document is edited, its analysis runs in the analysis thread (analysisThreadClient.ts), so the
// main thread stays free for the completion and hover of the next keystroke: the change is sent there once a
// completion or hover that came with it has been answered (or the client has written nothing for a
// millisecond). Before that thread is ready (the first diagnostics at start-up are computed before it starts)
// or if it fails, the analysis runs here, on the main thread, and a completion or hover sent with the
// keystroke goes first: that analysis waits longer for the client to stop writing and yields until such a
// request is answered. Debounce is adaptive either way: a document that analysed
// quickly last time is analysed at once (no fixed delay on small files); a slow one waits for a pause in typing.
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeModel, toDiagnostic } from '../analysis/diagnostics';
import { summarizeModel } from '../analysis/modelSummary';
import type { Finding } from '../analysis/diagnostics';
import type { AnalysedText, ServerContextInternals } from './context';
import { inBackground } from '../../../shared/background';
import { collectYoungGenerationIfFilling } from './idleCollection';

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
/**
 * With the analysis thread the client's pause need only be a moment, and none once the keystroke's completion
 * or hover has been answered: long enough for a client that was interrupted between the didChange and the
 * completion of a keystroke to write the second. A thread started at once took the core it needed for that: in
 * the scheduler's trace of the 100 kB benchmark a completion then waited up to 4 ms behind the analysis.
 */
const threadSettleMs = 1;
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
  /** Settles when the document's analysis in the thread is done: one at a time per document. */
  inThread?: Promise<void>;
}

function isScript(document: TextDocument): boolean {
  return document.languageId === 'javascript' || /\.(c|m)?js$/i.test(document.uri);
}

export function register(ctx: ServerContextInternals): void {
  const { connection, documents } = ctx;
  const states = new Map<string, DocumentState>();
  let warm = false;
  let warmThread = false;

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

  /** `opened`: the document was just opened; its first analysis runs here, so hover has a model of its own here. */
  function schedule(document: TextDocument, immediate = false, opened = false): void {
    const state = stateOf(document.uri);
    // didOpen is followed by a content event for the same version: one run is enough.
    if (!immediate && state.scheduledVersion === document.version) return;
    // The first edit starts the analysis thread; its later analyses go there once it is ready.
    if (!immediate) ctx.analysisThread?.start();
    state.scheduledVersion = document.version;
    const generation = ++state.generation;
    cancelPending(state);
    // Even "at once" yields to the message queue first (setImmediate runs after pending I/O),
    // so requests already received go first.
    const run = () => inBackground(validate(document.uri, generation, performance.now(), !immediate, opened), (err) => ctx.log(`duo-rules: analysis failed for ${document.uri}: ${describe(err)}`));
    const delay = delayFor(document, state, immediate);
    if (delay === 0) state.immediate = setImmediate(run);
    else state.timer = setTimeout(run, delay);
  }

  /**
   * `settle`: wait for the client to stop writing first (after a change, not on open or save), unless the analysis
   * thread runs. `here`: analyse on the main thread even when the thread runs.
   */
  async function validate(uri: string, generation: number, since: number, settle: boolean, here = false): Promise<void> {
    const state = states.get(uri);
    if (!state || state.generation !== generation) return;
    state.timer = undefined;
    state.immediate = undefined;
    const again = () => inBackground(validate(uri, generation, since, settle, here), (err) => ctx.log(`duo-rules: analysis failed for ${uri}: ${describe(err)}`));
    // A completion or hover arrived and waits in the connection's queue: let it be answered from the text and the
    // last model first. Checked before anything else, as even reading the cached settings and declared keys is
    // time the answer would wait (this run comes first when the request arrived with its keystroke's change).
    if (ctx.editingRequestPending() && performance.now() - since < maxYieldMs) {
      state.immediate = setImmediate(again);
      return;
    }
    try {
      const settings = await ctx.getSettings(uri);
      const declared = await ctx.getDeclaredKeys(uri);
      const document = documents.get(uri);
      if (!document || state.generation !== generation) return;
      const diagnostics: Diagnostic[] = [];
      const analyse = settings.enable && isScript(document);
      // A just opened document is analysed here: nothing waits on it yet, and the model kept here then answers
      // hovers above later edits without asking the thread (which may be busy with the next analysis).
      const thread = !here && ctx.analysisThread?.available() ? ctx.analysisThread : undefined;
      if (analyse && (thread || ctx.getCurrentModel(uri) === undefined) && performance.now() - since < maxYieldMs) {
        // A completion or hover that arrived while the settings were read: answered first, then parse. With
        // the thread too: its analysis would take the core the answer needs on a small machine.
        if (ctx.editingRequestPending()) {
          state.immediate = setImmediate(again);
          return;
        }
        // With the thread, a completion or hover answered since the change means the client wrote its keystroke.
        const quiet = ctx.clientQuietForMs();
        const settleMs = !thread ? Math.min(maxSettleMs, Math.max(minSettleMs, settleFraction * (state.lastDurationMs ?? 0)))
          : ctx.editingAnsweredAt() >= since ? 0 : threadSettleMs;
        if (settle && quiet < settleMs) {
          state.timer = setTimeout(again, settleMs - quiet);
          return;
        }
      }
      let analysed: AnalysedText | undefined;
      if (analyse) {
        const options = { severities: settings.severities, declaredConfigurationKeys: declared };
        const text = document.getText();
        let findings: Finding[] | undefined;
        let duration = 0;
        let counted = false;
        if (thread) {
          // One analysis of a document in the thread at a time: a newer version waits for it, an older one is dropped.
          while (state.inThread) {
            await state.inThread;
            if (state.generation !== generation) return;
          }
          const job = thread.analyze(uri, document.version, text, options);
          const inThread = job.then(() => undefined, () => undefined);
          state.inThread = inThread;
          // The keystroke is answered and the thread analyses: collect now rather than in the next keystroke.
          if (!ctx.editingRequestPending()) collectYoungGenerationIfFilling();
          try {
            const result = await job;
            ({ findings, durationMs: duration } = result);
            analysed = { text, summary: result.summary };
            // The thread's first analysis runs on its cold code: not counted either.
            counted = warmThread;
            warmThread = true;
            // A large file's older model is not kept here as well: two would double the server's memory. The
            // thread's answers hovers on it, from its newer model.
            if (text.length > quickTextLength && ctx.getCurrentModel(uri) === undefined) ctx.forgetModel(uri);
          } catch (err) {
            ctx.log(`duo-rules: the analysis thread could not analyse ${uri}, analysing here: ${describe(err)}`);
          } finally {
            if (state.inThread === inThread) state.inThread = undefined;
          }
          if (state.generation !== generation) return;
        }
        if (!findings) {
          const started = performance.now();
          // Reuses a model another feature already built for this version.
          const model = ctx.ensureModel(uri);
          if (!model) return;
          findings = analyzeModel(model, options);
          duration = performance.now() - started;
          counted = warm;
          warm = true;
          analysed = { text: model.text, summary: summarizeModel(model) };
        }
        // Smoothed, so one slow run (a busy machine) does not switch the file to deferred mode. The server's
        // first analysis runs on cold code (several times slower) and is not counted: the text length decides
        // until the next one.
        if (counted) state.lastDurationMs = state.lastDurationMs === undefined ? duration : (state.lastDurationMs + duration) / 2;
        for (const f of findings) {
          const diagnostic = toDiagnostic(f);
          diagnostics.push({ ...diagnostic, message: editorMessages[String(diagnostic.code)] ?? diagnostic.message });
        }
      }
      ctx.recordSummary(uri, analysed);
      for (const listener of ctx.modelBuiltListeners) listener(uri, analysed?.summary);
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

  // A large file opened while the thread runs is analysed there only: one model of it in the server, not two.
  documents.onDidOpen((e) => schedule(e.document, true, e.document.getText().length <= quickTextLength));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidSave((e) => schedule(e.document, true));
  documents.onDidClose((e) => {
    const state = states.get(e.document.uri);
    if (state) {
      // A run still on its way (waiting for settings or for the thread) must not send the closed text to the thread.
      state.generation++;
      cancelPending(state);
    }
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
