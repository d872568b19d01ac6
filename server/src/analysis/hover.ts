// Hover for Duo Rules and post-login Actions: every multifactor key and provider
// value, and the documented fields of context, user, event and api. Pure: model in, markdown out.
import { findFieldDoc, findKeyDoc, findProviderDoc, fieldRootLink, links, type FieldDoc, type FieldRoot, type FileForm, type KeyDoc, type KeyPlace, type ProviderDoc } from './docs';
import type { MfaObject, OffsetRange, RuleModel } from './model';
import { sharedPrefixLength } from './completionScan';

export interface HoverAnswer {
  /** Markdown. */
  contents: string;
  range: OffsetRange;
}

function linkLine(url: string): string {
  const site = url.startsWith('https://duo.com') ? 'Duo documentation' : url.includes('github.com') ? 'auth0-deploy-cli' : 'Auth0 documentation';
  return `[${site}](${url})`;
}

export function formatKeyDoc(d: KeyDoc): string {
  const facts = [`Type: \`${d.type}\``, d.required ? 'required' : 'optional'];
  if (d.defaultValue) facts.push(`default: ${d.defaultValue}`);
  const lines = [`**${d.name}**${d.duoName ? ` — Duo: ${d.duoName}` : ''}`, '', d.summary, '', facts.join(' · ')];
  if (d.deprecated) lines.push('', `*Deprecated:* ${d.deprecated}`);
  if (d.secretName) lines.push('', `Read it from configuration (Rules: \`configuration.${d.secretName}\`, Actions: \`event.secrets.${d.secretName}\`), never a literal.`);
  lines.push('', linkLine(d.link));
  return lines.join('\n');
}

export function formatProviderDoc(p: ProviderDoc): string {
  const lines = [`**'${p.name}'** — MFA provider`, '', p.summary];
  if (p.forms.length === 1) lines.push('', p.forms[0] === 'action' ? 'Valid only in post-login Actions.' : 'Valid only in Rules.');
  if (p.legacy) lines.push('', p.legacy);
  lines.push('', linkLine(p.link));
  return lines.join('\n');
}

export function formatFieldDoc(path: string, f: FieldDoc, link: string): string {
  return [`**${path}**: \`${f.type}\``, '', f.summary, '', linkLine(link)].join('\n');
}

function inside(range: OffsetRange | null | undefined, offset: number): boolean {
  return !!range && range.start <= offset && offset <= range.end;
}

function hoverKeys(object: MfaObject | null, place: KeyPlace, form: FileForm, provider: string | undefined, offset: number): HoverAnswer | undefined {
  for (const prop of object?.properties ?? []) {
    if (!inside(prop.keyRange, offset)) continue;
    const doc = findKeyDoc(place, form, prop.key, provider);
    if (doc) return { contents: formatKeyDoc(doc), range: prop.keyRange };
  }
  return undefined;
}

function wordAt(text: string, offset: number): OffsetRange | undefined {
  let start = offset;
  while (start > 0 && /[\w$]/.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && /[\w$]/.test(text[end])) end++;
  return end > start ? { start, end } : undefined;
}

/** `a.b.c` ending at the word under the cursor: the names in order. */
function memberChainAt(text: string, word: OffsetRange): string[] | undefined {
  const before = text.slice(Math.max(0, word.start - 300), word.start);
  const m = /((?:[A-Za-z_$][\w$]*\s*(?:\?\.|\.)\s*)+)$/.exec(before);
  if (!m) return undefined;
  const prefix = before.slice(0, before.length - m[1].length);
  if (/(?:\.|\?\.)\s*$/.test(prefix)) return undefined;
  return [...m[1].split(/\s*\??\.\s*/).filter(Boolean), text.slice(word.start, word.end)];
}

const ruleRootDocs = {
  context: 'The Rules context object: the application (`clientID`), connection, protocol and request of this login, and what the rule changes (`multifactor`, `idToken`, `accessToken`, `redirect`). Actions read it from `event` and change it with `api`.',
  user: 'The profile of the user logging in (`user_id`, `email`, `app_metadata` …). Actions: `event.user`, read-only; change metadata with `api.user.setAppMetadata` / `setUserMetadata`.',
  callback: 'Ends the rule; call it exactly once. `callback(null, user, context)` continues the login, `callback(new UnauthorizedError(message))` denies it. All rules must finish within 20 seconds. Actions: `return`, or `api.access.deny(message)`.',
  configuration: 'The rule settings: read-only string values by key (Auth0 dashboard > Rules > Settings, or `rules-configs/*.json`). Actions: `event.secrets`.',
};

/** Hover on the rule's parameters, `configuration`, and the Action's `event` / `api`. */
function hoverRoot(model: RuleModel, word: OffsetRange): HoverAnswer | undefined {
  const name = model.text.slice(word.start, word.end);
  // Not a property (`x.user`) and not an object key (`{ user: … }`).
  if (/\.\s*$/.test(model.text.slice(Math.max(0, word.start - 20), word.start)) || /^\s*:(?!:)/.test(model.text.slice(word.end, word.end + 20))) return undefined;
  const show = (title: string, summary: string, link: string): HoverAnswer => ({ contents: [`**${title}**`, '', summary, '', linkLine(link)].join('\n'), range: word });
  if (model.kind === 'rule') {
    if (name === (model.contextName ?? 'context')) return show(name, ruleRootDocs.context, fieldRootLink('context'));
    if (name === (model.userName ?? 'user')) return show(name, ruleRootDocs.user, fieldRootLink('user'));
    if (name === model.callbackName) return show(`${name}(error, user, context)`, ruleRootDocs.callback, links.rulesEol);
    if (name === 'configuration') return show(name, ruleRootDocs.configuration, links.rulesEol);
  } else if (model.kind === 'action') {
    if (name === (model.eventName ?? 'event')) return show(name, 'What Auth0 knows about this login, read-only: `user`, `client`, `connection`, `request`, `transaction`, `secrets` …', fieldRootLink('event'));
    if (name === (model.apiName ?? 'api')) return show(name, 'Changes the login: `api.multifactor.enable`, `api.access.deny`, `api.idToken.setCustomClaim`, `api.user.setAppMetadata` …', fieldRootLink('api'));
  }
  return undefined;
}

function hoverField(model: RuleModel, offset: number): HoverAnswer | undefined {
  const word = wordAt(model.text, offset);
  if (!word) return undefined;
  const chain = memberChainAt(model.text, word);
  if (!chain) return hoverRoot(model, word);
  const [root, ...path] = chain;
  let docRoot: FieldRoot | undefined;
  if (model.kind === 'rule') {
    if (root === 'configuration' && path.length === 1) {
      return { contents: `**configuration.${path[0]}**: \`string\`\n\nA setting of the rule (Auth0 dashboard > Rules > Settings, or \`rules-configs/*.json\` in an auth0-deploy-cli repository). Actions read it as \`event.secrets.${path[0]}\`.`, range: word };
    }
    if (root === (model.contextName ?? 'context')) docRoot = 'context';
    else if (root === (model.userName ?? 'user')) docRoot = 'user';
  } else if (model.kind === 'action') {
    if (root === (model.eventName ?? 'event')) {
      if (path.length === 2 && path[0] === 'secrets') {
        return { contents: `**event.secrets.${path[1]}**: \`string\`\n\nA secret of this Action (Auth0 dashboard > Actions > Secrets, or \`secrets\` in \`actions/<name>.json\`).`, range: word };
      }
      docRoot = 'event';
    } else if (root === (model.apiName ?? 'api')) {
      docRoot = 'api';
    }
  }
  if (!docRoot) return undefined;
  const doc = findFieldDoc(docRoot, path);
  if (!doc) return undefined;
  return { contents: formatFieldDoc(chain.join('.'), doc, fieldRootLink(docRoot)), range: word };
}

/** `api.multifactor.enable('duo')` without providerOptions: where Auth0 takes the keys from. */
const tenantDuoHover = [
  "**api.multifactor.enable('duo')** — Duo keys from the tenant",
  '',
  "Without `providerOptions`, Auth0 uses the Client ID (ikey), Client secret (skey) and API hostname (host) of the tenant's Duo factor settings: Dashboard > Security > Multi-factor Auth > Duo Security, or the Management API `/api/v2/guardian/factors/duo/settings`. Duo must be the only factor enabled in the tenant.",
  '',
  '`providerOptions: { ikey, skey, host }` overrides them for this call; it must then hold all three.',
  '',
  linkLine(links.duoMfa),
].join('\n');

/** The hover at `offset`, or undefined. Only Rules and Actions get hovers. */
export function hover(model: RuleModel, offset: number): HoverAnswer | undefined {
  if (model.kind === 'other') return undefined;
  const form: FileForm = model.kind;
  for (const config of model.configs) {
    if (config.form === 'action-enable' && config.providerName === 'duo' && config.duoOptions === null && inside(config.anchorRange, offset)) {
      return { contents: tenantDuoHover, range: config.anchorRange };
    }
    if (config.provider && inside(config.provider.range, offset) && config.providerName) {
      const p = findProviderDoc(config.providerName);
      if (p) return { contents: formatProviderDoc(p), range: config.provider.range };
    }
    const provider = config.providerName;
    const found = form === 'rule'
      ? hoverKeys(config.options, 'ruleObject', form, provider, offset) ?? hoverKeys(config.admin, 'admin', form, provider, offset)
      : hoverKeys(config.options, 'actionOptions', form, provider, offset)
        ?? (config.duoOptions !== config.options ? hoverKeys(config.duoOptions, 'providerOptions', form, provider, offset) : undefined);
    if (found) return found;
  }
  return hoverField(model, offset);
}

/**
 * The hover at `offset` of `text` from a model that may be of an earlier text (a large file waits for a pause in
 * typing before it is analysed again): its answer stands when the texts are equal, or when the hovered token
 * ends before the first character edited since. `stale` when only a model of `text` can answer.
 */
export function hoverFromModel(model: RuleModel, text: string, offset: number): HoverAnswer | undefined | 'stale' {
  const answer = hover(model, offset);
  if (model.text === text || (answer && answer.range.end < sharedPrefixLength(model.text, text))) return answer;
  return 'stale';
}
