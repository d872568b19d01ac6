// The time of a login as the differential check tries it: conditions on the clock (`new Date().getUTCHours() < 8`,
// `[0, 6].includes(now.getDay())`) give the hours and weekdays to try, and each such login gets the instant that
// shows them. Pure: the runner sets each login's clock from `LoginCase.now`.
import type * as acorn from 'acorn';
import { children, describeNode, literalValue, memberName } from './conditionSyntax';
import type { LoginCase } from './loginMatrix';
import type { LoginSetting, MatrixNote } from '../../../shared/equivalenceReport';

type Node = acorn.AnyNode;

/** A reading of the clock a condition can compare: the hour or weekday, in UTC or the runner's local time, or the epoch ms. */
type ClockField = 'hour' | 'utcHour' | 'day' | 'utcDay' | 'epoch';

const CLOCK_METHODS = new Map<string, ClockField>([['getHours', 'hour'], ['getUTCHours', 'utcHour'], ['getDay', 'day'], ['getUTCDay', 'utcDay'], ['getTime', 'epoch'], ['valueOf', 'epoch']]);
const CLOCK_PERIOD: Readonly<Record<ClockField, number>> = { hour: 24, utcHour: 24, day: 7, utcDay: 7, epoch: 0 };
const COMPARISONS = new Set(['<', '<=', '>', '>=', '===', '!==', '==', '!=']);
/** Date libraries whose readings the check cannot set a value for (their timezone rules are their own). */
const TIME_LIBRARIES = /^(?:moment|moment-timezone|dayjs|luxon|date-fns|date-fns-tz|spacetime)(?:[/@].*)?$/;
const TIME_LIBRARY_NAMES = new Set(['moment', 'dayjs', 'DateTime', 'spacetime']);

/**
 * Conditions on the time of the login: `new Date().getUTCHours() < 8`, `const day = now.getDay(); [0, 6].includes(day)`,
 * `switch (hour)`. Each number compared with is tried with its neighbours (as a clock setting of the login); a clock
 * condition of another form (a bound that is not a number, arithmetic, a date library) is noted as not tried, so an
 * Action that drops Duo at some hours is not reported as agreeing because the check ran at another hour.
 */
export class ClockScanner {
  readonly values = new Map<ClockField, number[]>();
  readonly notes = new Map<string, MatrixNote>();
  /** Names bound to `new Date()`. */
  private readonly dates = new Set<string>();
  /** Names bound to a reading: `const hour = new Date().getUTCHours()`. */
  private readonly readings = new Map<string, ClockField>();
  /** Names bound to anything else computed from the clock (`moment().tz(…)`, `Date.now() - start`), or to a date library. */
  private readonly derived = new Set<string>();
  /** Names bound to numbers or lists of numbers: `const OPENS = 8`, `const WEEKEND = [0, 6]`. */
  private readonly numbers = new Map<string, number[]>();

  constructor(private readonly text: string) {}

  collect(program: Node): void {
    const declarators: { name: string; init: Node }[] = [];
    const walk = (node: Node): void => {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) declarators.push({ name: node.id.name, init: node.init });
      else if (node.type === 'VariableDeclarator' && node.id.type === 'ObjectPattern' && node.init && this.isLibraryRequire(node.init)) {
        for (const p of node.id.properties) if (p.type === 'Property' && p.value.type === 'Identifier') this.derived.add(p.value.name);
      } else if (node.type === 'AssignmentExpression' && node.operator === '=' && node.left.type === 'Identifier') declarators.push({ name: node.left.name, init: node.right });
      for (const child of children(node)) walk(child);
    };
    walk(program);
    for (const { name, init } of declarators) {
      const numbers = numbersOf(init);
      if (numbers) this.numbers.set(name, [...(this.numbers.get(name) ?? []), ...numbers]);
    }
    // A name may be bound from one declared after it in the text (a helper's variable): settle in a few rounds.
    for (let round = 0; round < 3; round++) {
      for (const { name, init } of declarators) {
        if (this.isNow(init)) this.dates.add(name);
        const reading = this.readingOf(init);
        if (reading) this.readings.set(name, reading);
        else if (!this.isNow(init) && (this.isLibraryRequire(init) || this.readsClock(init))) this.derived.add(name);
      }
    }
  }

  private isLibraryRequire(node: Node): boolean {
    if (node.type === 'MemberExpression') return this.isLibraryRequire(node.object);
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return false;
    const id = literalValue(node.arguments[0] as Node | undefined)?.value;
    return typeof id === 'string' && TIME_LIBRARIES.test(id);
  }

  /** `new Date()`, `new Date(Date.now())`, or a name bound to one: the current instant. */
  private isNow(node: Node): boolean {
    if (node.type === 'Identifier') return this.dates.has(node.name);
    if (node.type !== 'NewExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'Date') return false;
    return node.arguments.length === 0 || (node.arguments.length === 1 && this.isDateNow(node.arguments[0] as Node));
  }

  private isDateNow(node: Node): boolean {
    return node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.callee.object.type === 'Identifier' && node.callee.object.name === 'Date' && memberName(node.callee) === 'now';
  }

  /** The clock field an expression reads as it is (`now.getHours()`, `hour`, `Date.now()`), else undefined. */
  private readingOf(node: Node): ClockField | undefined {
    if (node.type === 'Identifier') return this.readings.get(node.name);
    if (node.type === 'ChainExpression') return this.readingOf(node.expression);
    if (this.isDateNow(node)) return 'epoch';
    if (node.type === 'UnaryExpression' && node.operator === '+' && this.isNow(node.argument)) return 'epoch';
    if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.arguments.length === 0 && this.isNow(node.callee.object as Node)) {
      return CLOCK_METHODS.get(memberName(node.callee) ?? '');
    }
    return undefined;
  }

  /** Whether an expression depends on the time of the login at all (a comparison inside it is scanned on its own). */
  private readsClock(node: Node): boolean {
    if (node.type === 'Identifier') return this.dates.has(node.name) || this.readings.has(node.name) || this.derived.has(node.name);
    if (node.type === 'BinaryExpression' && COMPARISONS.has(node.operator)) return false;
    if (this.lookupOf(node)) return false;
    if (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') return false;
    if (this.isNow(node) || this.readingOf(node)) return true;
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && (node.callee.name === 'Date' || TIME_LIBRARY_NAMES.has(node.callee.name))) return true;
    if (node.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && TIME_LIBRARY_NAMES.has(node.object.name)) return true;
    for (const child of children(node)) if (this.readsClock(child)) return true;
    return false;
  }

  /** `[0, 6].includes(day)`, `WEEKEND.indexOf(new Date().getDay())`: the reading and the listed numbers. */
  private lookupOf(node: Node): { field: ClockField; list: number[] } | undefined {
    if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || !node.arguments[0]) return undefined;
    const method = memberName(node.callee);
    if (method !== 'includes' && method !== 'indexOf') return undefined;
    const field = this.readingOf(node.arguments[0] as Node);
    const list = this.numbersOf(node.callee.object as Node);
    return field && list?.length ? { field, list } : undefined;
  }

  /** The numbers an expression stands for: a number literal, a constant holding one, or a list of them. */
  private numbersOf(node: Node): number[] | undefined {
    if (node.type === 'Identifier') return this.numbers.get(node.name);
    return numbersOf(node);
  }

  private tryValues(field: ClockField, bounds: number[]): void {
    const period = CLOCK_PERIOD[field];
    const out = this.values.get(field) ?? [];
    for (const bound of bounds) {
      // Each bound, and either side of it; a fractional bound (`hour < 8.5`) has whole numbers either side.
      for (const v of [Math.floor(bound) - 1, Math.floor(bound), Math.ceil(bound), Math.ceil(bound) + 1]) {
        const value = period ? ((v % period) + period) % period : v;
        if (!out.includes(value)) out.push(value);
      }
    }
    this.values.set(field, out);
  }

  private noteUnread(node: Node): void {
    const text = describeNode(this.text, node);
    const shown = text.length > 120 ? `${text.slice(0, 117)}…` : text;
    const message = `logins at the times the clock condition ${shown} picks were not tried: the check sets the clock only for getHours, getUTCHours, getDay or getUTCDay of new Date() (or Date.now()) compared with a number.`;
    this.notes.set(`not-tried:clock:${shown}`, { kind: 'not-tried', message });
  }

  scan(node: Node): void {
    if (node.type === 'BinaryExpression' && COMPARISONS.has(node.operator)) {
      const sides = [[node.left, node.right], [node.right, node.left]] as const;
      const read = sides.find(([a]) => this.readingOf(a as Node));
      const bounds = read && this.numbersOf(read[1] as Node);
      if (read && bounds?.length === 1) this.tryValues(this.readingOf(read[0] as Node)!, bounds);
      else if (this.readsClock(node.left as Node) || this.readsClock(node.right)) this.noteUnread(node);
    } else if (node.type === 'SwitchStatement') {
      const field = this.readingOf(node.discriminant);
      const cases = node.cases.flatMap((c) => (c.test ? [c.test as Node] : []));
      const bounds = cases.map((c) => this.numbersOf(c));
      if (field && bounds.every((b) => b?.length === 1)) this.tryValues(field, bounds.flatMap((b) => b ?? []));
      else if (field || this.readsClock(node.discriminant)) this.noteUnread(node.discriminant);
    } else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && ['includes', 'indexOf'].includes(memberName(node.callee) ?? '') && node.arguments[0]) {
      // [0, 6].includes(new Date().getDay()): each listed number is a bound.
      const lookup = this.lookupOf(node);
      if (lookup) this.tryValues(lookup.field, lookup.list);
      else if (this.readsClock(node.arguments[0] as Node)) this.noteUnread(node);
    }
    for (const child of children(node)) this.scan(child);
  }
}

/** A number literal (`8`, `-1`), or an array of them; undefined for anything else. */
function numbersOf(node: Node): number[] | undefined {
  if (node.type === 'Literal' && typeof node.value === 'number') return [node.value];
  if (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number') return [-node.argument.value];
  if (node.type === 'ArrayExpression' && node.elements.length > 0) {
    const out: number[] = [];
    for (const e of node.elements) {
      const n = e && e.type !== 'SpreadElement' ? numbersOf(e as Node) : undefined;
      if (n?.length !== 1) return undefined;
      out.push(n[0]);
    }
    return out;
  }
  return undefined;
}

/** Monday 2026-11-30 00:00 UTC: a login's clock is set to the first hour of that week that gives what it asks for. */
const CLOCK_WEEK_START = Date.UTC(2026, 10, 30);
const HOUR_MS = 3_600_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function isClockSetting(s: LoginSetting): boolean {
  return s.path.length === 2 && s.path[0] === 'clock';
}

function readClock(at: Date, field: string): number {
  switch (field) {
    case 'hour': return at.getHours();
    case 'utcHour': return at.getUTCHours();
    case 'day': return at.getDay();
    case 'utcDay': return at.getUTCDay();
    default: return at.getTime();
  }
}

/**
 * The instant (epoch ms) a login with clock settings runs at, else undefined. Local readings (`getHours`) are those
 * of this process's timezone, which the runner's children share (they get its TZ). Settings that cannot all hold at
 * once get the hour that satisfies most of them.
 */
export function clockInstantOf(settings: readonly LoginSetting[]): number | undefined {
  const clock = settings.filter(isClockSetting);
  if (clock.length === 0) return undefined;
  const epoch = clock.find((s) => s.path[1] === 'epoch');
  if (epoch && typeof epoch.value === 'number') return epoch.value;
  let best = CLOCK_WEEK_START;
  let bestScore = -1;
  for (let hour = 0; hour < 7 * 24 && bestScore < clock.length; hour++) {
    const at = new Date(CLOCK_WEEK_START + hour * HOUR_MS);
    const score = clock.filter((s) => readClock(at, s.path[1]) === s.value).length;
    if (score > bestScore) {
      best = at.getTime();
      bestScore = score;
    }
  }
  return best;
}

function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `at 2026-11-30T07:00:00Z (hour 7 UTC, Monday UTC)`: when a login with clock settings ran. */
export function describeClock(settings: readonly LoginSetting[]): string | undefined {
  const clock = settings.filter(isClockSetting);
  const ms = clockInstantOf(clock);
  if (ms === undefined) return undefined;
  const at = new Date(ms);
  const offset = -at.getTimezoneOffset();
  const zone = `local time, UTC${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  const parts = clock.flatMap((s) => {
    const field = s.path[1];
    const value = readClock(at, field);
    if (field === 'hour' || field === 'utcHour') return [`hour ${value} ${field === 'utcHour' ? 'UTC' : zone}`];
    if (field === 'day' || field === 'utcDay') return [`${WEEKDAYS[value]} ${field === 'utcDay' ? 'UTC' : zone}`];
    return [];
  });
  return `at ${isoInstant(ms)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** The login with the instant its clock settings ask for: `now` for the runner, `at` on each clock setting for the report. */
export function withClock(login: LoginCase): LoginCase {
  const now = clockInstantOf(login.settings);
  if (now === undefined) return login;
  const at = isoInstant(now);
  return { settings: login.settings.map((s) => (isClockSetting(s) ? { ...s, at } : s)), now };
}

