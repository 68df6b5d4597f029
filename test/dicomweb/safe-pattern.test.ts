/**
 * The linear-time matcher the DICOMweb collection rules use (subgraphs/sdk/safe-pattern.ts): it must say what a
 * RegExp says for every pattern it accepts, refuse what it cannot match in linear time, and stay fast on the
 * patterns that make a backtracking RegExp hang.
 */
import { SafePattern, checkSafePattern } from '../../subgraphs/sdk/safe-pattern';
import { Random } from '../../simulators/synthetic/random';

const PATTERNS = [
  '^CT (THORAX|CHEST)', 'prostat|psma', '^AMS-LUNG-\\d{4}$', '\\bTAP\\b', '[^a-z]x', 'a{2,3}b', 'a{2}', 'a{2,}$', '(?:x|y)*z',
  '^$', 'colou?r', '[A-Z]+', '[a-]', '[-a]', '[\\d.]+Y', '\\.', '\\\\', 'a.c', '^\\s*$', '\\S+\\s\\S+', '\\W', '\\u00e9', '\\x41',
  '(a|ab)(c|bcd)(d*)', '^(a+)+$', '(a*)*b', '(|a)+', 'x??y', 'a+?b', '[]', '[^]', '^\\w+\\B', 'b\\b', 'LUNG$|^PROSTATE',
];

const INPUTS = [
  '', 'CT THORAX W CONTRAST', 'ct thorax', 'MR PROSTATA', 'PSMA PET/CT', 'AMS-LUNG-0012', 'AMS-LUNG-12', 'CT TAP IV', 'CT TAPIV',
  'Ax', 'aab', 'aaab', 'ab', 'xyxyz', 'COLOR', 'colour', 'abc', 'a-', '065.5Y', 'a.c', 'a\nc', '   ', 'two words', 'é', 'É', 'A',
  'abcd', 'aaaa', 'aaab', 'b', 'y', 'xy', '\\', 'LUNG', 'PROSTATE', 'NOT LUNG ', 'ab cd',
];

describe('SafePattern', () => {
  it.each(PATTERNS)('answers as RegExp does for %s, with and without ignoreCase', (source) => {
    for (const ignoreCase of [false, true]) {
      const mine = SafePattern.compile(source, { ignoreCase });
      const reference = new RegExp(source, ignoreCase ? 'i' : '');
      // '^(a+)+$' and '(a*)*b' backtrack badly only on long inputs; these are short.
      for (const input of INPUTS) expect([source, ignoreCase, input, mine.test(input)]).toEqual([source, ignoreCase, input, reference.test(input)]);
    }
  });

  it('agrees with RegExp on randomly built patterns and values', () => {
    const random = new Random(20260607);
    const atoms = ['a', 'b', '.', '[ab]', '[^a]', '\\d', '\\w', '\\s', 'A', '(a|b)', '(?:ab|a)', '(a*)'];
    const quantifiers = ['', '', '*', '+', '?', '{1,2}', '{2}', '*?'];
    const build = (depth: number): string => {
      const parts = Array.from({ length: random.int(1, 4) }, () => {
        const atom = depth > 0 && random.chance(0.2) ? `(${build(depth - 1)}|${build(depth - 1)})` : random.pick(atoms);
        return atom + random.pick(quantifiers);
      });
      return (random.chance(0.3) ? '^' : '') + parts.join('') + (random.chance(0.3) ? '$' : '');
    };
    const alphabet = ['a', 'b', 'A', '1', ' ', '-', 'é'];
    for (let i = 0; i < 400; i++) {
      let source = build(2);
      while (source.length > 200) source = build(1);
      const ignoreCase = random.chance(0.5);
      const mine = SafePattern.compile(source, { ignoreCase });
      const reference = new RegExp(source, ignoreCase ? 'i' : '');
      for (let j = 0; j < 20; j++) {
        const input = Array.from({ length: random.int(0, 8) }, () => random.pick(alphabet)).join('');
        expect([source, ignoreCase, input, mine.test(input)]).toEqual([source, ignoreCase, input, reference.test(input)]);
      }
    }
  });

  it('stays linear on patterns that make a backtracking RegExp hang', () => {
    // A backtracking engine needs about 2^n steps for '^(a+)+$' on "aaa…ab"; 50,000 characters here.
    const value = `${'a'.repeat(50_000)}b`;
    for (const source of ['^(a+)+$', '(a*)*b$', '^(a|aa)+$', '^(\\w+\\s?)*$', '(.*a){20}$']) {
      const started = process.hrtime.bigint();
      const matched = SafePattern.compile(source).test(value);
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect([source, matched]).toEqual([source, source === '(a*)*b$' || source === '^(\\w+\\s?)*$']);
      expect([source, elapsedMs < 3000]).toEqual([source, true]);
    }
  });

  it('refuses what it cannot match in linear time or what would mean something else, saying why', () => {
    const refused: Array<[string, string]> = [
      ['(a)\\1', 'backreferences'], ['(?=a)b', 'lookahead and lookbehind'], ['(?<!a)b', 'lookahead and lookbehind'],
      ['(?<name>a)', 'named groups'], ['\\p{L}', 'Unicode property escapes'], ['a**', 'two quantifiers in a row'],
      ['*a', 'has nothing to repeat'], ['a{', 'write \\{'], ['a}', 'write \\}'], [']', 'write \\]'], ['(a', 'not closed'],
      ['a)', 'unbalanced'], ['[a', 'not closed with "]"'], ['a{101}', 'above 100'], ['a{3,2}', 'out of order'], ['[z-a]', 'out of order'],
      ['\\q', 'not an escape this matcher knows'], ['a\\', 'lone backslash'], ['', 'empty'], ['x'.repeat(300), 'longer than 256'],
      ['(((a{1,100}){1,100}){1,100})', 'too large'], ['^*', 'a quantifier after an anchor'],
    ];
    for (const [source, reason] of refused) {
      const checked = checkSafePattern(source);
      expect([source, 'problem' in checked ? checked.problem : 'accepted']).toEqual([source, expect.stringContaining(reason)]);
    }
    expect(checkSafePattern(42)).toEqual({ problem: 'must be a string (a regular expression)' });
  });
});
