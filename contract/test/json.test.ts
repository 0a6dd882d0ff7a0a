/** parseJson / describeValue: a number literal beyond a double's range is kept as written. */
import { NumberTooLarge, describeValue, parseJson } from '../src';

describe('parseJson', () => {
  it('is JSON.parse for ordinary text (digits inside strings untouched)', () => {
    const text = '{"x":[1,-2.5e3,0.1],"s":"1e999 \\" 2e999","n":null,"b":true}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it('keeps literals too large for a double as NumberTooLarge, named as written', () => {
    const doc = parseJson('{"x":[1,1e999,-2E+400],"y":' + '9'.repeat(400) + '}') as { x: unknown[]; y: unknown };
    expect(doc.x[0]).toBe(1);
    expect(doc.x[1]).toBeInstanceOf(NumberTooLarge);
    expect([describeValue(doc.x[1]), describeValue(doc.x[2]), describeValue(doc.y)]).toEqual(['1e999', '-2E+400', '9'.repeat(400)]);
    // JSON.parse alone loses it: Infinity, which JSON.stringify prints as null
    expect(JSON.stringify(JSON.parse('[1e999]'))).toBe('[null]');
    // passed on as JSON, it stays the text written
    expect(JSON.stringify(doc.x)).toBe('[1,"1e999","-2E+400"]');
  });

  it('still rejects invalid JSON', () => {
    expect(() => parseJson('{"x":[1,1e999')).toThrow(SyntaxError);
  });
});

describe('describeValue', () => {
  it('names a value too deep to write, and cuts a long one (found by the Live fuzzer: arrays 10,000 deep overflowed JSON.stringify)', () => {
    const deep = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)) as unknown;
    expect(describeValue(deep)).toBe('an array nested too deeply to show');
    expect(describeValue('x'.repeat(500))).toBe(`"${'x'.repeat(199)}...`);
  });
  it('shows numbers as JavaScript prints them and anything else as JSON', () => {
    expect([describeValue(Infinity), describeValue(NaN), describeValue(1.5), describeValue('a'), describeValue(null), describeValue(undefined)]).toEqual([
      'Infinity',
      'NaN',
      '1.5',
      '"a"',
      'null',
      'undefined',
    ]);
  });
});
