// A small JavaScript scanner for completion. Completion must answer at once, also on text that
// does not parse and on 20,000-line files, so instead of parsing it scans characters: it tracks
// strings, comments, template literals, regular expressions and open brackets up to the cursor.
// That is linear in the distance scanned and never fails.

export interface OpenBracket {
  ch: '{' | '(' | '[' | '${';
  offset: number;
  /** Offset of the last comma directly inside this bracket, or -1. */
  lastComma: number;
}

export interface ScanState {
  /** Open brackets at the end offset, outermost first. */
  stack: OpenBracket[];
  /** Set when the end offset is inside a string literal (or the text part of a template). */
  string?: { quote: string; start: number };
  /** True when the end offset is inside a comment. */
  comment: boolean;
  /** With a depth limit: the offset of the first bracket nested deeper than the limit (the scan stops there). */
  tooDeepAt?: number;
}

const regexAfterWords = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

export function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95 || c > 127;
}

/** Blanks and line breaks as JavaScript reads them (the ones real code uses). */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 11 || c === 12;
}

// Character codes the scanner compares with. It reads codes, not one-character strings: the
// analysis runs it over the whole file before every parse (the nesting check).
const BACKSLASH = 92, BACKTICK = 96, DOLLAR = 36, SLASH = 47, STAR = 42, DOUBLE = 34, SINGLE = 39, NEWLINE = 10;
const BRACE_L = 123, BRACE_R = 125, PAREN_L = 40, PAREN_R = 41, BRACKET_L = 91, BRACKET_R = 93, COMMA = 44;

/** The scanner's state between two tokens: enough to resume the scan there. */
interface ScanPoint {
  i: number;
  stack: OpenBracket[];
  regexAllowed: boolean;
  inTemplate: boolean;
  templateStart: number;
}

/** Characters between two checkpoints of a cached scan. */
/** The offset of the quote closing a string literal opened at `open` (or of the line's end, or the text's end). */
function stringLiteralEnd(text: string, open: number): number {
  const quote = text.charCodeAt(open);
  let j = open + 1;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === BACKSLASH) { j += 2; continue; }
    if (d === quote || d === NEWLINE) break;
    j++;
  }
  return j;
}

/** The offset just past a regular expression literal whose `/` is at `slash`, its flags read up to `end`. */
function regexLiteralEnd(text: string, slash: number, end: number): number {
  let j = slash + 1;
  let inClass = false;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === NEWLINE) break;
    if (d === BACKSLASH) { j += 2; continue; }
    if (d === BRACKET_L) inClass = true;
    else if (d === BRACKET_R) inClass = false;
    else if (d === SLASH && !inClass) break;
    j++;
  }
  let i = j + 1;
  while (i < end && isIdentChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Characters between the kept scan's checkpoints. After a keystroke the scan starts again from the checkpoint
 * before the edit, up to this many characters back; a 1 MB file keeps about 2,000 checkpoints.
 */
export const checkpointSpacing = 512;

function copyStack(stack: readonly OpenBracket[]): OpenBracket[] {
  return stack.map((b) => ({ ...b }));
}

/**
 * Scans `text` from `start` to `end` (a position in code, not inside a string or comment).
 * With `depthLimit`, stops at the first bracket (or `${`) that opens deeper than that.
 */
export function scanTo(text: string, end: number, start = 0, depthLimit = Infinity): ScanState {
  return scanFrom(text, end, { i: start, stack: [], regexAllowed: true, inTemplate: false, templateStart: -1 }, depthLimit);
}

/** Scans from `from` (which the scan may change) to `end`; `record` gets the state every checkpointSpacing characters. */
function scanFrom(text: string, end: number, from: ScanPoint, depthLimit: number, record?: (point: ScanPoint) => void): ScanState {
  const stack = from.stack;
  let i = from.i;
  // Whether a `/` here starts a regular expression: true after an operator or keyword, false after a value.
  let regexAllowed = from.regexAllowed;
  let inTemplate = from.inTemplate;
  let templateStart = from.templateStart;
  let nextCheckpoint = i + checkpointSpacing;
  while (i < end) {
    if (i >= nextCheckpoint && record) {
      record({ i, stack: copyStack(stack), regexAllowed, inTemplate, templateStart });
      nextCheckpoint = i + checkpointSpacing;
    }
    if (inTemplate) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) { i += 2; continue; }
      if (c === BACKTICK) { inTemplate = false; regexAllowed = false; i++; continue; }
      if (c === DOLLAR && text.charCodeAt(i + 1) === BRACE_L) {
        stack.push({ ch: '${', offset: i, lastComma: -1 });
        if (stack.length > depthLimit) return { stack, comment: false, tooDeepAt: i };
        inTemplate = false;
        regexAllowed = true;
        i += 2;
        continue;
      }
      i++;
      continue;
    }
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const nl = text.indexOf('\n', i);
      if (nl === -1 || nl >= end) return { stack, comment: true };
      i = nl + 1;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf('*/', i + 2);
      if (close === -1 || close + 2 > end) return { stack, comment: true };
      i = close + 2;
      continue;
    }
    if (c === DOUBLE || c === SINGLE) {
      const j = stringLiteralEnd(text, i);
      // The cursor is inside when it is after the opening quote and not past the closing one.
      if (j >= end) return { stack, comment: false, string: { quote: text[i], start: i } };
      i = j + 1;
      regexAllowed = false;
      continue;
    }
    if (c === BACKTICK) {
      inTemplate = true;
      templateStart = i;
      i++;
      continue;
    }
    if (c === SLASH && regexAllowed) {
      i = regexLiteralEnd(text, i, end);
      regexAllowed = false;
      continue;
    }
    if (isIdentChar(c)) {
      let j = i + 1;
      while (j < text.length && isIdentChar(text.charCodeAt(j))) j++;
      // Only short lower-case words can be keywords: skip the slice for everything else.
      regexAllowed = j - i <= 10 && c >= 97 && c <= 122 && regexAfterWords.has(text.slice(i, j));
      i = j;
      continue;
    }
    if (c === BRACE_L || c === PAREN_L || c === BRACKET_L) {
      stack.push({ ch: c === BRACE_L ? '{' : c === PAREN_L ? '(' : '[', offset: i, lastComma: -1 });
      if (stack.length > depthLimit) return { stack, comment: false, tooDeepAt: i };
      regexAllowed = true;
    } else if (c === BRACE_R || c === PAREN_R || c === BRACKET_R) {
      const top = stack.pop();
      regexAllowed = c !== BRACE_R;
      if (top?.ch === '${' && c === BRACE_R) {
        inTemplate = true;
        i++;
        continue;
      }
      if (c === PAREN_R || c === BRACKET_R) regexAllowed = false;
    } else {
      if (c === COMMA && stack.length) stack[stack.length - 1].lastComma = i;
      regexAllowed = true;
    }
    i++;
  }
  if (inTemplate) return { stack, comment: false, string: { quote: '`', start: templateStart } };
  return { stack, comment: false };
}

/** Whether a word of `length` characters at `at` is one of `regexAfterWords`, without slicing it out. */
function isRegexKeyword(text: string, at: number, length: number): boolean {
  switch (length) {
    case 2: return text.startsWith('in', at) || text.startsWith('of', at) || text.startsWith('do', at);
    case 3: return text.startsWith('new', at);
    case 4: return text.startsWith('void', at) || text.startsWith('case', at) || text.startsWith('else', at);
    case 5: return text.startsWith('throw', at) || text.startsWith('yield', at) || text.startsWith('await', at);
    case 6: return text.startsWith('return', at) || text.startsWith('typeof', at) || text.startsWith('delete', at);
    case 10: return text.startsWith('instanceof', at);
    default: return false;
  }
}

// Runs of characters that cannot change the nesting, skipped by the regular-expression engine: in code
// (blanks, words, operators) and in the text of a template literal.
const plainCode = /[^(){}[\]'"`\/]+/y;
const plainTemplateText = /[^`\\$]+/y;

/**
 * Whether a `/` at `at` starts a regular expression as `scanFrom` decides it, when the characters from
 * `from` to `at` are all plain code and `before` is the decision at `from`. Only the last word or
 * operator counts; blanks and comments leave the decision as it was.
 */
function regexAllowedAt(text: string, from: number, at: number, before: boolean): boolean {
  let last = at - 1;
  while (last >= from && isSpace(text.charCodeAt(last))) last--;
  if (last < from) return before;
  if (!isIdentChar(text.charCodeAt(last))) return true;
  // The word as scanFrom reads it: from its first character that is not a blank (the Unicode blanks count as
  // word characters once a word has started) to the end of its run of word characters.
  let start = last;
  while (start > from && isIdentChar(text.charCodeAt(start - 1))) start--;
  while (isSpace(text.charCodeAt(start))) start++;
  let end = last + 1;
  while (end < at && isIdentChar(text.charCodeAt(end))) end++;
  const first = text.charCodeAt(start);
  return first >= 97 && first <= 122 && isRegexKeyword(text, start, end - start);
}

/**
 * The offset of the first bracket (or `${`) that opens deeper than `limit`, exactly where
 * `scanTo(text, text.length, 0, limit)` stops (undefined when it does not). The analysis checks every
 * text with it before parsing, so it is built for speed: runs of plain code are skipped with one
 * regular expression, the open brackets are a depth and a flag per level (no object each), and whether
 * a `/` starts a regular expression is decided only where a `/` is, by looking back at the word or
 * operator before it.
 */
export function firstTooDeepBracket(text: string, limit: number): number | undefined {
  const end = text.length;
  // Per open level, whether it is a template's `${` (its `}` resumes the template's text).
  const templateLevels: boolean[] = [];
  let depth = 0;
  let i = 0;
  let inTemplate = false;
  // scanFrom's regexAllowed as it was at `from`, the end of the last token that is not plain code.
  let before = true;
  let from = 0;
  while (i < end) {
    if (inTemplate) {
      plainTemplateText.lastIndex = i;
      if (plainTemplateText.test(text)) i = plainTemplateText.lastIndex;
      if (i >= end) break;
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) { i += 2; continue; }
      if (c === BACKTICK) { inTemplate = false; i++; before = false; from = i; continue; }
      if (text.charCodeAt(i + 1) === BRACE_L) {
        if (++depth > limit) return i;
        templateLevels[depth] = true;
        inTemplate = false;
        i += 2;
        before = true;
        from = i;
        continue;
      }
      i++;
      continue;
    }
    plainCode.lastIndex = i;
    if (plainCode.test(text)) i = plainCode.lastIndex;
    if (i >= end) break;
    const c = text.charCodeAt(i);
    if (c === SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === SLASH || next === STAR) {
        const close = next === SLASH ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
        if (close === -1) return undefined;
        before = regexAllowedAt(text, from, i, before);
        i = close + (next === SLASH ? 1 : 2);
        from = i;
        continue;
      }
      // `end` is the text's length here, so the literal ends exactly where scanFrom's does.
      if (regexAllowedAt(text, from, i, before)) {
        i = regexLiteralEnd(text, i, end);
        before = false;
      } else {
        i++;
        before = true;
      }
      from = i;
      continue;
    }
    if (c === DOUBLE || c === SINGLE) {
      const j = stringLiteralEnd(text, i);
      if (j >= end) return undefined;
      i = j + 1;
      before = false;
      from = i;
      continue;
    }
    if (c === BACKTICK) {
      inTemplate = true;
      i++;
      continue;
    }
    if (c === BRACE_L || c === PAREN_L || c === BRACKET_L) {
      if (++depth > limit) return i;
      templateLevels[depth] = false;
      before = true;
    } else {
      // A closing bracket: the only characters left that plain code does not cover.
      before = false;
      if (depth > 0 && templateLevels[depth--] && c === BRACE_R) inTemplate = true;
    }
    i++;
    from = i;
  }
  return undefined;
}

/** How many leading characters two texts share. */
export function sharedPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Whole chunks first: comparing strings is far faster than comparing characters one by one.
  const chunk = 4096;
  while (i + chunk <= n && a.slice(i, i + chunk) === b.slice(i, i + chunk)) i += chunk;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The scan of one document, kept between completions: the scanner's state every few kilobytes, so the scan to
 * a caret starts at the last checkpoint before it instead of the start of the file. A checkpoint stays valid
 * while the text before it (and the character after, which the scanner looks at) is unchanged; the result is
 * always that of a scan from the start.
 */
export class ScanCheckpoints {
  private text = '';
  /** In increasing offset order. */
  private points: ScanPoint[] = [];
  /**
   * The lowest offset edited since the last scan, when every edit was reported through `edited`; undefined when
   * none was, and the two texts are then compared.
   */
  private editedFrom: number | undefined;

  /**
   * Reports an edit: the text before `offset` is unchanged (the start of a replaced range, in the text as it was
   * before that edit). The next scan then need not compare the old and new text to find where they differ,
   * which read both whole (100 kB each) on every keystroke.
   */
  edited(offset: number): void {
    this.editedFrom = Math.max(0, Math.min(this.editedFrom ?? Infinity, offset));
  }

  scanTo(text: string, end: number): ScanState {
    const editedFrom = this.editedFrom;
    this.editedFrom = undefined;
    if (text !== this.text) {
      const unchanged = editedFrom === undefined ? sharedPrefixLength(this.text, text) : Math.min(editedFrom, this.text.length, text.length);
      // The scanner looks one character past a token's end, hence the margin.
      while (this.points.length && this.points[this.points.length - 1].i + 2 > unchanged) this.points.pop();
      this.text = text;
    }
    let k = this.points.length - 1;
    while (k >= 0 && this.points[k].i > end) k--;
    const resume = k >= 0 ? this.points[k] : { i: 0, stack: [], regexAllowed: true, inTemplate: false, templateStart: -1 };
    // Checkpoints past `resume` are recorded again by this scan.
    this.points.length = k + 1;
    return scanFrom(text, end, { ...resume, stack: copyStack(resume.stack) }, Infinity, (point) => this.points.push(point));
  }
}

export interface ObjectKey {
  name: string;
  /** The literal value when it is a plain string (for `provider: 'duo'`). */
  stringValue?: string;
}

/**
 * The keys written directly inside the object literal opened at `open`, also after the
 * cursor. An unclosed object (the user is typing) ends at a `;` or after a bounded distance,
 * so a truncated file never makes this scan the rest of the file.
 */
export function collectObjectKeys(text: string, open: number, skip: { start: number; end: number }): ObjectKey[] {
  const keys: ObjectKey[] = [];
  const limit = Math.min(text.length, open + 20000);
  let depth = 0;
  let expectKey = true;
  let i = open + 1;
  while (i < limit) {
    const c = text[i];
    const code = text.charCodeAt(i);
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? limit : nl + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? limit : close + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < limit && text[j] !== c && !(c !== '`' && text[j] === '\n')) j += text[j] === '\\' ? 2 : 1;
      if (depth === 0 && expectKey && c !== '`') {
        const after = /^\s*:/.exec(text.slice(j + 1, j + 40));
        if (after && (i >= skip.end || j < skip.start)) keys.push({ name: text.slice(i + 1, j) });
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (isIdentChar(code)) {
      let j = i + 1;
      while (j < limit && isIdentChar(text.charCodeAt(j))) j++;
      if (depth === 0 && expectKey) {
        const name = text.slice(i, j);
        const rest = text.slice(j, j + 200);
        const colon = /^\s*:\s*/.exec(rest);
        const outsideCursor = j <= skip.start || i >= skip.end;
        if (colon && outsideCursor) {
          const value = /^(['"])([^'"\n]*)\1/.exec(rest.slice(colon[0].length));
          keys.push({ name, stringValue: value?.[2] });
        } else if (/^\s*[,}]/.test(rest) && outsideCursor) {
          keys.push({ name });
        }
        expectKey = false;
      }
      i = j;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) expectKey = true;
    else if (c === ';' && depth === 0) break;
    i++;
  }
  return keys;
}
