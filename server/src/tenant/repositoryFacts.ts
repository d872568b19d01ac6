// The doctor's offline source: the same facts as the Management API gives, from an
// auth0-deploy-cli export that the deploy-cli module reads (workspace/tenantExport.ts). Here the
// export becomes the doctor's facts: code as deploy-cli would deploy it, the Actions bound to the
// login flow, and notes for what an export cannot tell.
import { existsSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { replaceDeployKeywordsInCode, type DeployedCode } from '../workspace/deployValues';
import { DeployFileError, findDeployRepositories, isDirectory } from '../workspace/repository';
import { findTenantExport, readTenantExport, type ExportAction, type ExportCode, type TenantExport, type TenantExportPlace } from '../workspace/tenantExport';
import type { BoundAction, DuoSettings, FactLocation, TenantFacts, TenantRule } from './facts';

/** The repository cannot be read: an I/O or usage problem (exit status 2). */
export class RepositoryError extends Error {}

/** deploy-cli's keyword mappings, when the caller has them: code is then read as deploy-cli deploys it. */
type Mappings = Record<string, unknown> | undefined;

/** The code as deployed (keyword tokens replaced when there are mappings) and where it is written. */
function deployedCode(code: ExportCode | undefined, mappings: Mappings): { text?: string; keywords?: DeployedCode; location?: FactLocation } {
  if (!code) return {};
  if (!mappings) return { text: code.written, location: code.location };
  // Code inline in tenant.yaml had its tokens replaced with the whole file: only the unmapped ones are left.
  const keywords = replaceDeployKeywordsInCode(code.written, code.location ? mappings : {});
  return { text: keywords.text, keywords, location: code.location };
}

function bindActions(actions: ExportAction[], bound: string[] | undefined, mappings: Mappings, notes: string[]): BoundAction[] {
  const toBound = (a: ExportAction): BoundAction => {
    const code = deployedCode(a.code, mappings);
    return { name: a.name, code: code.text, deployed: code.text !== undefined, ...(code.text === undefined ? { codeMissing: true } : {}), allChangesDeployed: a.deployed, location: a.location, codeLocation: code.location, secretsFile: a.secretsFile, keywords: code.keywords };
  };
  if (bound === undefined) {
    const postLogin = actions.filter((a) => a.postLogin);
    if (postLogin.length) notes.push('The export has no trigger bindings (triggers), so every post-login Action in it is treated as bound to the login flow.');
    return postLogin.map(toBound);
  }
  const out: BoundAction[] = [];
  for (const name of bound) {
    const action = actions.find((a) => a.name === name);
    if (action) out.push(toBound(action));
    else notes.push(`The post-login trigger binds the Action "${name}", which is not in the export.`);
  }
  return out;
}

const SKEY_NOTE = 'auth0-deploy-cli never exports the Duo factor settings (their skey is secret), so the tenant\'s Duo keys were not checked; pass --configuration with DUO_IKEY, DUO_SKEY and DUO_HOST (or set them in the environment), or use --tenant.';

const NO_FACTORS_NOTE = {
  yaml: 'tenant.yaml has no guardianFactors, so which MFA factors are enabled was not checked.',
  directory: 'The export has no guardian/factors directory, so which MFA factors are enabled was not checked.',
} as const;

function toFacts(exported: TenantExport, shown: string, mappings: Mappings): TenantFacts {
  const notes: string[] = [];
  const rules = exported.rules.map((r): TenantRule => {
    const script = deployedCode(r.script, mappings);
    return { name: r.name, enabled: r.enabled, script: script.text, order: r.order, location: r.location, scriptLocation: script.location, keywords: script.keywords };
  });
  if (exported.factorsUnmapped.length) {
    const where = exported.format === 'yaml' ? 'tenant.yaml\'s guardianFactors' : 'guardian/factors/';
    notes.push(`The \`enabled\` of ${where} holds ${exported.factorsUnmapped.join(', ')}, which no keyword mapping maps, so which MFA factors are enabled was not checked.`);
  } else if (!exported.factors) {
    notes.push(NO_FACTORS_NOTE[exported.format]);
  }
  return {
    source: 'repository',
    tenant: shown,
    factors: exported.factors,
    duoSettings: undefined,
    postLoginActions: bindActions(exported.actions, exported.postLoginBindings, mappings, notes),
    rules: rules.sort((a, b) => (a.order ?? 0) - (b.order ?? 0)),
    notes,
    factorsLocation: exported.factorsLocation,
    exportKeywords: exported.keywordFiles,
  };
}

/** Where the export at `path` is, or a RepositoryError saying what to pass instead. */
function placeOf(path: string, shown: string): TenantExportPlace {
  if (!existsSync(path)) throw new RepositoryError(`${shown}: no such file or directory`);
  if (!isDirectory(path)) {
    if (!/\.ya?ml$/i.test(path)) throw new RepositoryError(`${shown}: give an auth0-deploy-cli repository directory or its tenant.yaml`);
    return { format: 'yaml', file: path };
  }
  const place = findTenantExport(path);
  if (place) return place;
  const below = findDeployRepositories(path).map((r) => relative(path, r).split(sep).join('/'));
  const hint = below.length ? `; below it: ${below.join(', ')}: pass one of them` : '; pass its path';
  throw new RepositoryError(`${shown} is not an auth0-deploy-cli repository (no tenant.yaml, and no rules/, actions/, triggers/ or guardian/ directory)${hint}, or --tenant to read the tenant itself`);
}

/**
 * Reads the repository at `path` (its root directory, a folder inside it, or its tenant.yaml).
 * `shown` is how the path appears in messages. With `mappings` (deploy-cli's keyword mappings),
 * the Actions' code and the Rules' scripts are what deploy-cli would deploy: their keyword tokens
 * replaced. Throws RepositoryError when it is not a deploy-cli repository or a file cannot be read.
 */
export function readRepositoryFacts(path: string, shown: string = path, localKeys?: { settings: DuoSettings; from: string }, mappings?: Record<string, unknown>): TenantFacts {
  const place = placeOf(path, shown);
  let exported: TenantExport;
  try {
    exported = readTenantExport(place, mappings);
  } catch (err) {
    if (err instanceof DeployFileError) throw new RepositoryError(err.message);
    throw err;
  }
  const facts = toFacts(exported, shown, mappings);
  if (localKeys) {
    facts.duoSettings = localKeys.settings;
    facts.notes.push(`The export has no Duo factor settings; the Duo keys from ${localKeys.from} stand in for them.`);
  } else {
    facts.notes.push(SKEY_NOTE);
  }
  return facts;
}
