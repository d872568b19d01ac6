// What the doctor knows about a tenant's login path, whether read from the Management API or
// from an auth0-deploy-cli repository. `undefined` always means "this source cannot tell".
import type { ActionSecretsFile, DeployedCode } from '../workspace/deployValues';
import type { ExportKeywordFile, ExportLocation } from '../workspace/tenantExport';

export interface GuardianFactor {
  name: string;
  enabled: boolean;
}

/** The tenant's Duo factor settings; any field may be missing when only partly configured. */
export interface DuoSettings {
  ikey?: string;
  skey?: string;
  host?: string;
}

/** Where a repository fact lives, so the editor can show a finding on that file. */
export type FactLocation = ExportLocation;

export interface BoundAction {
  id?: string;
  name: string;
  /** The code that runs at login: the deployed version's code (tenant) or the exported code (repository). */
  code: string | undefined;
  /** false: the Action was never deployed, so nothing runs. */
  deployed: boolean;
  /**
   * Repository only: the export names no code file that exists (a wrong path, or one written with a keyword
   * token that has no mapping), so `code` is undefined without the Action being undeployed.
   */
  codeMissing?: boolean;
  /** false: there are saved changes that are not deployed (tenant), or `deployed: false` (repository). */
  allChangesDeployed: boolean;
  /** The file of the Action's code, for repository findings on the code. */
  codeLocation?: FactLocation;
  location?: FactLocation;
  /** Repository only: where the Action's `secrets` are declared (values are read only to verify). */
  secretsFile?: ActionSecretsFile;
  /** Repository only: `code` is the file after deploy-cli's keyword replacement; where each token was. */
  keywords?: DeployedCode;
}

export interface TenantRule {
  id?: string;
  name: string;
  enabled: boolean;
  script: string | undefined;
  order?: number;
  location?: FactLocation;
  scriptLocation?: FactLocation;
  /** Repository only: `script` is the file after deploy-cli's keyword replacement. */
  keywords?: DeployedCode;
}

export interface TenantFacts {
  source: 'tenant' | 'repository';
  /** The tenant domain, or the repository path as shown to the user. */
  tenant: string;
  /** undefined: unknown (e.g. the export has no guardianFactors). */
  factors: GuardianFactor[] | undefined;
  /** null: the tenant has no Duo settings; undefined: unknown (deploy-cli never exports them). */
  duoSettings: DuoSettings | null | undefined;
  /** Actions bound to the post-login trigger, in trigger order. */
  postLoginActions: BoundAction[];
  rules: TenantRule[];
  /** What the source could not tell, in plain words (printed as notes). */
  notes: string[];
  /** Where guardian factors live (repository), for factor findings. */
  factorsLocation?: FactLocation;
  /** Repository only: deploy-cli's own files read, each with its keyword replacement and the tokens without a mapping in the fields the doctor reads. */
  exportKeywords?: ExportKeywordFile[];
}
