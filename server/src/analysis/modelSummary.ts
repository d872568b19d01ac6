// What the features that run on every keystroke need from a rule model, as plain data: the file
// kind, the parameter names completion uses, and where the Run / Verify lenses go. Unlike the
// model (which holds the syntax tree) it is cheap to copy between threads.
import type { FileKind } from '../../../shared/fileKind';
import type { OffsetRange, RuleModel } from './model';

export interface ModelSummary {
  kind: FileKind;
  userName?: string;
  contextName?: string;
  eventName?: string;
  apiName?: string;
  /** The header of the Rule function, or each `onExecutePostLogin` export of an Action. */
  runAnchors: OffsetRange[];
}

export function summarizeModel(model: RuleModel): ModelSummary {
  const runAnchors: OffsetRange[] =
    model.kind === 'rule' && model.ruleFunction ? [model.ruleFunction.headerRange]
      : model.kind === 'action' ? model.actionExports.filter((e) => e.name === 'onExecutePostLogin').map((e) => e.targetRange)
        : [];
  return { kind: model.kind, userName: model.userName, contextName: model.contextName, eventName: model.eventName, apiName: model.apiName, runAnchors };
}
