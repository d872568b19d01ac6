// The runner and the Duo verifier for the `duoRules/run` and `duoRules/verify` requests. Built
// as its own bundle (dist/serverRunAndVerify.js) and loaded on the first such request, so the
// language server does not compile the runner, undici and Duo's CA certificates at start-up
// (about half of the server's code) just to publish diagnostics.
export { findConfigurationKeys, loadRunInputs, RunInputError, type LoadedRunInputs } from '../runner/inputs';
export { findWorkspaceRoot, parseNow, runFile } from '../runner/index';
export { checkEquivalence } from '../runner/equivalence';
export { verifyMultifactor } from '../duo/verify';
export { verifyRunKeys } from '../tenant/documentedForm';
export { unsetKeysAdvice, unsetReadKeys } from '../duo/unsetKeys';
export { runDoctor } from '../tenant/runDoctor';
export { TenantAccessError } from '../tenant/client';
export { RepositoryError } from '../tenant/repositoryFacts';
