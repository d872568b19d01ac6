// Strings a regular expression of a login gate matches (`/^admin-\d+@corp\.(com|net)$/i`), so the
// differential check can try the logins such a gate selects. Built from the pattern for the subset
// gates use: characters, escapes, classes, `.`, groups, alternatives, quantifiers and `^`/`$` at the
// ends of an alternative. Anything else (look-arounds, back-references, `\b`, property escapes) gives
// no example, and every example is checked against the real expression before it is used: a wrong one
// would leave the gate untried while the check reports agreement.

/** One string the expression matches; `start`: it matches only at the start of a value (`^`, or the sticky flag). */
export interface RegexExample {
  text: string;
  start: boolean;
}

/** At most this many examples per expression (one per alternative, first ones first). */
const MAX_EXAMPLES = 4;
/** Longer examples are not built: a gate is a short pattern, and `x{1000}` is not worth a login. */
const MAX_LENGTH = 200;
const MAX_REPEAT = 20;

class Unsupported extends Error {}

/** Characters tried for a class, in order: the class's own first character comes before these. */
const CANDIDATES = ['a', 'A', '0', '_', '-', '.', '@', ' ', 'x', 'Z', '9', '!', '#', '/', ':'];

class PatternReader {
  private i = 0;

  private readonly unicode: boolean;

  constructor(private readonly pattern: string, private readonly flags: string) {
    this.unicode = flags.includes('u') || flags.includes('v');
  }

  /** The alternatives at the top, each with whether it is anchored at the start (`$` needs nothing: the example ends there). */
  top(): Array<{ texts: string[]; start: boolean }> {
    const out: Array<{ texts: string[]; start: boolean }> = [];
    for (;;) {
      const start = this.pattern[this.i] === '^';
      if (start) this.i++;
      out.push({ texts: this.sequence(true), start });
      if (this.i >= this.pattern.length) return out;
      if (this.pattern[this.i] !== '|') throw new Unsupported();
      this.i++;
    }
  }

  /** Alternatives inside a group, up to its `)`. */
  private alternatives(): string[] {
    const out: string[] = [];
    for (;;) {
      out.push(...this.sequence(false));
      if (this.pattern[this.i] !== '|') return out.slice(0, MAX_EXAMPLES);
      this.i++;
    }
  }

  /** Atoms up to `|`, `)` or the end; at the top a final `$` is the end anchor. */
  private sequence(atTop: boolean): string[] {
    let texts = [''];
    while (this.i < this.pattern.length) {
      const c = this.pattern[this.i];
      if (c === '|' || c === ')') {
        if (c === ')' && atTop) throw new Unsupported();
        break;
      }
      if (c === '$') {
        const last = this.i === this.pattern.length - 1 || this.pattern[this.i + 1] === '|';
        if (!atTop || !last) throw new Unsupported();
        this.i++;
        break;
      }
      const atom = this.atom();
      const repeat = this.quantifier();
      const options = atom.map((a) => a.repeat(repeat));
      texts = texts.flatMap((t) => options.map((o) => t + o)).slice(0, MAX_EXAMPLES);
      if (texts.some((t) => t.length > MAX_LENGTH)) throw new Unsupported();
    }
    return texts;
  }

  /** How many times the atom just read is written: the least the quantifier allows (1 without one). */
  private quantifier(): number {
    const c = this.pattern[this.i];
    let times = 1;
    if (c === '?' || c === '*') {
      times = 0;
      this.i++;
    } else if (c === '+') {
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.pattern.slice(this.i));
      if (!m) {
        // Outside unicode mode a brace that is not a quantifier is the character itself.
        if (this.unicode) throw new Unsupported();
        return 1;
      }
      times = Number(m[1]);
      if (times > MAX_REPEAT) throw new Unsupported();
      this.i += m[0].length;
    } else {
      return 1;
    }
    if (this.pattern[this.i] === '?') this.i++; // lazy: the same strings match
    return times;
  }

  private atom(): string[] {
    const c = this.pattern[this.i];
    if (c === '(') {
      this.i++;
      if (this.pattern.startsWith('?:', this.i)) this.i += 2;
      else if (/^\?<[A-Za-z_$][\w$]*>/.test(this.pattern.slice(this.i))) this.i = this.pattern.indexOf('>', this.i) + 1;
      else if (this.pattern[this.i] === '?') throw new Unsupported(); // look-arounds, modifiers
      const inside = this.alternatives();
      if (this.pattern[this.i] !== ')') throw new Unsupported();
      this.i++;
      return inside;
    }
    if (c === '[') return [this.characterClass()];
    if (c === '\\') return [this.escape(false)];
    if (c === '.') {
      this.i++;
      return ['a'];
    }
    if ('*+?^'.includes(c)) throw new Unsupported();
    if (this.unicode && ']{}'.includes(c)) throw new Unsupported();
    this.i++;
    return [c];
  }

  /** An escape at `\`: the character it stands for (a class escape: one of its characters). */
  private escape(inClass: boolean): string {
    const next = this.pattern[this.i + 1];
    if (next === undefined) throw new Unsupported();
    this.i += 2;
    switch (next) {
      case 'd': return '0';
      case 'D': return 'a';
      case 'w': return 'a';
      case 'W': return '-';
      case 's': return ' ';
      case 'S': return 'a';
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'v': return '\v';
      case 'f': return '\f';
      case '0':
        if (/[0-9]/.test(this.pattern[this.i] ?? '')) throw new Unsupported();
        return '\0';
      case 'b':
        // In a class `\b` is a backspace; outside it is a word boundary, which builds no character.
        if (inClass) return '\b';
        throw new Unsupported();
      case 'x': {
        const hex = /^[0-9A-Fa-f]{2}/.exec(this.pattern.slice(this.i));
        if (!hex) throw new Unsupported();
        this.i += 2;
        return String.fromCharCode(parseInt(hex[0], 16));
      }
      case 'u': {
        const hex = /^[0-9A-Fa-f]{4}/.exec(this.pattern.slice(this.i));
        if (hex) {
          this.i += 4;
          return String.fromCharCode(parseInt(hex[0], 16));
        }
        const braced = this.unicode ? /^\{([0-9A-Fa-f]{1,6})\}/.exec(this.pattern.slice(this.i)) : null;
        if (!braced) throw new Unsupported();
        this.i += braced[0].length;
        return String.fromCodePoint(parseInt(braced[1], 16));
      }
      default:
        // Back-references, \B, \c, \k and \p have no single character; an escaped letter or digit is one of them
        // or an identity escape only outside unicode mode: not built.
        if (/[A-Za-z0-9]/.test(next)) throw new Unsupported();
        return next;
    }
  }

  /** A `[…]` class: its first character, or for a negated class the first candidate it does not exclude. */
  private characterClass(): string {
    const open = this.i;
    this.i++;
    const negated = this.pattern[this.i] === '^';
    if (negated) this.i++;
    let first: string | undefined;
    while (this.i < this.pattern.length && this.pattern[this.i] !== ']') {
      if (this.flags.includes('v') && (this.pattern[this.i] === '[' || this.pattern.startsWith('--', this.i) || this.pattern.startsWith('&&', this.i))) throw new Unsupported();
      const c = this.pattern[this.i] === '\\' ? this.escape(true) : this.pattern[this.i++];
      first ??= c;
    }
    if (this.pattern[this.i] !== ']') throw new Unsupported();
    this.i++;
    // Which character the class takes is asked of the engine itself: ranges, escapes and negation as it reads them.
    const cls = new RegExp(`^${this.pattern.slice(open, this.i)}$`, this.flags.replace(/[gyd]/g, ''));
    const found = [...(first !== undefined && !negated ? [first] : []), ...CANDIDATES].find((candidate) => cls.test(candidate));
    if (found === undefined) throw new Unsupported();
    return found;
  }
}

/**
 * Strings `pattern` (with `flags`) matches, one per alternative as far as `MAX_EXAMPLES`, each checked against
 * the expression itself; undefined when the pattern uses something the examples cannot be built for, or is not a
 * valid expression.
 */
export function regexExamples(pattern: string, flags: string): RegexExample[] | undefined {
  let expression: RegExp;
  try {
    expression = new RegExp(pattern, flags.replace(/[gy]/g, ''));
  } catch {
    return undefined;
  }
  let alternatives: Array<{ texts: string[]; start: boolean }>;
  try {
    alternatives = new PatternReader(pattern, flags).top();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const sticky = flags.includes('y');
  const out: RegexExample[] = [];
  for (const alternative of alternatives) {
    for (const text of alternative.texts) {
      if (out.length >= MAX_EXAMPLES || !expression.test(text)) continue;
      // An empty match anywhere is no gate: every value matches.
      if (text === '' && !alternative.start && !sticky) continue;
      // Written at the end of a longer value unless it must start the value; that value must match as well.
      const start = alternative.start || sticky || !expression.test(`x${text}`);
      if (!out.some((e) => e.text === text && e.start === start)) out.push({ text, start });
    }
  }
  return out.length ? out : undefined;
}
