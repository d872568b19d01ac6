// What kind of file a document is, as the analysis decides it: the language server reports it to
// the extension (status bar, menus), which offers Run, Verify and Convert by it.

/** `rule`: exactly one top-level function. `action`: assigns exports.onExecutePostLogin/onContinuePostLogin. */
export type FileKind = 'rule' | 'action' | 'other';
