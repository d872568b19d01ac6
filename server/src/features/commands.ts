// Custom requests behind the editor's Run / Verify / Convert / Create Mock Files commands.
// Thin: they read the inputs the client names, call the runner, the Duo verifier and the
// converter, and answer with the same JSON as `duo-rules run --format json [--verify]`.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CancellationToken, type Diagnostic, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { convertRule } from '../analysis/ruleConverter';
import type { VerifyResult } from '../../../shared/verifyResult';
import { createDefaultContext, createDefaultEvent, createDefaultUser } from '../runner/mockInputs';
import type { RunOutcome } from '../runner/runTypes';
import type { RunResult } from '../../../shared/runResult';
import type { EquivalenceReport } from '../../../shared/equivalenceReport';
import {
  ConvertRequest, inputErrorCode, MockInputsRequest, RunRequest, UnsetSecretsRequest, VerifyDiagnosticsNotification, VerifyRequest,
  type MockInputsResponse, type RunParams, type UnsetSecretsParams, type UnsetSecretsResponse, type VerifyDiagnosticsParams, type VerifyParams, type VerifyResponse,
} from '../../../shared/protocol';
import { inBackground } from '../../../shared/background';
import type { ServerContext } from './context';
import { planDeployCliAction } from '../workspace/actionFiles';
import type { LoadedRunInputs } from './runAndVerify';
import { loadRunAndVerify } from './runAndVerifyLoader';
import { EDITOR_DOCTOR_WORDING, EDITOR_TENANT_KEY_PLACES } from './editorWording';
import { findVerifyFailureFindings } from '../analysis/verifyFailures';
import { toDiagnostic } from '../analysis/diagnostics';

async function loadInputs(params: RunParams): Promise<LoadedRunInputs> {
  const { loadRunInputs, RunInputError } = loadRunAndVerify();
  try {
    return await loadRunInputs(params.files, params.workspaceRoot);
  } catch (err) {
    if (err instanceof RunInputError) throw new ResponseError(inputErrorCode, err.message);
    throw err;
  }
}

async function runWithInputs(ctx: ServerContext, params: RunParams, inputs: LoadedRunInputs): Promise<RunOutcome> {
  const { parseNow, runFile, RunInputError } = loadRunAndVerify();
  if (params.now !== undefined) {
    try {
      parseNow(params.now);
    } catch (err) {
      // Named as the user set it: the editor's clock comes from the setting.
      throw new ResponseError(inputErrorCode, `duoRules.mock.${(err as Error).message}`);
    }
  }
  try {
    return await runFile({
      file: params.file,
      text: params.text,
      user: inputs.user,
      context: inputs.context,
      event: inputs.event,
      configuration: { ...inputs.configuration, ...params.secrets },
      mappings: inputs.mappings,
      mocks: inputs.mocks,
      now: params.now,
      timeoutMs: params.timeoutMs,
      workspaceRoot: params.workspaceRoot,
      network: params.network === 'off' ? 'off' : 'on',
      // Like the CLI: keys missing from the configuration come from the environment, but only DUO_* and
      // keys the workspace declares (deploy-cli files, duoRules.configurationKeys).
      env: process.env,
      declaredKeys: await ctx.getDeclaredKeys(params.uri),
      audience: 'editor',
    });
  } catch (err) {
    if (err instanceof RunInputError) throw new ResponseError(inputErrorCode, err.message);
    throw err;
  }
}

/** The Auth0 user id the login is for: the run's user (Rules), else the mock inputs, else the default user. */
function userIdOf(result: RunResult, inputs: LoadedRunInputs): string | undefined {
  const candidates = [result.user, inputs.user, (inputs.event as { user?: unknown } | undefined)?.user, createDefaultUser()];
  for (const user of candidates) {
    const id = (user as { user_id?: unknown } | undefined)?.user_id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

function throwIfCancelled(token: CancellationToken): void {
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Cancelled');
}

async function documentText(ctx: ServerContext, uri: string, text: string | undefined): Promise<string> {
  if (text !== undefined) return text;
  const open = ctx.documents.get(uri);
  if (open) return open.getText();
  return readFile(fileURLToPath(uri), 'utf8');
}

async function buildVerifyDiagnostics(ctx: ServerContext, uri: string, text: string, verify: VerifyResult): Promise<Diagnostic[]> {
  // The same layers as every other code: default <- .duo-rules.json <- duoRules.diagnostics.duo-verify-failed.
  const { severities } = await ctx.getSettings(uri);
  return findVerifyFailureFindings(text, verify, severities).map(toDiagnostic);
}

export function register(ctx: ServerContext): void {
  const { connection } = ctx;
  // Per file, the keys its last run read without a value: the result view's Store Secret proposes
  // them. Kept out of the run's JSON, which stays what `duo-rules run --format json` prints.
  const unsetByUri = new Map<string, string[]>();
  const remember = (uri: string, outcome: RunOutcome) => {
    unsetByUri.delete(uri);
    unsetByUri.set(uri, outcome.unsetKeys);
    // Bounded: the files run in this session, at most the last 100.
    if (unsetByUri.size > 100) unsetByUri.delete(unsetByUri.keys().next().value!);
  };

  connection.onRequest(UnsetSecretsRequest, (params: UnsetSecretsParams): UnsetSecretsResponse => {
    const unset = unsetByUri.get(params.uri) ?? [];
    // Only after a run of the file, so the runner's code is loaded already.
    return { names: unset.length ? loadRunAndVerify().unsetReadKeys(unset, {}) : [] };
  });

  connection.onRequest(RunRequest, async (params: RunParams, token: CancellationToken): Promise<RunResult> => {
    const outcome = await runWithInputs(ctx, params, await loadInputs(params));
    remember(params.uri, outcome);
    throwIfCancelled(token);
    return outcome.result;
  });

  connection.onRequest(VerifyRequest, async (params: VerifyParams, token: CancellationToken): Promise<VerifyResponse> => {
    const inputs = await loadInputs(params);
    const outcome = await runWithInputs(ctx, params, inputs);
    remember(params.uri, outcome);
    throwIfCancelled(token);
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    const { verifyRunKeys, findConfigurationKeys, unsetKeysAdvice, unsetReadKeys } = loadRunAndVerify();
    let verify: VerifyResult;
    const local = { ...inputs.configuration, ...params.secrets };
    const auth0 = params.auth0;
    // Names only: which keys the code reads have no value, and where the editor takes them from.
    const unset = unsetReadKeys(findConfigurationKeys(await documentText(ctx, params.uri, params.text).catch(() => '')), local);
    const advice = unsetKeysAdvice('editor', outcome.result.kind, unset, params.file);
    try {
      verify = await verifyRunKeys(outcome.secretMultifactor, { userId: userIdOf(outcome.result, inputs) }, { ...params.duo, signal: abort.signal, unsetKeysAdvice: advice }, {
        tenant: auth0 ? {
          credentials: { domain: auth0.domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret, explicitDomain: true, refusedHint: EDITOR_DOCTOR_WORDING.refusedCredentials },
          http: { baseUrl: auth0.baseUrl, baseUrlName: EDITOR_DOCTOR_WORDING.auth0Url, proxy: params.duo.proxy, noProxy: params.duo.noProxy, strictSSL: params.duo.strictSSL, timeoutMs: params.duo.timeoutMs, signal: abort.signal },
        } : undefined,
        local: { DUO_IKEY: local.DUO_IKEY || process.env.DUO_IKEY, DUO_SKEY: local.DUO_SKEY || process.env.DUO_SKEY, DUO_HOST: local.DUO_HOST || process.env.DUO_HOST },
        ...EDITOR_TENANT_KEY_PLACES,
      });
    } catch (err) {
      throwIfCancelled(token);
      throw err;
    } finally {
      listener.dispose();
    }
    throwIfCancelled(token);
    const text = await documentText(ctx, params.uri, params.text);
    const diagnostics = await buildVerifyDiagnostics(ctx, params.uri, text, verify);
    inBackground(connection.sendNotification(VerifyDiagnosticsNotification, { uri: params.uri, diagnostics } satisfies VerifyDiagnosticsParams), (err) => ctx.log(`duo-rules: could not send the verify diagnostics of ${params.uri}: ${String(err)}`));
    return { ...outcome.result, verify };
  });

  connection.onRequest(ConvertRequest, async (params) => {
    const text = await documentText(ctx, params.uri, params.text);
    const converted = convertRule(text);
    if (!converted.ok) return converted;
    const uri = new URL(params.uri);
    const fileName = decodeURIComponent(uri.pathname.split('/').pop() ?? '');
    const name = (uri.protocol === 'file:' && fileName.replace(/\.js$/i, '')) || converted.functionName || 'duo-mfa';
    const rulePath = uri.protocol === 'file:' ? fileURLToPath(uri) : null;
    const deployCli = rulePath ? planDeployCliAction(rulePath, name, converted.code, converted.secrets) : null;
    const actionPath = rulePath && !deployCli ? join(dirname(rulePath), `${name}.action.js`) : null;
    let check: EquivalenceReport | { error: string } | undefined;
    if (params.check) {
      const file = rulePath ?? join(process.cwd(), `${name}.js`);
      try {
        const runner = loadRunAndVerify();
        check = await runner.checkEquivalence({
          rules: [{ file, source: text }],
          actions: [{ file: deployCli?.codePath ?? actionPath ?? join(dirname(file), `${name}.action.js`), source: converted.code }],
          actionSecrets: converted.movedValues,
          workspaceRoot: runner.findWorkspaceRoot(dirname(file)),
          audience: 'editor',
        });
      } catch (err) {
        check = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    return { ok: true, name, code: converted.code, notes: converted.notes, secrets: converted.secrets, deployCli, actionPath, ...(check ? { check } : {}) };
  });

  connection.onRequest(MockInputsRequest, (): MockInputsResponse => {
    const user = createDefaultUser();
    // The mock event's user would only be overridden by the user file: keep one source of truth.
    const event = createDefaultEvent(user);
    delete event.user;
    return { user, context: createDefaultContext(), event };
  });
}
