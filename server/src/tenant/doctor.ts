// `duo-rules doctor`'s checks: from the facts about a tenant (factors, Duo settings, bound
// post-login Actions, Rules) to findings with a stable id, a severity and the fix. Pure: the
// facts come from the Management API or a deploy-cli repository; verification is separate.
import { analyze } from '../analysis/diagnostics';
import { buildModel, findProperty, type MfaConfig, type RuleModel } from '../analysis/model';
import { listKeywordTokens, writtenOffset } from '../workspace/deployValues';
import type { BoundAction, DuoSettings, FactLocation, TenantFacts, TenantRule } from './facts';

export type DoctorSeverity = 'error' | 'warning';

export interface DoctorFinding {
  /** duo-in-rule, no-duo-action, …, or a `duo-rules lint` code for a bound Action's code. */
  id: string;
  severity: DoctorSeverity;
  /** What is wrong and the fix; never a secret. */
  message: string;
  /** What it is about: `rule:<name>`, `action:<name>`, `factor:duo`, `factors` or `duo-settings`. */
  subject: string;
  /** Repository sources: the file (and zero-based line/character) the finding belongs to. */
  location?: FactLocation & { character?: number };
}

const RULES_END_OF_LIFE = '2026-11-18';

function duoConfigs(model: RuleModel): MfaConfig[] {
  return model.configs.filter((c) => c.providerName === 'duo');
}

const otherRuleProviders = new Set(['any', 'guardian', 'google-authenticator']);

/**
 * What MFA a Rule script asks for, from one parse: whether it configures Duo (`context.multifactor = { provider:
 * 'duo', … }`), and the other providers it names (`any`, `guardian`, `google-authenticator`).
 */
function ruleMfa(script: string | undefined): { duo: boolean; others: string[] } {
  if (!script) return { duo: false, others: [] };
  const model = buildModel(script);
  // A configuration assembled in steps or by a helper: the provider is still written down somewhere.
  const duo = duoConfigs(model).length > 0 || (model.configs.length > 0 && /provider\s*:\s*['"`]duo['"`]/.test(script));
  const others = model.configs.map((c) => c.providerName).filter((p): p is string => p !== undefined && otherRuleProviders.has(p));
  return { duo, others: [...new Set(others)] };
}

/** The `api.multifactor.enable('duo', …)` calls of an Action's code. */
function actionDuoCalls(code: string | undefined): MfaConfig[] {
  if (!code) return [];
  return duoConfigs(buildModel(code)).filter((c) => c.form === 'action-enable');
}

function ruleSubject(rule: TenantRule): string {
  return `rule:${rule.name}`;
}

function actionSubject(action: BoundAction): string {
  return `action:${action.name}`;
}

function settingsComplete(settings: DuoSettings | null | undefined): boolean {
  return Boolean(settings && settings.ikey && settings.skey && settings.host);
}

function lineOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** How the doctor's messages name the tools that fix a finding: the CLI's commands and flags, or the editor's commands. */
export interface DoctorWording {
  /** What converts a Rule into an Action. */
  convert: string;
  /** How to give Action secret values for verification (a clause: "pass --configuration with them"). */
  giveSecrets: string;
  /** Where Duo keys given locally came from. */
  localKeys: string;
  /** What to do when Auth0 refuses the tenant credentials. */
  refusedCredentials: string;
  /** Where a stand-in Auth0 URL is given. */
  auth0Url: string;
  /** Where deploy-cli keyword mappings for these tokens (`##KEY##`, `@@KEY@@`) are given. */
  keywordMappings(tokens: string[]): string;
}

export const CLI_WORDING: DoctorWording = {
  convert: '`duo-rules convert`',
  giveSecrets: 'pass --configuration with them',
  localKeys: '--configuration',
  refusedCredentials: 'check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET of a Machine to Machine application',
  auth0Url: '--auth0-url',
  keywordMappings: (tokens) => `--mappings, AUTH0_KEYWORD_REPLACE_MAPPINGS or ${tokens.length ? `an environment variable named ${tokens.map((t) => t.slice(2, -2)).join(', ')}` : 'environment variables of their names'}`,
};

export function diagnose(facts: TenantFacts, wording: DoctorWording = CLI_WORDING): DoctorFinding[] {
  const findings: DoctorFinding[] = [];
  const duoFactor = facts.factors?.find((f) => f.name === 'duo');
  // provider 'any' asks for the tenant's enabled factor: Duo, when the Duo factor is on.
  const anyIsDuo = duoFactor?.enabled === true;
  const mfaOf = new Map(facts.rules.map((r) => [r, ruleMfa(r.script)]));
  const duoRules = facts.rules.filter((r) => mfaOf.get(r)!.duo || (anyIsDuo && mfaOf.get(r)!.others.includes('any')));
  const end = `Rules stopped executing on ${RULES_END_OF_LIFE}`;
  const fix = `Fix: convert it with ${wording.convert}, deploy the Action and bind it to the post-login trigger, then disable the Rule.`;

  for (const rule of duoRules.filter((r) => r.enabled)) {
    const what = mfaOf.get(rule)!.duo ? 'configures Duo' : "asks for MFA with provider 'any', which is Duo on this tenant (its Duo factor is enabled)";
    findings.push({
      id: 'duo-in-rule',
      severity: 'error',
      subject: ruleSubject(rule),
      message: `The enabled Rule "${rule.name}" ${what}, but ${end}: this MFA is not running and users log in without Duo. ${fix}`,
      location: rule.scriptLocation ?? rule.location,
    });
  }

  for (const rule of facts.rules.filter((r) => r.enabled && !duoRules.includes(r))) {
    const providers = mfaOf.get(rule)!.others;
    if (providers.length === 0) continue;
    // Not Duo as far as the facts tell; still MFA that silently stopped, and with 'any' possibly Duo.
    const maybeDuo = providers.includes('any') && facts.factors === undefined ? ` (with provider 'any' this was Duo if Duo is the tenant's factor, which the export does not say)` : '';
    findings.push({
      id: 'mfa-in-rule',
      severity: 'warning',
      subject: ruleSubject(rule),
      message: `The enabled Rule "${rule.name}" asks for MFA (provider ${providers.map((p) => `'${p}'`).join(', ')}), but ${end}: this MFA is not running and users log in without it${maybeDuo}. ${fix}`,
      location: rule.scriptLocation ?? rule.location,
    });
  }

  const running = facts.postLoginActions.filter((a) => a.deployed);
  const duoActions = running.filter((a) => actionDuoCalls(a.code).length > 0);

  if (duoActions.length === 0 && (duoFactor?.enabled || duoRules.length > 0)) {
    const why = duoFactor?.enabled ? 'The Duo factor is enabled' : `A Rule configures Duo (${duoRules.map((r) => `"${r.name}"`).join(', ')})`;
    findings.push({
      id: 'no-duo-action',
      severity: 'error',
      subject: 'post-login',
      message: `${why}, but no deployed Action bound to the post-login trigger calls api.multifactor.enable('duo', …), so no login is asked for Duo. Fix: deploy a post-login Action that enables Duo (${wording.convert} turns a Duo Rule into one) and bind it to the post-login trigger.`,
      location: duoRules[0]?.scriptLocation ?? duoRules[0]?.location,
    });
  }

  if (duoActions.length === 0 && duoRules.length === 0 && !duoFactor?.enabled) {
    // Without this, an export with no Duo at all had no finding, and "no problems" read as Duo running.
    const factor = facts.factors === undefined ? 'and which MFA factors are enabled is not in this export' : `and the tenant's Duo factor is ${duoFactor ? 'disabled' : 'not configured'}`;
    findings.push({
      id: 'no-duo',
      severity: 'warning',
      subject: 'post-login',
      message: `Nothing here asks for Duo: no Rule configures it, no deployed post-login Action calls api.multifactor.enable('duo', …), ${factor}. No login is asked for Duo. Fix, if logins should require Duo: deploy a post-login Action that enables it and bind it to the post-login trigger.`,
    });
  }

  if (duoActions.length > 0 && facts.factors !== undefined && !duoFactor?.enabled) {
    findings.push({
      id: 'duo-factor-disabled',
      severity: 'error',
      subject: 'factor:duo',
      message: `${duoActions.map((a) => `The Action "${a.name}"`).join(' and ')} enables Duo, but the tenant's Duo factor is ${duoFactor ? 'disabled' : 'not configured'}, so Duo cannot run. Fix: enable Duo under Security > Multi-factor Auth > Duo Security (or guardianFactors in the deploy-cli repository).`,
      location: facts.factorsLocation,
    });
  }

  const others = facts.factors?.filter((f) => f.enabled && f.name !== 'duo') ?? [];
  if (duoFactor?.enabled && others.length > 0) {
    findings.push({
      id: 'duo-not-sole-factor',
      severity: 'error',
      subject: 'factors',
      message: `Duo works only when it is the only enabled MFA factor, but ${others.map((f) => f.name).join(', ')} ${others.length === 1 ? 'is' : 'are'} enabled too. Fix: disable ${others.length === 1 ? 'it' : 'them'} under Security > Multi-factor Auth.`,
      location: facts.factorsLocation,
    });
  }

  for (const action of duoActions) {
    const calls = actionDuoCalls(action.code);
    if (calls.some((c) => c.duoOptions === null) && facts.duoSettings !== undefined && !settingsComplete(facts.duoSettings)) {
      const missing = facts.duoSettings ? (['ikey', 'skey', 'host'] as const).filter((k) => !facts.duoSettings?.[k]) : [];
      findings.push({
        id: 'duo-keys-missing',
        severity: 'error',
        subject: actionSubject(action),
        message: `The Action "${action.name}" enables Duo without providerOptions, so Duo uses the tenant's Duo settings, but the tenant has ${missing.length ? `no ${missing.join(', ')} in them` : 'none'}. Fix: enter the Web SDK application's Client ID, Client secret and API hostname under Security > Multi-factor Auth > Duo Security (or \`auth0 guardian factors duo settings set\`).`,
        location: action.codeLocation ?? action.location,
      });
    }
  }

  for (const action of facts.postLoginActions) {
    if (action.codeMissing) {
      // Not "never deployed": the export cannot say, it only lacks the code.
      findings.push({
        id: 'action-code-missing',
        severity: 'warning',
        subject: actionSubject(action),
        message: `The Action "${action.name}" is bound to post-login, but the export has no code for it: the code file it names does not exist, or its path holds a keyword token without a mapping. Nothing of it could be checked. Fix: export the Action again, or map the token.`,
        location: action.location,
      });
    } else if (!action.deployed) {
      findings.push({
        id: 'action-not-deployed',
        severity: 'warning',
        subject: actionSubject(action),
        message: `The Action "${action.name}" is bound to post-login but has never been deployed, so nothing of it runs. Fix: deploy it.`,
        location: action.location,
      });
    } else if (!action.allChangesDeployed) {
      findings.push({
        id: 'action-not-deployed',
        severity: 'warning',
        subject: actionSubject(action),
        message: `The Action "${action.name}" has changes that are not deployed; logins still run the deployed version, which is what was checked. Fix: deploy it, or discard the draft.`,
        location: action.location,
      });
    }
  }

  for (const action of running) findings.push(...lintAction(action));
  return findings;
}

/**
 * A repository Action's code is checked as deploy-cli deploys it (keyword tokens replaced); a
 * finding points at the file as written, and says when the value it is about came from a token.
 */
function whereInFile(action: BoundAction, offsets: { start: number; end: number }): { offset: number; text: string; from?: string } {
  const keywords = action.keywords;
  if (!keywords) return { offset: offsets.start, text: action.code ?? '' };
  const token = keywords.replaced.find((r) => !r.unmapped && r.to.start < Math.max(offsets.end, offsets.start + 1) && r.to.end > offsets.start);
  return { offset: writtenOffset(keywords, offsets.start), text: keywords.written, from: token?.token };
}

/** Every error `duo-rules lint` reports on the Action's deployed code, prefixed with its name. */
function lintAction(action: BoundAction): DoctorFinding[] {
  if (!action.code) return [];
  const code = action.code;
  const configs = buildModel(code).configs;
  return analyze(code)
    .filter((f) => f.severity === 'error')
    // Without providerOptions, Duo takes its keys from the tenant's settings (checked on their own): no keys in the code is the documented form.
    .filter((f) => !(f.code === 'missing-field' && f.data?.container === 'providerOptions' && configs[f.data.configIndex ?? -1]?.form === 'action-enable' && configs[f.data.configIndex ?? -1]?.duoOptions === null))
    .map((f) => {
      const where = whereInFile(action, f.offsets);
      const from = where.from ? ` (The value is what deploy-cli puts in place of ${where.from} with these keyword mappings.)` : '';
      return {
        id: f.code,
        severity: 'error' as const,
        subject: actionSubject(action),
        message: `Action "${action.name}": ${f.message}${from}`,
        location: action.codeLocation ? { file: action.codeLocation.file, ...lineOf(where.text, where.offset) } : action.location,
      };
    });
}

/** One Duo key of an Action: a literal, an `event.secrets.X` name, or deploy-cli tokens no mapping resolved. */
export interface ActionKeyValue {
  literal?: string;
  secret?: string;
  /** Keyword tokens left in the code for want of a mapping, as written. */
  tokens?: string[];
}

/** Where an Action's Duo keys come from: literal values, or `event.secrets.X` names to look up. */
export interface ActionKeySource {
  action: string;
  /** Repository source: where the Action's secrets are declared. */
  secretsFile?: BoundAction['secretsFile'];
  /** Repository source: the file of the Action's code. */
  codeFile?: string;
  ikey?: ActionKeyValue;
  skey?: ActionKeyValue;
  host?: ActionKeyValue;
}

/** The providerOptions of each Duo call of a bound, deployed Action (for --verify). */
export function actionKeySources(facts: TenantFacts): ActionKeySource[] {
  const out: ActionKeySource[] = [];
  for (const action of facts.postLoginActions.filter((a) => a.deployed)) {
    for (const call of actionDuoCalls(action.code)) {
      if (!call.duoOptions) continue;
      const source: ActionKeySource = { action: action.name, secretsFile: action.secretsFile, codeFile: action.codeLocation?.file };
      for (const key of ['ikey', 'skey', 'host'] as const) {
        const value = findProperty(call.duoOptions, key)?.value;
        if (!value) continue;
        if (value.kind === 'string' && typeof value.literal === 'string' && !value.keywordToken) source[key] = { literal: value.literal };
        else if (value.secretRef) source[key] = { secret: value.secretRef.key };
        else if (value.keywordToken) source[key] = { tokens: listKeywordTokens(action.code!.slice(value.range.start, value.range.end)) };
      }
      out.push(source);
    }
  }
  return out;
}

