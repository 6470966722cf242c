import { test } from 'node:test';
import assert from 'node:assert/strict';

import { decode, encode } from '../src/msgpack.js';

test('values round-trip', () => {
  for (const value of [null, true, false, 0, 127, 128, 255, 65535, 65536, 4294967295, -1, -32, -33, -2147483648,
    1.5, -0.25, 2 ** 40, '', 'héllo', 'x'.repeat(40), 'y'.repeat(300), 'z'.repeat(70000), [], [1, 'a', null],
    Array.from({ length: 20 }, (_, i) => i), {}, { t: 'push', id: '1', nested: { a: [1, 2] } }]) {
    assert.deepEqual(decode(encode(value)), value);
  }
  const bytes = new Uint8Array([0, 1, 255]);
  assert.deepEqual(Array.from(decode(encode(bytes))), [0, 1, 255]);
});

test('encodes the compact forms the spec defines', () => {
  assert.deepEqual(Array.from(encode({ t: 'ping' })), [0x81, 0xa1, 0x74, 0xa4, 0x70, 0x69, 0x6e, 0x67]);
  assert.deepEqual(Array.from(encode(-5)), [0xfb]);
  assert.deepEqual(Array.from(encode(200)), [0xcc, 200]);
});

test('decodes what other encoders produce: int64, uint64, float32, map16', () => {
  assert.equal(decode(new Uint8Array([0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])), -2);
  assert.equal(decode(new Uint8Array([0xcf, 0, 0, 0, 1, 0, 0, 0, 0])), 2 ** 32);
  assert.equal(decode(new Uint8Array([0xca, 0x3f, 0xc0, 0, 0])), 1.5);
  assert.deepEqual(decode(new Uint8Array([0xde, 0, 1, 0xa1, 0x6b, 0x01])), { k: 1 });
});

test('rejects truncated and trailing input', () => {
  assert.throws(() => decode(new Uint8Array([0xa5, 0x61])), /truncated/);
  assert.throws(() => decode(new Uint8Array([0xdb, 0x7f, 0xff, 0xff, 0xff])), /truncated/);
  assert.throws(() => decode(new Uint8Array([0x01, 0x02])), /trailing/);
});
