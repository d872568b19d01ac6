// The analysis thread (a worker_thread the language server starts on the first edit, running the server's
// own file, which calls serveAnalysisThread instead of starting a server): it parses and analyses documents
// so that the server's main thread, which keeps the text in sync and answers completion, is never blocked by
// a parse. It keeps the latest model of each document, so hover and code actions on the current text are
// answered here too without parsing again.
import type { MessagePort } from 'node:worker_threads';
import { analyzeModel } from '../analysis/diagnostics';
import { planCodeActions } from '../analysis/codeActionPlan';
import { hoverFromModel } from '../analysis/hover';
import { buildModel, type RuleModel } from '../analysis/model';
import { analysisThreadNice, lowerOwnThreadPriority } from './threadPriority';
import { summarizeModel } from '../analysis/modelSummary';
import type { ThreadMessage, ThreadReply } from './analysisThreadClient';

/** Each open document's latest text (as the main thread sent it) and the last model built, maybe of older text. */
const documents = new Map<string, { text: string; last?: RuleModel }>();

function documentOf(uri: string, text: string | undefined): { text: string; last?: RuleModel } {
  let doc = documents.get(uri);
  if (text !== undefined) {
    if (doc) doc.text = text;
    else documents.set(uri, (doc = { text }));
  }
  if (!doc) throw new Error(`the analysis thread has no text for ${uri}`);
  return doc;
}

function currentModel(doc: { text: string; last?: RuleModel }): RuleModel {
  if (doc.last?.text !== doc.text) {
    // The older model goes first: a 1 MB file's two models (30 MB each) would otherwise both be live while the new
    // one is built, and the heap grown for both stays with the thread.
    doc.last = undefined;
    doc.last = buildModel(doc.text);
  }
  return doc.last;
}

function handle(message: ThreadMessage): unknown {
  switch (message.job) {
    case 'analyze': {
      const started = performance.now();
      const model = currentModel(documentOf(message.uri, message.text));
      const findings = analyzeModel(model, message.options);
      return { findings, summary: summarizeModel(model), durationMs: performance.now() - started };
    }
    case 'hover': {
      const doc = documentOf(message.uri, message.text);
      const answer = doc.last ? hoverFromModel(doc.last, doc.text, message.offset) : 'stale';
      return (answer === 'stale' ? hoverFromModel(currentModel(doc), doc.text, message.offset) : answer) ?? null;
    }
    case 'codeActions':
      return planCodeActions(currentModel(documentOf(message.uri, message.text)), message.options, message.query);
    case 'forget':
      documents.delete(message.uri);
      return null;
  }
}

/** Answers the main thread's jobs on `port` (the thread's parentPort). */
export function serveAnalysisThread(port: MessagePort): void {
  // It gives way to the main thread, which answers completion.
  lowerOwnThreadPriority(analysisThreadNice);
  port.on('message', (message: ThreadMessage) => {
    let reply: ThreadReply;
    try {
      reply = { id: message.id, result: handle(message) };
    } catch (err) {
      reply = { id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies ThreadReply);
}
