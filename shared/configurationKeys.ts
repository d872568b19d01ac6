// Names in the Rules configuration and an Action's secrets, shared by the analysis, the runner's
// parent (which gives values to the keys a file reads) and its sandboxed child (which warns about
// keys read but not set).

/** The characters Auth0 allows in a configuration key or a secret's name (`DUO_MFA:IKEY` too), for a regular-expression class. */
export const KEY_CHARACTER_CLASS = 'A-Za-z0-9_\\-@*+:';

/** A whole key of those characters. */
export const CONFIGURATION_KEY = new RegExp(`^[${KEY_CHARACTER_CLASS}]+$`);

/**
 * `hasOwnProperty`, `toString`…: `configuration.hasOwnProperty('X')` calls a method every object has; it
 * reads no key of that name (and checks for `X`).
 */
export function isObjectMethodName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(Object.prototype, name);
}
