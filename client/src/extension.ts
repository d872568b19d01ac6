// Placeholder until the extension client is implemented; replaced by its owner.
export function activate(): void {}
export function deactivate(): void {}
