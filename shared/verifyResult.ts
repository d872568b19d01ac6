// The `verify` object of `duo-rules run --verify --format json` : a contract shared
// by the CLI, the language server's duoRules/verify request and the VS Code result view.

export type StepReason =
  | 'duo'
  | 'invalid-host'
  | 'timeout'
  | 'network'
  | 'bad-response'
  | 'redirect'
  | 'clock-skew'
  | 'missing-credentials';

export interface Step {
  ok: boolean;
  reason?: StepReason;
  /** Duo's error code when Duo answered `stat: FAIL` (40103, 40301, …). */
  code?: number;
  /** Plain-language explanation; never contains a secret. */
  message: string;
  latencyMs?: number;
}

export type PreauthResult = 'auth' | 'allow' | 'deny' | 'enroll';

export interface PreauthStep extends Step {
  /** Duo's decision, or null when the call itself failed. */
  result: PreauthResult | null;
  /** The exact Duo username that was checked. */
  username: string;
  statusMessage: string;
  enrollPortalUrl?: string;
}

export type ApplicationKind = 'auth-api' | 'web-sdk' | 'admin-api';

export interface VerifyResult {
  /** The kind of Duo application whose check succeeded, null if none did. */
  application: ApplicationKind | null;
  /** Auth API: signed GET /auth/v2/check. */
  check: Step;
  /** Web SDK (Universal Prompt): POST /oauth/v1/health_check with a client assertion. */
  universal: Step;
  preauth?: PreauthStep;
  admin?: Step;
  warnings: string[];
}
