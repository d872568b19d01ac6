// The doctor's report, as `duo-rules doctor --format json` prints it and duoRules/doctor answers it:
// what the check found about a tenant or an auth0-deploy-cli repository and, with --verify, whether
// Duo accepted the keys the login path would use.
import type { VerifyResult } from './verifyResult';

export interface DoctorReport {
  source: 'tenant' | 'repository';
  tenant: string;
  findings: { id: string; severity: 'error' | 'warning'; message: string; subject: string }[];
  verified: DoctorVerified | null;
}

/** One set of Duo keys the doctor verified, and whether Duo accepted them. */
export interface VerifyEntry {
  /** `duo-settings` or `action:<name>`. */
  subject: string;
  /** Where the keys came from. */
  keys: 'tenant' | 'local' | 'action';
  host: string | null;
  /** Verified as Auth API or Web SDK keys. */
  ok: boolean;
  /** null when the keys could not be verified at all (see message). */
  result: VerifyResult | null;
  message: string;
}

/** What `--verify` found: the tenant's Duo settings and the keys each bound Action passes. */
export interface DoctorVerified {
  duoSettings: VerifyEntry | null;
  actions: VerifyEntry[];
}
