/**
 * JSON input that keeps what was written where JSON.parse would lose it: a number literal too
 * large for a double (`1e999`, a 400-digit integer) becomes Infinity in JSON.parse, which
 * JSON.stringify then prints as `null`, so an error message could only say
 * "x[1] is not a finite number: null". `parseJson` keeps such a literal as a `NumberTooLarge`
 * holding the text written, and `describeValue` shows it as written:
 *
 *   const doc = parseJson('{"x":[1,1e999]}') as { x: unknown[] };
 *   describeValue(doc.x[1]); // => '1e999'
 */

/** A number literal whose value is beyond ±Number.MAX_VALUE, as written. */
export class NumberTooLarge {
  constructor(readonly written: string) {}
  toString(): string {
    return this.written;
  }
  /** Stored or sent on as JSON, it is the text written (a string: no JSON number can hold it). */
  toJSON(): string {
    return this.written;
  }
}

// A JSON string (skipped whole, so digits inside strings are never touched) or a number literal.
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
// An overflowing literal is handed to JSON.parse as the string "\u0000<literal>" and turned
// into a NumberTooLarge by the reviver (a string written so in the input would be too: harmless).

/** JSON.parse, with number literals too large for a double kept as `NumberTooLarge`. */
export function parseJson(text: string): unknown {
  let overflow = false;
  const marked = text.replace(TOKEN, (tok) => {
    if (tok.charCodeAt(0) === 34 || Number.isFinite(Number(tok))) return tok;
    overflow = true;
    return `"\\u0000${tok}"`;
  });
  if (!overflow) return JSON.parse(text);
  return JSON.parse(marked, (_key, value: unknown) => (typeof value === 'string' && value.charCodeAt(0) === 0 ? new NumberTooLarge(value.slice(1)) : value));
}

/**
 * A value for an error message: as written for a `NumberTooLarge`, `NaN` / `Infinity` for such
 * numbers, else JSON, at most 200 characters. A value too deeply nested to write (JSON.stringify
 * overflows the stack; the Live fuzzer sent arrays 10,000 deep) is named by its kind.
 */
export function describeValue(v: unknown): string {
  if (v instanceof NumberTooLarge) return v.written;
  if (typeof v === 'number') return String(v);
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    return Array.isArray(v) ? 'an array nested too deeply to show' : 'an object nested too deeply to show';
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
