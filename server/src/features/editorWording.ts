// How the language server's messages name what fixes a problem when they are shown in the editor:
// the extension's commands by their Command Palette titles ("Duo: …") and its settings, where the
// CLI's messages name its commands, flags and environment variables.
import type { DoctorWording } from '../tenant/doctor';

/** The doctor's fixes (Check Tenant, the repository's findings in the Problems panel). */
export const EDITOR_DOCTOR_WORDING: DoctorWording = {
  convert: 'the command "Duo: Convert Rule to Post-Login Action"',
  giveSecrets: 'store them with "Duo: Store Secret"',
  localKeys: 'the secrets stored with "Duo: Store Secret"',
  refusedCredentials: 'store the client ID and secret of a Machine to Machine application again with "Duo: Store Auth0 Credentials"',
  auth0Url: 'The setting duoRules.auth0.baseUrl',
  // The editor's doctor reads no environment variables for mappings: only this file.
  keywordMappings: () => 'the file of the setting duoRules.mappingsFile, read in a trusted workspace',
};

/** Verify on an Action that uses the tenant's Duo settings: where its keys can come from. */
export const EDITOR_TENANT_KEY_PLACES = {
  localPlaces: 'the file of the setting duoRules.configurationFile, secrets stored with Duo: Store Secret, or the environment',
  // Check Tenant verifies exactly these settings, and asks for the credentials (which Verify then uses too) when none are stored.
  tenantAdvice: 'run Duo: Check Tenant (it asks for the tenant\'s Auth0 credentials, which Verify then uses too)',
};
