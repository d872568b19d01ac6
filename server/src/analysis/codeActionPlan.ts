// Which code actions a range gets, decided without the editor: the quick fixes of the findings
// the range touches (one per distinct edit, listing every finding it fixes) and the rule-function
// naming fix. The language server only turns these plans into LSP CodeActions.
import { collectFixAllEdits, findNameRuleFunctionFix, findQuickFixes, type TextEditOffsets } from './codeActions';
import { analyzeModel, type AnalyzeOptions, type Finding } from './diagnostics';
import type { FileKind } from '../../../shared/fileKind';
import type { OffsetRange, RuleModel } from './model';

export interface PlannedQuickFix {
  title: string;
  /** Safe to apply without review: the editor marks it preferred. */
  safe: boolean;
  edits: TextEditOffsets[];
  /** The findings this one fix resolves, in the order they were found. */
  findings: Finding[];
}

/** Ranges touch when they overlap or meet (a caret at a finding's end still offers its fix). */
function touches(a: OffsetRange, b: OffsetRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * The quick fixes for the findings `range` touches. Three missing keys of one object are three
 * findings with one fix: it is planned once, for all of them.
 */
export function planQuickFixes(model: RuleModel, findings: Finding[], range: OffsetRange): PlannedQuickFix[] {
  const byEdits = new Map<string, PlannedQuickFix>();
  const planned: PlannedQuickFix[] = [];
  for (const finding of findings) {
    if (!touches(finding.offsets, range)) continue;
    for (const fix of findQuickFixes(model, finding, findings)) {
      const key = JSON.stringify(fix.edits);
      const same = byEdits.get(key);
      if (same) {
        same.findings.push(finding);
        continue;
      }
      const plan: PlannedQuickFix = { title: fix.title, safe: fix.safe, edits: fix.edits, findings: [finding] };
      byEdits.set(key, plan);
      planned.push(plan);
    }
  }
  return planned;
}

export interface PlannedNamingFix {
  title: string;
  edits: TextEditOffsets[];
  /** Indexes into `syntaxErrors` of the editor's own errors on the function's header, which this fix resolves. */
  fixes: number[];
}

/**
 * The naming fix for an anonymous rule function, when `range` touches its header or one of
 * `syntaxErrors` (the editor's "Identifier expected" errors, as offsets) lies on the header.
 */
export function planNameRuleFunctionFix(model: RuleModel, fileName: string | undefined, range: OffsetRange, syntaxErrors: readonly OffsetRange[]): PlannedNamingFix | undefined {
  const naming = findNameRuleFunctionFix(model, fileName);
  if (!naming) return undefined;
  const header = naming.headerRange;
  const fixes = syntaxErrors.flatMap((error, index) => (touches(error, header) ? [index] : []));
  if (!fixes.length && !touches(header, range)) return undefined;
  return { title: naming.title, edits: naming.edits, fixes };
}

/** What the editor asks about a range of a Rule or Action file. */
export interface CodeActionQuery {
  range: OffsetRange;
  /** The file's name (a rule function is named after it). */
  fileName?: string;
  /** The editor's own "Identifier expected" errors, as offsets. */
  syntaxErrors: OffsetRange[];
  quickFixes: boolean;
  fixAll: boolean;
}

/** Every code action plan for one request: plain data, so it can be planned on another thread. */
export interface CodeActionsPlan {
  kind: FileKind;
  quickFixes: PlannedQuickFix[];
  naming?: PlannedNamingFix;
  fixAllEdits: TextEditOffsets[];
}

/** Analyses `model` and plans what `query` asks for (nothing for a file that is neither a Rule nor an Action). */
export function planCodeActions(model: RuleModel, options: AnalyzeOptions, query: CodeActionQuery): CodeActionsPlan {
  if (model.kind === 'other') return { kind: model.kind, quickFixes: [], fixAllEdits: [] };
  const findings = analyzeModel(model, options);
  return {
    kind: model.kind,
    quickFixes: query.quickFixes ? planQuickFixes(model, findings, query.range) : [],
    naming: query.quickFixes ? planNameRuleFunctionFix(model, query.fileName, query.range, query.syntaxErrors) : undefined,
    fixAllEdits: query.fixAll ? collectFixAllEdits(model, findings) : [],
  };
}
