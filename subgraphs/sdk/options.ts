/**
 * An adapter kind's options (`entry.options` in the federation config), declared once: each option's name, type,
 * default, range or allowed values and a description. `defineOptions` gives from that declaration both the
 * validation the config loader runs (`validateOptions`, problems as "field: what is wrong") and the typed options
 * the adapter reads (`readOptions`), so the two never disagree and no adapter writes its own option loop.
 *
 *   export const FHIR_OPTIONS = defineOptions('fhir', {
 *     pageSize: option.integer({ min: 1, max: 1000, default: 100, description: 'Largest native page, in patients' }),
 *     nativeImageCriteria: option.boolean({ default: true, description: 'Pre-select modalities natively' }),
 *   });
 *   FHIR_OPTIONS.readOptions(entry.options).pageSize   // number
 *
 * An option whose value has structure (a rule, a map of names) is an `option.custom` with its own reader, which
 * reports problems under the option's name (`collectionFrom.by: ...`). A kind without options declares none, and
 * then any option given is reported as unknown.
 */

/** Reports a problem at a path below the option ('' for the option itself, '.by', '[2]'). */
export type ProblemAt = (path: string, message: string) => void;

export interface OptionSpec<T> {
  /** What the option does, for the owners' guide and error messages. */
  readonly description: string;
  readonly default: T;
  /** The option's type and range in a few words ("integer 1-1000"), for the owners' guide. */
  readonly summary: string;
  /** The value as the adapter uses it; problems reported through `problem` (the result is then not used). */
  read(value: unknown, problem: ProblemAt): T;
}

type ValueOf<S> = S extends OptionSpec<infer T> ? T : never;

/** The typed options a declaration gives. */
export type OptionsOf<S extends Record<string, OptionSpec<unknown>>> = { [K in keyof S]: ValueOf<S[K]> };

export interface OptionsDefinition<S extends Record<string, OptionSpec<unknown>>> {
  readonly kind: string;
  readonly specs: S;
  /** Problems with `entry.options`, as "field: what is wrong", in the order the options are given. */
  validateOptions(options: Record<string, unknown>): string[];
  /** The options with defaults; throws "invalid <kind> options: ..." when invalid (the config loader reports them first). */
  readOptions(options: Record<string, unknown>): OptionsOf<S>;
}

export function defineOptions<S extends Record<string, OptionSpec<unknown>>>(kind: string, specs: S): OptionsDefinition<S> {
  const names = Object.keys(specs);
  const known = names.length === 0 ? 'takes no options' : `knows ${names.join(', ')}`;

  function validateOptions(options: Record<string, unknown>): string[] {
    const problems: string[] = [];
    for (const [name, value] of Object.entries(options)) {
      const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
      if (!spec) problems.push(`${name}: unknown option (the ${kind} adapter ${known})`);
      else spec.read(value, (path, message) => problems.push(`${name}${path}: ${message}`));
    }
    return problems;
  }

  function readOptions(options: Record<string, unknown>): OptionsOf<S> {
    const problems = validateOptions(options);
    if (problems.length > 0) throw new Error(`invalid ${kind} options: ${problems.join('; ')}`);
    const ignore: ProblemAt = () => undefined;
    return Object.fromEntries(names.map((name) => [name, options[name] === undefined ? specs[name].default : specs[name].read(options[name], ignore)])) as OptionsOf<S>;
  }

  return { kind, specs, validateOptions, readOptions };
}

interface Described<T> {
  description: string;
  default: T;
  /** The message's "must be ..." part, when the generated one does not say enough. */
  mustBe?: string;
}

function spec<T>(description: string, defaultValue: T, summary: string, mustBe: string, accepts: (value: unknown) => boolean): OptionSpec<T> {
  return {
    description, default: defaultValue, summary,
    read(value, problem) {
      if (!accepts(value)) problem('', `must be ${mustBe}`);
      return value as T;
    },
  };
}

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ').replace(/, ([^,]*)$/, ' or $1');

export const option = {
  /** An integer in [min, max] (max omitted: no upper bound). */
  integer(o: Described<number> & { min: number; max?: number }): OptionSpec<number> {
    const range = o.max !== undefined ? `between ${o.min} and ${o.max}` : o.min === 1 ? '' : `of at least ${o.min}`;
    const mustBe = o.mustBe ?? (range === '' ? 'a positive integer' : `an integer ${range}`);
    return spec(o.description, o.default, `integer ${o.min}-${o.max ?? '∞'}`, mustBe,
      (v) => typeof v === 'number' && Number.isInteger(v) && v >= o.min && (o.max === undefined || v <= o.max));
  },
  /** A finite number above zero (seconds, for instance). */
  positiveNumber(o: Described<number> & { unit?: string }): OptionSpec<number> {
    return spec(o.description, o.default, `number > 0${o.unit ? ` (${o.unit})` : ''}`, o.mustBe ?? `a positive number${o.unit ? ` of ${o.unit}` : ''}`,
      (v) => typeof v === 'number' && Number.isFinite(v) && v > 0);
  },
  boolean(o: Described<boolean>): OptionSpec<boolean> {
    return spec(o.description, o.default, 'true or false', o.mustBe ?? 'true or false', (v) => typeof v === 'boolean');
  },
  /** One of a few strings. */
  oneOf<const V extends string>(o: Described<V> & { values: readonly V[] }): OptionSpec<V> {
    return spec(o.description, o.default, o.values.join(' | '), o.mustBe ?? quoted(o.values), (v) => (o.values as readonly unknown[]).includes(v));
  },
  /** A non-empty string, matching `pattern` when given. */
  string(o: Described<string> & { pattern?: RegExp }): OptionSpec<string> {
    return spec(o.description, o.default, 'string', o.mustBe ?? 'a non-empty string',
      (v) => typeof v === 'string' && v.trim() !== '' && (o.pattern === undefined || o.pattern.test(v)));
  },
  /** A non-empty string or null. */
  nullableString(o: Described<string | null>): OptionSpec<string | null> {
    return spec(o.description, o.default, 'string or null', o.mustBe ?? 'a non-empty string or null',
      (v) => v === null || (typeof v === 'string' && v.trim() !== ''));
  },
  /** A value with structure, read by the kind's own reader, which reports problems below the option's name. */
  custom<T>(o: { description: string; default: T; summary: string; read(value: unknown, problem: ProblemAt): T }): OptionSpec<T> {
    return o;
  },
};
