/**
 * Regular expressions that repository owners write into a federation config (e.g. "a study whose StudyDescription
 * matches `^CT (THORAX|CHEST)` belongs to AMS-LUNG"), matched against values that come from native data. JavaScript's
 * RegExp backtracks, so a pattern such as `^(a+)+$` takes exponential time on a value like "aaaa…ab": native data
 * (which anybody who can store a DICOM file controls) would stall the gateway. This module compiles a subset of the
 * ECMAScript syntax into a Thompson NFA and runs it as a Pike VM (all threads in lock step): time O(value length ×
 * pattern size), whatever the pattern and the value.
 *
 * Supported: literals, `.`, classes `[a-z0-9_]` and `[^…]`, `\d \D \w \W \s \S`, escapes of the syntax characters,
 * `\t \n \r \f \v \xhh \uhhhh`, groups `(…)` and `(?:…)`, `|`, `* + ?` and `{n}` `{n,}` `{n,m}` (lazy forms too),
 * anchors `^ $` and word boundaries `\b \B`; `ignoreCase`. Matching asks "is there a match anywhere" (RegExp.test).
 * Refused with a message saying why: backreferences, lookaround, named groups, Unicode property escapes, and anything
 * ambiguous (a lone `]`, `{` or `}`), so a pattern never means something else here than in a RegExp.
 */

export class PatternError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = 'PatternError';
  }
}

export interface SafePatternOptions {
  ignoreCase?: boolean;
}

/** Longest pattern source accepted, in characters. */
export const MAX_PATTERN_LENGTH = 256;
/** Largest compiled program (counted repetitions are unrolled, so `(…){1,100}` costs 100 copies). */
const MAX_PROGRAM_SIZE = 4000;
/** Largest bound of a counted repetition. */
const MAX_REPEAT = 100;

type CharTest = (code: number) => boolean;

type Node =
  | { kind: 'char'; test: CharTest }
  | { kind: 'empty' }
  | { kind: 'assert'; at: 'start' | 'end' | 'word' | 'notWord' }
  | { kind: 'concat'; parts: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number | null };

type Instruction =
  | { op: 'char'; test: CharTest; next: number }
  | { op: 'split'; a: number; b: number }
  | { op: 'jump'; to: number }
  | { op: 'assert'; at: 'start' | 'end' | 'word' | 'notWord'; next: number }
  | { op: 'match' };

export class SafePattern {
  private constructor(readonly source: string, private readonly program: Instruction[], private readonly start: number) {}

  /** Compiles `source`; throws PatternError naming the position and the construct it refuses. */
  static compile(source: string, options: SafePatternOptions = {}): SafePattern {
    if (source.length === 0) throw new PatternError('the pattern is empty', 0);
    if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`, MAX_PATTERN_LENGTH);
    const ast = new Parser(source, options.ignoreCase ?? false).parse();
    const compiler = new Compiler();
    const start = compiler.emit(ast, compiler.match());
    return new SafePattern(source, compiler.program, start);
  }

  /** Whether the pattern matches somewhere in `text` (as RegExp.prototype.test). Linear in the length of `text`. */
  test(text: string): boolean {
    let current = new ThreadList(this.program.length);
    let next = new ThreadList(this.program.length);
    for (let i = 0; i <= text.length; i++) {
      // Unanchored search: a thread starts at every position (a leading `^` assertion stops the others).
      if (this.follow(this.start, text, i, current)) return true;
      if (i === text.length) break;
      const code = text.charCodeAt(i);
      next.clear();
      for (const pc of current.items()) {
        const instruction = this.program[pc] as Extract<Instruction, { op: 'char' }>;
        if (instruction.test(code) && this.follow(instruction.next, text, i + 1, next)) return true;
      }
      [current, next] = [next, current];
    }
    return false;
  }

  /**
   * Adds the threads reachable from `pc` without consuming a character (splits, jumps, assertions that hold at
   * `position`) to `list`; only character instructions are kept. True when a match instruction is reached.
   */
  private follow(pc: number, text: string, position: number, list: ThreadList): boolean {
    const stack = [pc];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (!list.visit(at)) continue;
      const instruction = this.program[at];
      switch (instruction.op) {
        case 'match': return true;
        case 'char': list.keep(at); break;
        case 'jump': stack.push(instruction.to); break;
        case 'split': stack.push(instruction.b, instruction.a); break;
        case 'assert': if (assertionHolds(instruction.at, text, position)) stack.push(instruction.next); break;
      }
    }
    return false;
  }
}

/** Compiles a pattern, or returns the reason it is refused (for config validation). */
export function checkSafePattern(source: unknown, options: SafePatternOptions = {}): { pattern: SafePattern } | { problem: string } {
  if (typeof source !== 'string') return { problem: 'must be a string (a regular expression)' };
  try {
    return { pattern: SafePattern.compile(source, options) };
  } catch (error) {
    if (error instanceof PatternError) return { problem: `${error.message} (at character ${error.position + 1} of ${JSON.stringify(source)})` };
    throw error;
  }
}

/** A set of program counters with O(1) insert, membership and clear (the classic sparse set). */
class ThreadList {
  private readonly visited: Int32Array;
  private generation = 1;
  private readonly kept: number[] = [];

  constructor(size: number) {
    this.visited = new Int32Array(size);
  }

  visit(pc: number): boolean {
    if (this.visited[pc] === this.generation) return false;
    this.visited[pc] = this.generation;
    return true;
  }

  keep(pc: number): void {
    this.kept.push(pc);
  }

  items(): readonly number[] {
    return this.kept;
  }

  clear(): void {
    this.generation++;
    this.kept.length = 0;
  }
}

const isWordCode = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;

function assertionHolds(at: 'start' | 'end' | 'word' | 'notWord', text: string, position: number): boolean {
  switch (at) {
    case 'start': return position === 0;
    case 'end': return position === text.length;
    default: {
      const before = position > 0 && isWordCode(text.charCodeAt(position - 1));
      const after = position < text.length && isWordCode(text.charCodeAt(position));
      return (before !== after) === (at === 'word');
    }
  }
}

class Compiler {
  readonly program: Instruction[] = [];

  match(): number {
    return this.push({ op: 'match' });
  }

  /** Emits `node` so that it continues at `next`; returns its entry point. Built back to front. */
  emit(node: Node, next: number): number {
    switch (node.kind) {
      case 'empty': return next;
      case 'char': return this.push({ op: 'char', test: node.test, next });
      case 'assert': return this.push({ op: 'assert', at: node.at, next });
      case 'concat': return node.parts.reduceRight((to, part) => this.emit(part, to), next);
      case 'alt': {
        const entries = node.options.map((option) => this.emit(option, next));
        return entries.reduceRight((rest, entry) => this.push({ op: 'split', a: entry, b: rest }));
      }
      case 'repeat': {
        let entry = next;
        if (node.max === null) {
          // x*: a split that either enters x (which loops back to the split) or leaves.
          const loop = this.push({ op: 'split', a: -1, b: next });
          const body = this.emit(node.node, loop);
          (this.program[loop] as Extract<Instruction, { op: 'split' }>).a = body;
          entry = loop;
        } else {
          for (let i = node.min; i < node.max; i++) {
            const body = this.emit(node.node, entry);
            entry = this.push({ op: 'split', a: body, b: next });
          }
        }
        for (let i = 0; i < node.min; i++) entry = this.emit(node.node, entry);
        return entry;
      }
    }
  }

  private push(instruction: Instruction): number {
    if (this.program.length >= MAX_PROGRAM_SIZE) {
      throw new PatternError(`the pattern is too large once its counted repetitions are unrolled (more than ${MAX_PROGRAM_SIZE} steps)`, 0);
    }
    this.program.push(instruction);
    return this.program.length - 1;
  }
}

const LINE_TERMINATORS = new Set([0x0a, 0x0d, 0x2028, 0x2029]);
const isDigit: CharTest = (c) => c >= 48 && c <= 57;
// \s in ECMAScript: WhiteSpace and LineTerminator.
const SPACES = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
const isSpace: CharTest = (c) => SPACES.has(c) || (c >= 0x2000 && c <= 0x200a);
const not = (test: CharTest): CharTest => (c) => !test(c);
const SYNTAX = '^$\\.*+?()[]{}|/-';

class Parser {
  private position = 0;

  constructor(private readonly source: string, private readonly ignoreCase: boolean) {}

  parse(): Node {
    const node = this.alternation();
    if (this.position < this.source.length) this.fail(`unexpected "${this.source[this.position]}" (an unbalanced ")"?)`);
    return node;
  }

  private fail(message: string, at = this.position): never {
    throw new PatternError(message, at);
  }

  private peek(): string | undefined {
    return this.source[this.position];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.position++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: 'alt', options };
  }

  private sequence(): Node {
    const parts: Node[] = [];
    while (this.position < this.source.length && this.peek() !== '|' && this.peek() !== ')') parts.push(this.quantified());
    return parts.length === 0 ? { kind: 'empty' } : parts.length === 1 ? parts[0] : { kind: 'concat', parts };
  }

  private quantified(): Node {
    const start = this.position;
    const atom = this.atom();
    const quantifier = this.quantifier();
    if (!quantifier) return atom;
    if (atom.kind === 'assert') this.fail('a quantifier after an anchor or word boundary is not supported', start);
    // Lazy quantifiers match the same strings; for "is there a match" they are the same as greedy ones.
    if (this.peek() === '?') this.position++;
    if (this.isQuantifierStart()) this.fail('two quantifiers in a row');
    return { kind: 'repeat', node: atom, ...quantifier };
  }

  private isQuantifierStart(): boolean {
    const c = this.peek();
    return c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(this.source.slice(this.position)));
  }

  private quantifier(): { min: number; max: number | null } | null {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.position++;
      return c === '*' ? { min: 0, max: null } : c === '+' ? { min: 1, max: null } : { min: 0, max: 1 };
    }
    if (c !== '{') return null;
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.position));
    if (!match) this.fail('"{" starts no counted repetition {n}, {n,} or {n,m}: write \\{ for the character');
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? null : Number(match[3]);
    if (min > MAX_REPEAT || (max !== null && max > MAX_REPEAT)) this.fail(`a counted repetition above ${MAX_REPEAT} is not supported`);
    if (max !== null && max < min) this.fail(`the repetition {${min},${max}} has its numbers out of order`);
    this.position += match[0].length;
    return { min, max };
  }

  private atom(): Node {
    const at = this.position;
    const c = this.source[this.position++];
    switch (c) {
      case '^': return { kind: 'assert', at: 'start' };
      case '$': return { kind: 'assert', at: 'end' };
      case '.': return { kind: 'char', test: (code) => !LINE_TERMINATORS.has(code) };
      case '(': return this.group(at);
      case '[': return { kind: 'char', test: this.characterClass() };
      case '\\': return this.escape();
      case '*': case '+': case '?': return this.fail(`"${c}" has nothing to repeat`, at);
      case '{': return this.isCountedAt(at) ? this.fail('a counted repetition has nothing to repeat', at)
        : this.fail('a lone "{" is ambiguous: write \\{ for the character', at);
      case '}': case ']': return this.fail(`a lone "${c}" is ambiguous: write \\${c} for the character`, at);
      default: return this.literal(c.charCodeAt(0));
    }
  }

  private isCountedAt(at: number): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.source.slice(at));
  }

  private group(at: number): Node {
    if (this.peek() === '?') {
      if (this.source[this.position + 1] !== ':') {
        const kind = this.source.slice(this.position + 1, this.position + 3);
        this.fail(kind.startsWith('<') && kind !== '<=' && kind !== '<!' ? 'named groups are not supported: use (?:…) or (…)'
          : 'lookahead and lookbehind are not supported: they cannot be matched in linear time', at);
      }
      this.position += 2;
    }
    const inner = this.alternation();
    if (this.peek() !== ')') this.fail('this group is not closed with ")"', at);
    this.position++;
    return inner;
  }

  private literal(code: number): Node {
    if (!this.ignoreCase) return { kind: 'char', test: (c) => c === code };
    const canonical = canonicalize(code);
    return { kind: 'char', test: (c) => c === code || canonicalize(c) === canonical };
  }

  /** After a backslash, outside a class. */
  private escape(): Node {
    const value = this.escapeValue(false);
    if ('code' in value) return this.literal(value.code);
    if ('test' in value) return { kind: 'char', test: value.test };
    return { kind: 'assert', at: value.assert };
  }

  /**
   * What the escape after a backslash stands for: one character, a predefined class, or (outside a class) a word
   * boundary. Inside a class \b is refused: it means backspace there and a word boundary outside.
   */
  private escapeValue(inClass: boolean): { code: number } | { test: CharTest } | { assert: 'word' | 'notWord' } {
    const at = this.position - 1;
    const c = this.source[this.position++];
    if (c === undefined) this.fail('the pattern ends with a lone backslash', at);
    switch (c) {
      case 'd': return { test: isDigit };
      case 'D': return { test: not(isDigit) };
      case 'w': return { test: isWordCode };
      case 'W': return { test: not(isWordCode) };
      case 's': return { test: isSpace };
      case 'S': return { test: not(isSpace) };
      case 'b': return inClass ? this.fail('\\b inside a class is not supported (write \\x08 for a backspace)', at) : { assert: 'word' };
      case 'B': return inClass ? this.fail('\\B inside a class is not supported', at) : { assert: 'notWord' };
      case 't': return { code: 0x09 };
      case 'n': return { code: 0x0a };
      case 'r': return { code: 0x0d };
      case 'f': return { code: 0x0c };
      case 'v': return { code: 0x0b };
      case 'x': return { code: this.hex(2, at) };
      case 'u': return { code: this.hex(4, at) };
      case '0': return /\d/.test(this.peek() ?? '') ? this.fail('octal escapes are not supported', at) : { code: 0 };
      default:
        if (/[1-9]/.test(c)) this.fail('backreferences (\\1 …) are not supported: they cannot be matched in linear time', at);
        if (c === 'k') this.fail('named backreferences are not supported', at);
        if (c === 'p' || c === 'P') this.fail('Unicode property escapes (\\p{…}) are not supported', at);
        if (c === 'c') this.fail('control escapes (\\c…) are not supported', at);
        if (!SYNTAX.includes(c)) this.fail(`"\\${c}" is not an escape this matcher knows: escape only syntax characters`, at);
        return { code: c.charCodeAt(0) };
    }
  }

  private hex(digits: number, at: number): number {
    const text = this.source.slice(this.position, this.position + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(text)) this.fail(`\\${digits === 2 ? 'x' : 'u'} needs ${digits} hexadecimal digits`, at);
    this.position += digits;
    return parseInt(text, 16);
  }

  /** After "[": the class's test. */
  private characterClass(): CharTest {
    const at = this.position - 1;
    const negated = this.peek() === '^';
    if (negated) this.position++;
    const members: CharTest[] = [];
    while (this.peek() !== ']') {
      if (this.position >= this.source.length) this.fail('this class is not closed with "]"', at);
      const from = this.classAtom();
      if (this.peek() === '-' && this.source[this.position + 1] !== ']' && this.source[this.position + 1] !== undefined) {
        this.position++;
        const to = this.classAtom();
        if (typeof from !== 'number' || typeof to !== 'number') this.fail('a range in a class needs single characters at both ends', at);
        if (to < from) this.fail('a range in a class has its ends out of order', at);
        members.push(this.range(from, to));
      } else {
        members.push(typeof from === 'number' ? this.range(from, from) : from);
      }
    }
    this.position++;
    const inClass: CharTest = (c) => members.some((member) => member(c));
    return negated ? not(inClass) : inClass;
  }

  /** A character code, or a predefined class (\d, \w, \s and their negations). */
  private classAtom(): number | CharTest {
    const c = this.source[this.position++];
    if (c === '[') this.fail('a "[" inside a class is ambiguous: write \\[', this.position - 1);
    if (c !== '\\') return c.charCodeAt(0);
    const value = this.escapeValue(true);
    if ('code' in value) return value.code;
    if ('test' in value) return value.test;
    return this.fail('unexpected escape in a class', this.position - 2);
  }

  private range(from: number, to: number): CharTest {
    if (!this.ignoreCase) return (c) => c >= from && c <= to;
    // ECMAScript ignoreCase: a character matches when some member of the class has the same canonical form.
    return (c) => (c >= from && c <= to) || [toLower(c), toUpper(c)].some((v) => v >= from && v <= to && canonicalize(v) === canonicalize(c));
  }
}

/** ECMAScript Canonicalize for non-Unicode ignoreCase (ES2023 22.2.2.7.3). */
function canonicalize(code: number): number {
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const result = upper.charCodeAt(0);
  return code >= 128 && result < 128 ? code : result;
}

function toLower(code: number): number {
  const lower = String.fromCharCode(code).toLowerCase();
  return lower.length === 1 ? lower.charCodeAt(0) : code;
}

function toUpper(code: number): number {
  const upper = String.fromCharCode(code).toUpperCase();
  return upper.length === 1 ? upper.charCodeAt(0) : code;
}
