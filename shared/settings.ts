// Every `duoRules.*` setting with its type, default and scope, in one typed table. The
// extension and the language server read settings through it, so a key or a default cannot
// drift between them, and the manifest test holds package.json's `contributes.configuration`
// to it in both directions. Keys are relative to the `duoRules` section.

export type SettingScope = 'resource' | 'window';

interface SettingSpec<T> {
  readonly type: T extends boolean ? 'boolean' : T extends number ? 'number' : T extends string ? 'string' : 'array';
  readonly default: T;
  readonly scope: SettingScope;
  readonly enum?: readonly string[];
}

/** Any entry of the schema, for code that walks all of them. */
export interface AnySettingSpec { readonly type: string; readonly default: unknown; readonly scope: SettingScope; readonly enum?: readonly string[] }

const spec = <T>(s: SettingSpec<T>): SettingSpec<T> => s;

/** The values of every `duoRules.diagnostics.<code>` setting, one per diagnostic code. */
const severityChoices = ['default', 'error', 'warning', 'information', 'hint', 'off'] as const;
export type SeverityChoice = (typeof severityChoices)[number];

/** The per-code severity settings share one schema; their keys are `diagnostics.<code>`. */
export const severitySettingPrefix = 'diagnostics.';
export const severitySetting = spec<SeverityChoice>({ type: 'string', default: 'default', scope: 'resource', enum: severityChoices });

export const settingsSchema = {
  enable: spec<boolean>({ type: 'boolean', default: true, scope: 'resource' }),
  configurationKeys: spec<string[]>({ type: 'array', default: [], scope: 'resource' }),
  'trace.server': spec<'off' | 'messages' | 'verbose'>({ type: 'string', default: 'off', scope: 'window', enum: ['off', 'messages', 'verbose'] }),
  'mock.userFile': spec<string>({ type: 'string', default: '', scope: 'resource' }),
  'mock.contextFile': spec<string>({ type: 'string', default: '', scope: 'resource' }),
  'mock.eventFile': spec<string>({ type: 'string', default: '', scope: 'resource' }),
  'mock.mocksFile': spec<string>({ type: 'string', default: '', scope: 'resource' }),
  'mock.now': spec<string>({ type: 'string', default: '', scope: 'resource' }),
  configurationFile: spec<string>({ type: 'string', default: '', scope: 'resource' }),
  mappingsFile: spec<string>({ type: 'string', default: '', scope: 'resource' }),
  'run.timeoutMs': spec<number>({ type: 'number', default: 5000, scope: 'resource' }),
  'run.network': spec<'on' | 'off'>({ type: 'string', default: 'on', scope: 'resource', enum: ['on', 'off'] }),
  'duo.timeoutMs': spec<number>({ type: 'number', default: 10000, scope: 'window' }),
  'duo.baseUrl': spec<string>({ type: 'string', default: '', scope: 'window' }),
  'duo.pinCertificates': spec<boolean>({ type: 'boolean', default: true, scope: 'window' }),
  'auth0.baseUrl': spec<string>({ type: 'string', default: '', scope: 'window' }),
} as const;

export type SettingKey = keyof typeof settingsSchema;
export type SettingValue<K extends SettingKey> = (typeof settingsSchema)[K]['default'];

/**
 * The value of `key` in a `duoRules` section as an LSP client sends it (nested objects, or
 * dotted keys), or its default when it is missing or of the wrong type.
 */
export function readSetting<K extends SettingKey>(section: Record<string, unknown>, key: K): SettingValue<K> {
  const schema: AnySettingSpec = settingsSchema[key];
  let value: unknown = section[key];
  if (value === undefined) {
    value = section;
    for (const part of key.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  const fits = schema.type === 'array' ? Array.isArray(value) : typeof value === schema.type;
  if (!fits || (schema.enum && !schema.enum.includes(value as string))) return schema.default as SettingValue<K>;
  return value as SettingValue<K>;
}

/**
 * The `duoRules.diagnostics.<code>` settings in a `duoRules` section, nested or dotted, keyed by
 * code; values that are not a severity choice are left out.
 */
export function readSeveritySettings(section: Record<string, unknown>): Record<string, SeverityChoice> {
  const nested = section.diagnostics;
  const entries: Array<[string, unknown]> = nested && typeof nested === 'object' ? Object.entries(nested) : [];
  for (const [key, value] of Object.entries(section)) {
    if (key.startsWith(severitySettingPrefix)) entries.push([key.slice(severitySettingPrefix.length), value]);
  }
  const result: Record<string, SeverityChoice> = {};
  for (const [code, value] of entries) {
    if (severityChoices.includes(value as SeverityChoice)) result[code] = value as SeverityChoice;
  }
  return result;
}
