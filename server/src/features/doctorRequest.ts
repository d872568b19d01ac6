// `duoRules/doctor`: the doctor for the editor. `Duo: Check Tenant` reads the tenant with the
// credentials stored in VS Code's SecretStorage; the open auth0-deploy-cli repository's findings
// come back with their files and lines for the Problems panel, read with the deploy-cli keyword
// mappings of the setting duoRules.mappingsFile in a trusted workspace. Read-only in both cases;
// the tenant code loads with the runner's bundle, on the first request.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LSPErrorCodes, ResponseError, type CancellationToken, type Range } from 'vscode-languageserver/node';
import { redactText, redactValue } from '../../../shared/redact';
import { findDeployRepositories, isDeployRepository } from '../workspace/repository';
import { DeployRepositoriesRequest, DoctorRequest, type DeployRepositoriesParams, type DeployRepositoriesResponse, type DoctorFailureData, type DoctorParams, type DoctorProblem, type DoctorResponse } from '../../../shared/protocol';
import type { ServerContext } from './context';
import { loadRunAndVerify } from './runAndVerifyLoader';
import { EDITOR_DOCTOR_WORDING } from './editorWording';

function lineRange(file: string, line: number | undefined, character: number | undefined): Range {
  const l = line ?? 0;
  let length = 0;
  try {
    length = readFileSync(file, 'utf8').split(/\r?\n/)[l]?.length ?? 0;
  } catch {
    // The file went away since it was read: a zero-width range still names it.
  }
  return { start: { line: l, character: character ?? 0 }, end: { line: l, character: Math.max(length, character ?? 0) } };
}

type TenantCode = ReturnType<typeof loadRunAndVerify>;

/**
 * The keyword mappings of `duoRules.mappingsFile` for a repository (relative to its workspace folder),
 * as `duo-rules doctor --mappings` reads them. A restricted setting: in an untrusted workspace the
 * file is never read. A file that cannot be read is a `setting` failure naming it.
 */
async function editorMappings(ctx: ServerContext, tenant: TenantCode, params: DoctorParams): Promise<Record<string, unknown> | undefined> {
  if (!ctx.isWorkspaceTrusted()) return undefined;
  const setting = (await ctx.getSettings(pathToFileURL(params.folder).href)).mappingsFile.trim();
  if (!setting) return undefined;
  const file = isAbsolute(setting) ? setting : join(params.workspaceFolder ?? params.folder, setting);
  try {
    return (await tenant.loadRunInputs({ mappings: file })).mappings;
  } catch (err) {
    if (err instanceof tenant.RunInputError) throw new ResponseError<DoctorFailureData>(LSPErrorCodes.RequestFailed, `The setting duoRules.mappingsFile: ${err.message}`, { kind: 'setting' });
    throw err;
  }
}

export function register(ctx: ServerContext): void {
  // Files only, no tenant code loaded: cheap enough for every workspace folder on every save.
  ctx.connection.onRequest(DeployRepositoriesRequest, (params: DeployRepositoriesParams): DeployRepositoriesResponse => ({ roots: findDeployRepositories(params.folder) }));
  ctx.connection.onRequest(DoctorRequest, async (params: DoctorParams, token: CancellationToken): Promise<DoctorResponse> => {
    // Checked before loading the tenant code, so a folder that is no repository costs nothing.
    if (!params.tenant && !isDeployRepository(params.folder)) return { report: null, notes: [], problems: [] };
    const tenant = loadRunAndVerify();
    if (params.tenant && !params.auth0) {
      throw new ResponseError<DoctorFailureData>(LSPErrorCodes.RequestFailed, 'No Auth0 credentials: run "Duo: Store Auth0 Credentials" first.', { kind: 'credentials' });
    }
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    const secrets: string[] = [];
    const hide = (s: string) => { if (s) secrets.push(s); };
    for (const v of Object.values(params.secrets ?? {})) hide(v);
    if (params.auth0) hide(params.auth0.clientSecret);
    // Only the setting's file maps tokens here: the editor's environment is not the deploy's.
    const mappings = params.tenant ? undefined : await editorMappings(ctx, tenant, params);
    const env: NodeJS.ProcessEnv = params.auth0
      ? { AUTH0_DOMAIN: params.auth0.domain, AUTH0_CLIENT_ID: params.auth0.clientId, AUTH0_CLIENT_SECRET: params.auth0.clientSecret }
      : {};
    try {
      const run = await tenant.runDoctor({
        path: params.folder,
        tenant: params.tenant,
        verify: params.verify ?? false,
        configuration: params.secrets,
        mappings,
        auth0Domain: params.auth0?.domain,
        auth0Url: params.auth0?.baseUrl || undefined,
        duoUrl: params.duo?.baseUrl || undefined,
        duoTimeoutMs: params.duo?.timeoutMs,
        network: { proxy: params.duo?.proxy, noProxy: params.duo?.noProxy, strictSSL: params.duo?.strictSSL, pinCertificates: params.duo?.pinCertificates },
        signal: abort.signal,
        wording: EDITOR_DOCTOR_WORDING,
      }, { cwd: params.workspaceFolder ?? params.folder, env }, hide);
      const problems: DoctorProblem[] = run.findings.filter((f) => f.location).map((f) => ({
        uri: pathToFileURL(f.location!.file).href,
        range: lineRange(f.location!.file, f.location!.line, f.location!.character),
        severity: f.severity === 'error' ? 1 : 2,
        id: f.id,
        message: f.message,
      }));
      // Last filter before anything leaves the server: no secret in the answer, whatever a server echoed.
      return redactValue({ report: run.report, notes: run.notes, problems }, secrets);
    } catch (err) {
      if (err instanceof tenant.TenantAccessError || err instanceof tenant.RepositoryError) {
        const data: DoctorFailureData = { kind: err instanceof tenant.TenantAccessError ? err.kind : 'repository' };
        throw new ResponseError<DoctorFailureData>(LSPErrorCodes.RequestFailed, redactText(err.message, secrets), data);
      }
      if (abort.signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Cancelled.');
      throw err;
    } finally {
      listener.dispose();
    }
  });
}
