/**
 * The Arrow codec against the Go SDK: test/fixtures/sdk-golden/all_types.golden.arrow is the
 * frame grafana-plugin-sdk-go writes for all_types.golden.json (both from the SDK's
 * data/testdata, produced by its own golden test; see the fixture's README). Numbers are compared exactly (parseExact).
 */
import { join } from 'node:path';
import { readFileSync } from 'fs';
import { tableFromIPC, Type } from 'apache-arrow';
import { frameToArrow } from '../../backend/src/frame/arrow';
import { arrowToFrame } from '../support/arrow';
import { frameToJSON } from '../../backend/src/frame/json';
import { parseExact } from './exactJson';

const DIR = join(__dirname, '../fixtures/sdk-golden');
const goldenArrow = readFileSync(`${DIR}/all_types.golden.arrow`);
const goldenJson = parseExact(readFileSync(`${DIR}/all_types.golden.json`, 'utf8'));

describe('Arrow codec vs the Go SDK golden frame', () => {
  it('decodes all_types.golden.arrow to exactly all_types.golden.json', () => {
    const frame = arrowToFrame(goldenArrow);
    expect(parseExact(frameToJSON(frame))).toEqual(goldenJson);
  });

  it('encodes that frame to an Arrow file that decodes back to the same JSON', () => {
    const bytes = frameToArrow(arrowToFrame(goldenArrow));
    expect(Buffer.from(bytes.subarray(0, 6)).toString()).toBe('ARROW1');
    expect(Buffer.from(bytes.subarray(bytes.length - 6)).toString()).toBe('ARROW1');
    expect(parseExact(frameToJSON(arrowToFrame(bytes)))).toEqual(goldenJson);
  });

  it('writes the same Arrow schema as the Go SDK: types, nullability, metadata', () => {
    const ours = tableFromIPC(frameToArrow(arrowToFrame(goldenArrow)));
    const go = tableFromIPC(goldenArrow);
    expect(Object.fromEntries(ours.schema.metadata)).toEqual(Object.fromEntries(go.schema.metadata));
    expect(ours.schema.fields.length).toBe(go.schema.fields.length);
    ours.schema.fields.forEach((f, i) => {
      const g = go.schema.fields[i]!;
      expect([f.name, String(f.type), f.nullable]).toEqual([g.name, String(g.type), g.nullable]);
      expect(Object.fromEntries(f.metadata)).toEqual(Object.fromEntries(g.metadata));
      expect([Type.Dictionary, Type.Utf8View, Type.BinaryView, Type.LargeUtf8]).not.toContain(f.type.typeId);
      if (f.type.typeId === Type.Timestamp) expect((f.type as { timezone?: string | null }).timezone ?? null).toBeNull();
    });
    expect(ours.numRows).toBe(5);
  });

  it('rejects bytes that are not an Arrow file', () => {
    expect(() => arrowToFrame(Buffer.from('{"schema":{}}'))).toThrow(/ARROW1/);
  });
});
