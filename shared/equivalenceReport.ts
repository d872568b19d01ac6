// The differential check's report: on how many logins a Rule and its Action decided alike, where
// they diverged (with the smallest login that shows it) and what the check could not try. The
// runner produces it, the CLI prints it and the extension shows it after Convert.

/**
 * One input of a login: `value` replaces the mock's at `path`; `contains` puts the value in a list (or a string).
 * A clock setting (`['clock', 'utcHour']`, also `hour`, `day`, `utcDay`, `epoch`) is not an input but the time the
 * login runs at; `at` is that instant (ISO 8601).
 */
export interface LoginSetting {
  path: string[];
  value: unknown;
  contains?: boolean;
  at?: string;
}

/** Something the matrix could not try, or tried only with a stand-in, said so in the check's report. */
export interface MatrixNote {
  kind: 'not-tried' | 'stand-in' | 'capped' | 'failed' | 'unreached';
  message: string;
}

/** What a login ended with, in terms both a Rule and an Action have. */
export interface Decision {
  outcome: 'allowed' | 'denied' | 'error' | 'timeout';
  /** The denial's message (or the error's, which is not compared: Rule and Action fail differently). */
  message?: string;
  mfa: { provider: unknown; host?: unknown; ikey?: unknown; username?: unknown; allowRememberBrowser?: unknown } | null;
  redirect: unknown;
  idToken: Record<string, unknown>;
  accessToken: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
}

/** A difference between the Rule's and the Action's decisions, with the logins that show it. */
export interface Divergence {
  /** What differs: `outcome`, `message`, `mfa`, `mfa.host`, `idToken`… */
  fields: string[];
  /** How many logins show it. */
  logins: number;
  /** The smallest such login, as text and as its settings over the default mock. */
  login: string;
  settings: LoginSetting[];
  rule: Decision;
  action: Decision;
}

export interface EquivalenceReport {
  logins: number;
  agreeing: number;
  /**
   * Of the agreeing logins, those on which both sides ended in an error or a timeout: no decision was
   * compared on them. When it equals `logins` the check showed nothing about the two deciding alike.
   */
  failed: number;
  divergences: Divergence[];
  /**
   * What the matrix could not try: logins gated on a configuration list without a usable value
   * (`not-tried`), tried only with the stand-in value (`stand-in`), left out by the cap (`capped`),
   * counted as agreeing although both sides failed (`failed`), or a Rule that sets MFA on no login
   * tried (`unreached`: the check then shows nothing about Duo, and fails).
   */
  notes: MatrixNote[];
  durationMs: number;
}
