// Where to give the values of Duo keys a run left unset, in the words of the place that asks:
// VS Code commands and settings in the editor, flags in the CLI. Pure: names only, never values.
import { deployActionNameOf } from '../../../shared/deployCliLayout';

export type AdviceAudience = 'editor' | 'cli';

function listWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * The configuration/secret keys the code reads that have no value in this run, Duo-looking ones
 * first: when any key name mentions Duo or a Duo key, only those are named.
 */
export function unsetReadKeys(readKeys: readonly string[], values: Readonly<Record<string, string | undefined>>): string[] {
  const unset = readKeys.filter((k) => !values[k]);
  const duo = unset.filter((k) => /DUO|IKEY|SKEY|HOST|CLIENT_ID|CLIENT_SECRET/i.test(k));
  return duo.length ? duo : unset;
}

/** One sentence, without its final period, saying which file, setting, command or flag gives the values. */
export function unsetKeysAdvice(audience: AdviceAudience, kind: 'rule' | 'action', unset: readonly string[], file?: string): string {
  if (unset.length === 0) {
    return kind === 'action'
      ? 'Pass ikey, skey and host in providerOptions, read from event.secrets'
      : 'Set ikey, skey and host in context.multifactor, read from configuration';
  }
  const expressions = listWords(unset.map((k) => `${kind === 'action' ? 'event.secrets' : 'configuration'}.${k}`));
  const them = unset.length === 1 ? 'it' : 'them';
  if (audience === 'cli') {
    return `Give ${expressions} in the --configuration <json> file, or set the environment variable${unset.length === 1 ? '' : 's'} ${listWords(unset)} and pass ${unset.map((k) => `--env ${k}`).join(' ')}`;
  }
  // Every place a run reads: SecretStorage, the configuration file, and the deploy-cli files of the repository.
  const deployCli = kind === 'action'
    ? `in the secrets of actions/${deployActionNameOf(file) ?? '<name>'}.json`
    : 'in rules-configs/';
  return `Set ${expressions}: store ${them} with Duo: Store Secret, in the file of the setting duoRules.configurationFile, or ${deployCli}`;
}
