// The one table of how Auth0 Rule globals and members translate to post-login Actions
// (following Auth0's Rules-to-Actions migration guide). The Rule→Action converter and the
// `rule-global-in-action` diagnostic both read it, so a fact about an equivalent lives here
// only. Pure data plus small lookups: no parsing, no I/O.

/** The globals a Rule sees that do not exist in an Action (a free reference is a ReferenceError there). */
export const ruleGlobals = ['configuration', 'context', 'user', 'callback', 'global', 'auth0', 'UnauthorizedError'] as const;

export type RuleGlobal = (typeof ruleGlobals)[number];

export function isRuleGlobal(name: string): name is RuleGlobal {
  return (ruleGlobals as readonly string[]).includes(name);
}

/**
 * How a use is rewritten. `mechanical`: replacing the matched text by `action` keeps the meaning
 * (a tool may do it unasked). `manual`: the equivalent needs a decision or a different call shape;
 * `action` then describes it for a person.
 */
export type Rewrite = 'mechanical' | 'manual';

/** How the member is used: read as a value, written (`=`, `++`, `delete`), or called. */
export type MemberAccess = 'read' | 'write' | 'call';

export interface MemberMapping {
  /**
   * The Rule path, global first, e.g. `['context', 'stats', 'loginsCount']`. `*` matches any one
   * segment and is substituted for `$1` in `action`. A path matches uses that start with it.
   */
  rule: readonly string[];
  /** The Action text. `{event}` and `{api}` stand for the handler's parameter names. */
  action: string;
  /** For reads (and calls of a read value). Writes are decided by `write` below. */
  rewrite: Rewrite;
  /** What a write to this path becomes; absent: writes have no Action equivalent (the objects are read-only). */
  write?: { action: string; rewrite: Rewrite };
  /** Shown with manual rewrites: what the user must do. */
  note?: string;
  /**
   * For a mechanical rewrite of an object whose fields the Action names differently: what to check where the
   * object is used whole (aliased, stored, sent) rather than one of its fields read, which the table renames.
   */
  usedWhole?: string;
}

/** The fields of `context.request.geoip` and their names in an Action's `event.request.geoip` (Rule name → Action name). */
export const geoipRenames: ReadonlyMap<string, string> = new Map([
  ['country_code', 'countryCode'], ['country_code3', 'countryCode3'], ['country_name', 'countryName'], ['city_name', 'cityName'],
  ['latitude', 'latitude'], ['longitude', 'longitude'], ['time_zone', 'timeZone'], ['continent_code', 'continentCode'],
  ['subdivision_code', 'subdivisionCode'], ['subdivision_name', 'subdivisionName'],
]);

/**
 * Member paths, most specific first within each global (lookup takes the longest match anyway).
 * Only equivalents Auth0 documents are mechanical; everything else says what to do instead.
 */
export const memberMappings: readonly MemberMapping[] = [
  // configuration → event.secrets
  { rule: ['configuration', '*'], action: '{event}.secrets.$1', rewrite: 'mechanical' },
  { rule: ['configuration'], action: '{event}.secrets', rewrite: 'mechanical', note: 'add every key read from it as a secret of the Action.' },

  // context → event (reads) and api (changes)
  { rule: ['context', 'clientID'], action: '{event}.client.client_id', rewrite: 'mechanical' },
  { rule: ['context', 'clientName'], action: '{event}.client.name', rewrite: 'mechanical' },
  { rule: ['context', 'clientMetadata'], action: '{event}.client.metadata', rewrite: 'mechanical' },
  { rule: ['context', 'connection'], action: '{event}.connection.name', rewrite: 'mechanical' },
  { rule: ['context', 'connectionID'], action: '{event}.connection.id', rewrite: 'mechanical' },
  { rule: ['context', 'connectionStrategy'], action: '{event}.connection.strategy', rewrite: 'mechanical' },
  { rule: ['context', 'connectionMetadata'], action: '{event}.connection.metadata', rewrite: 'mechanical' },
  { rule: ['context', 'protocol'], action: '{event}.transaction.protocol', rewrite: 'mechanical' },
  { rule: ['context', 'tenant'], action: '{event}.tenant.id', rewrite: 'mechanical' },
  { rule: ['context', 'request', 'userAgent'], action: '{event}.request.user_agent', rewrite: 'mechanical' },
  // The location: an Action names its fields in camelCase, where a Rule's `country_code` is undefined.
  ...[...geoipRenames].map(([ruleName, actionName]): MemberMapping => ({ rule: ['context', 'request', 'geoip', ruleName], action: `{event}.request.geoip.${actionName}`, rewrite: 'mechanical' })),
  {
    rule: ['context', 'request', 'geoip'], action: '{event}.request.geoip', rewrite: 'mechanical',
    usedWhole: 'event.request.geoip names its fields in camelCase (countryCode, cityName, timeZone…) where the Rule\'s had snake_case (country_code, city_name, time_zone…): code that reads this object\'s fields, and whatever keeps it (a claim, metadata), now see the new names.',
  },
  { rule: ['context', 'request', '*'], action: '{event}.request.$1', rewrite: 'mechanical' },
  { rule: ['context', 'request'], action: '{event}.request', rewrite: 'mechanical' },
  { rule: ['context', 'stats', 'loginsCount'], action: '{event}.stats.logins_count', rewrite: 'mechanical' },
  { rule: ['context', 'stats'], action: '{event}.stats', rewrite: 'manual', note: 'Actions name the counter event.stats.logins_count.' },
  { rule: ['context', 'authentication'], action: '{event}.authentication', rewrite: 'mechanical' },
  // Adaptive MFA's assessment. Actions may leave event.authentication out, where a Rule's riskAssessment was only undefined.
  { rule: ['context', 'riskAssessment'], action: '{event}.authentication?.riskAssessment', rewrite: 'mechanical' },
  { rule: ['context', 'authorization', 'roles'], action: '{event}.authorization.roles', rewrite: 'mechanical' },
  { rule: ['context', 'authorization'], action: '{event}.authorization', rewrite: 'mechanical' },
  { rule: ['context', 'organization'], action: '{event}.organization', rewrite: 'mechanical' },
  {
    rule: ['context', 'idToken', '*'], action: '{api}.idToken.setCustomClaim(name, value)', rewrite: 'manual',
    write: { action: "{api}.idToken.setCustomClaim('$1', value)", rewrite: 'mechanical' },
    note: 'set claims with api.idToken.setCustomClaim(name, value).',
  },
  {
    rule: ['context', 'accessToken', 'scope'], action: '{api}.accessToken.addScope(scope) / {api}.accessToken.removeScope(scope)', rewrite: 'manual',
    write: { action: '{api}.accessToken.addScope(scope) / {api}.accessToken.removeScope(scope)', rewrite: 'manual' },
    note: 'the scope is no custom claim: grant scopes with api.accessToken.addScope / removeScope.',
  },
  {
    rule: ['context', 'accessToken', '*'], action: '{api}.accessToken.setCustomClaim(name, value)', rewrite: 'manual',
    write: { action: "{api}.accessToken.setCustomClaim('$1', value)", rewrite: 'mechanical' },
    note: 'set claims with api.accessToken.setCustomClaim(name, value).',
  },
  {
    rule: ['context', 'multifactor'], action: "{api}.multifactor.enable('duo', { … })", rewrite: 'manual',
    write: { action: '{api}.multifactor.enable(provider, { allowRememberBrowser, providerOptions: { ikey, skey, host, username } })', rewrite: 'manual' },
    note: 'require MFA with api.multifactor.enable(provider, options); reading it back has no equivalent.',
  },
  {
    rule: ['context', 'redirect'], action: '{api}.redirect.sendUserTo(url, { query })', rewrite: 'manual',
    write: { action: '{api}.redirect.sendUserTo(url, { query })', rewrite: 'manual' },
    note: 'redirect with api.redirect.sendUserTo(url, { query }) and continue in exports.onContinuePostLogin.',
  },
  { rule: ['context'], action: '{event} (to read) and {api} (to change)', rewrite: 'manual', note: 'Actions split context into event (read) and api (change).' },

  // user → event.user (read-only: changes go through api.user)
  {
    rule: ['user', 'app_metadata'], action: '{event}.user.app_metadata', rewrite: 'mechanical',
    write: { action: '{api}.user.setAppMetadata(name, value)', rewrite: 'manual' },
  },
  {
    rule: ['user', 'user_metadata'], action: '{event}.user.user_metadata', rewrite: 'mechanical',
    write: { action: '{api}.user.setUserMetadata(name, value)', rewrite: 'manual' },
  },
  { rule: ['user', '*'], action: '{event}.user.$1', rewrite: 'mechanical' },
  { rule: ['user'], action: '{event}.user', rewrite: 'mechanical' },

  // callback / UnauthorizedError: see the call patterns; as a bare value there is nothing to map.
  { rule: ['callback'], action: 'return (success), {api}.access.deny(reason) (denial) or throw (error)', rewrite: 'manual', note: 'an async Action ends when its handler returns.' },
  { rule: ['UnauthorizedError'], action: '{api}.access.deny(reason)', rewrite: 'manual', note: 'deny the login with api.access.deny(reason).' },

  // auth0 management client
  {
    rule: ['auth0', 'users', 'updateAppMetadata'], action: '{api}.user.setAppMetadata(name, value)', rewrite: 'manual',
    note: 'call api.user.setAppMetadata(name, value) once per changed key (it takes a key and a value, not the user id and an object).',
  },
  {
    rule: ['auth0', 'users', 'updateUserMetadata'], action: '{api}.user.setUserMetadata(name, value)', rewrite: 'manual',
    note: 'call api.user.setUserMetadata(name, value) once per changed key (it takes a key and a value, not the user id and an object).',
  },
  { rule: ['auth0'], action: 'the Management API with a client-credentials secret', rewrite: 'manual', note: 'the auth0 management object does not exist in Actions.' },

  // global: a per-container cache in Rules
  { rule: ['global'], action: 'module scope (a top-level const outside the handler) or {api}.cache', rewrite: 'manual', note: 'declare shared helpers at module scope; cache values with api.cache.set/get.' },
];

/** Statement/call shapes whose Action form is not a member path. */
export interface CallPattern {
  id: 'success' | 'deny' | 'error' | 'idTokenClaim' | 'accessTokenClaim' | 'multifactor' | 'updateAppMetadata' | 'updateUserMetadata';
  /** The Rule form, as people write it. */
  rule: string;
  /** The Action form; `{api}` is the handler's api parameter. */
  action: string;
  rewrite: Rewrite;
  note?: string;
}

export const callPatterns: readonly CallPattern[] = [
  { id: 'success', rule: 'callback(null, user, context)', action: 'return', rewrite: 'mechanical' },
  { id: 'deny', rule: 'callback(new UnauthorizedError(m))', action: '{api}.access.deny(m)', rewrite: 'mechanical' },
  { id: 'error', rule: 'callback(err)', action: 'throw err', rewrite: 'mechanical' },
  { id: 'idTokenClaim', rule: 'context.idToken[k] = v', action: '{api}.idToken.setCustomClaim(k, v)', rewrite: 'mechanical' },
  { id: 'accessTokenClaim', rule: 'context.accessToken[k] = v', action: '{api}.accessToken.setCustomClaim(k, v)', rewrite: 'mechanical' },
  {
    id: 'multifactor', rule: 'context.multifactor = { provider, …options }', action: '{api}.multifactor.enable(provider, { allowRememberBrowser, providerOptions })', rewrite: 'manual',
    note: 'ikey, skey, host and username move into providerOptions; admin and ignoreCookie have no equivalent.',
  },
  { id: 'updateAppMetadata', rule: 'auth0.users.updateAppMetadata(user.user_id, data)', action: '{api}.user.setAppMetadata(name, value)', rewrite: 'manual', note: 'one call per key.' },
  { id: 'updateUserMetadata', rule: 'auth0.users.updateUserMetadata(user.user_id, data)', action: '{api}.user.setUserMetadata(name, value)', rewrite: 'manual', note: 'one call per key.' },
];

/** The handler's parameter names, substituted for `{event}` / `{api}`. */
export interface ActionNames {
  event?: string;
  api?: string;
}

export interface MemberEquivalent {
  /** The table entry that matched. */
  mapping: MemberMapping;
  /** How many leading segments of the path it covers (the rest is kept as it is). */
  consumed: number;
  /** The Action text for those segments, names and wildcard substituted. */
  action: string;
  rewrite: Rewrite;
  note?: string;
}

function fill(template: string, names: ActionNames, wildcard?: string): string {
  return template
    .replace(/\{event\}/g, names.event ?? 'event')
    .replace(/\{api\}/g, names.api ?? 'api')
    .replace(/\$1/g, wildcard ?? '');
}

/** A segment `*` can stand for: only plain identifiers, so the result is still valid JavaScript. */
const identifierSegment = /^[A-Za-z_$][\w$]*$/;

/**
 * The Action equivalent of the longest table path that `path` starts with, e.g.
 * `['context', 'stats', 'loginsCount', 'toString']` → `event.stats.logins_count` (3 consumed).
 * Undefined when the first segment is not a Rule global.
 */
export function lookupMember(path: readonly string[], access: MemberAccess = 'read', names: ActionNames = {}): MemberEquivalent | undefined {
  if (path.length === 0 || !isRuleGlobal(path[0])) return undefined;
  let best: { mapping: MemberMapping; wildcard?: string } | undefined;
  for (const mapping of memberMappings) {
    if (mapping.rule.length > path.length || (best && best.mapping.rule.length >= mapping.rule.length)) continue;
    let wildcard: string | undefined;
    const matches = mapping.rule.every((segment, i) => {
      if (segment !== '*') return segment === path[i];
      wildcard = path[i];
      return identifierSegment.test(path[i]);
    });
    if (matches) best = { mapping, wildcard };
  }
  if (!best) return undefined;
  const { mapping, wildcard } = best;
  const consumed = mapping.rule.length;
  if (access === 'write') {
    // A write to the exact path (`context.idToken.x = v`) has an equivalent; deeper writes change a read-only object.
    if (mapping.write && consumed === path.length) {
      return { mapping, consumed, action: fill(mapping.write.action, names, wildcard), rewrite: mapping.write.rewrite, note: mapping.note };
    }
    const parentWrite = memberMappings.find((m) => m.write && m.rule.length < path.length && m.rule.every((s, i) => s === '*' || s === path[i]));
    const target = parentWrite?.write ? fill(parentWrite.write.action, names, path[parentWrite.rule.length - 1]) : undefined;
    return {
      mapping, consumed, action: target ?? fill(mapping.action, names, wildcard), rewrite: 'manual',
      note: target ? `Actions cannot change this object: use ${target}.` : 'Actions cannot change this object.',
    };
  }
  return { mapping, consumed, action: fill(mapping.action, names, wildcard), rewrite: mapping.rewrite, note: mapping.note };
}

/** The table entry for a call/statement shape, names substituted. */
export function lookupCallPattern(id: CallPattern['id'], names: ActionNames = {}): CallPattern {
  const pattern = callPatterns.find((p) => p.id === id);
  if (!pattern) throw new Error(`unknown call pattern ${id}`);
  return { ...pattern, action: fill(pattern.action, names) };
}

/** A one-line summary of what a Rule global becomes in an Action, for messages and hovers. */
export function describeGlobal(name: RuleGlobal, names: ActionNames = {}): string {
  switch (name) {
    case 'configuration': return `configuration.X → ${fill('{event}', names)}.secrets.X`;
    case 'context': return `context.clientID → ${fill('{event}', names)}.client.client_id, context.protocol → ${fill('{event}', names)}.transaction.protocol, context.multifactor → ${fill('{api}', names)}.multifactor.enable(…)`;
    case 'user': return `user.X → ${fill('{event}', names)}.user.X (changes via ${fill('{api}', names)}.user.setAppMetadata / setUserMetadata)`;
    case 'callback': return `callback(new UnauthorizedError(m)) → ${fill('{api}', names)}.access.deny(m); callback(null, user, context) → return`;
    case 'UnauthorizedError': return `callback(new UnauthorizedError(m)) → ${fill('{api}', names)}.access.deny(m)`;
    case 'global': return `global → module scope (a top-level const outside the handler) or ${fill('{api}', names)}.cache`;
    case 'auth0': return `auth0.users.updateAppMetadata → ${fill('{api}', names)}.user.setAppMetadata (per key)`;
  }
}
