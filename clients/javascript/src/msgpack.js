// @ts-check
/**
 * The subset of MessagePack the Push Gateway protocol uses: nil, booleans, integers, floats, str, bin,
 * arrays and maps with string keys. Written by hand because the client library has no runtime
 * dependencies; the format is small and fully specified at https://github.com/msgpack/msgpack.
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * @param {any} value
 * @returns {Uint8Array}
 */
export function encode(value) {
  /** @type {number[]} */
  const out = [];
  write(out, value);
  return Uint8Array.from(out);
}

/**
 * @param {number[]} out
 * @param {number} value
 * @param {number} bytes
 */
function pushUint(out, value, bytes) {
  for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
}

/**
 * @param {number[]} out
 * @param {any} value
 */
function write(out, value) {
  if (value === null || value === undefined) {
    out.push(0xc0);
  } else if (value === false || value === true) {
    out.push(value ? 0xc3 : 0xc2);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
      if (value < 0x80) out.push(value);
      else if (value < 0x100) out.push(0xcc, value);
      else if (value < 0x10000) { out.push(0xcd); pushUint(out, value, 2); }
      else { out.push(0xce); pushUint(out, value, 4); }
    } else if (Number.isInteger(value) && value < 0 && value >= -0x80000000) {
      if (value >= -32) out.push(value & 0xff);
      else { out.push(0xd2); pushUint(out, value >>> 0, 4); }
    } else {
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, value);
      out.push(0xcb, ...new Uint8Array(view.buffer));
    }
  } else if (typeof value === 'string') {
    const bytes = encoder.encode(value);
    if (bytes.length < 32) out.push(0xa0 | bytes.length);
    else if (bytes.length < 0x100) out.push(0xd9, bytes.length);
    else if (bytes.length < 0x10000) { out.push(0xda); pushUint(out, bytes.length, 2); }
    else { out.push(0xdb); pushUint(out, bytes.length, 4); }
    for (const b of bytes) out.push(b);
  } else if (value instanceof Uint8Array) {
    if (value.length < 0x100) out.push(0xc4, value.length);
    else if (value.length < 0x10000) { out.push(0xc5); pushUint(out, value.length, 2); }
    else { out.push(0xc6); pushUint(out, value.length, 4); }
    for (const b of value) out.push(b);
  } else if (Array.isArray(value)) {
    if (value.length < 16) out.push(0x90 | value.length);
    else if (value.length < 0x10000) { out.push(0xdc); pushUint(out, value.length, 2); }
    else { out.push(0xdd); pushUint(out, value.length, 4); }
    for (const item of value) write(out, item);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length < 16) out.push(0x80 | entries.length);
    else if (entries.length < 0x10000) { out.push(0xde); pushUint(out, entries.length, 2); }
    else { out.push(0xdf); pushUint(out, entries.length, 4); }
    for (const [key, item] of entries) {
      write(out, key);
      write(out, item);
    }
  } else {
    throw new TypeError(`cannot encode ${typeof value} as MessagePack`);
  }
}

/**
 * A 64-bit integer as a number when it fits exactly, otherwise as a BigInt. (The protocol sends
 * 64-bit IDs as strings, so this only matters for payload-free frames from other encoders.)
 * @param {bigint} value
 * @returns {number | bigint}
 */
function big(value) {
  return (value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) ? Number(value) : value;
}

/**
 * @param {Uint8Array} bytes
 * @returns {any}
 */
export function decode(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const need = (/** @type {number} */ n) => {
    if (offset + n > bytes.length) throw new RangeError('truncated MessagePack');
  };
  const uint = (/** @type {number} */ n) => {
    need(n);
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 256 + bytes[offset++];
    return value;
  };
  const int = (/** @type {number} */ n) => {
    const value = uint(n);
    return value >= 2 ** (8 * n - 1) ? value - 2 ** (8 * n) : value;
  };
  const str = (/** @type {number} */ length) => {
    need(length);
    const text = decoder.decode(bytes.subarray(offset, offset + length));
    offset += length;
    return text;
  };
  const bin = (/** @type {number} */ length) => {
    need(length);
    const copy = bytes.slice(offset, offset + length);
    offset += length;
    return copy;
  };
  const array = (/** @type {number} */ length) => Array.from({ length }, () => read());
  const map = (/** @type {number} */ length) => {
    /** @type {Record<string, any>} */
    const result = {};
    for (let i = 0; i < length; i++) result[String(read())] = read();
    return result;
  };
  /** @returns {any} */
  const read = () => {
    const type = uint(1);
    if (type < 0x80) return type;
    if (type < 0x90) return map(type & 0x0f);
    if (type < 0xa0) return array(type & 0x0f);
    if (type < 0xc0) return str(type & 0x1f);
    if (type >= 0xe0) return type - 0x100;
    switch (type) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return bin(uint(1));
      case 0xc5: return bin(uint(2));
      case 0xc6: return bin(uint(4));
      case 0xca: { need(4); const v = view.getFloat32(offset); offset += 4; return v; }
      case 0xcb: { need(8); const v = view.getFloat64(offset); offset += 8; return v; }
      case 0xcc: return uint(1);
      case 0xcd: return uint(2);
      case 0xce: return uint(4);
      case 0xcf: { need(8); const v = view.getBigUint64(offset); offset += 8; return big(v); }
      case 0xd0: return int(1);
      case 0xd1: return int(2);
      case 0xd2: return int(4);
      case 0xd3: { need(8); const v = view.getBigInt64(offset); offset += 8; return big(v); }
      case 0xd9: return str(uint(1));
      case 0xda: return str(uint(2));
      case 0xdb: return str(uint(4));
      case 0xdc: return array(uint(2));
      case 0xdd: return array(uint(4));
      case 0xde: return map(uint(2));
      case 0xdf: return map(uint(4));
      default: throw new RangeError(`unsupported MessagePack type 0x${type.toString(16)}`);
    }
  };
  const value = read();
  if (offset !== bytes.length) throw new RangeError('trailing bytes after MessagePack value');
  return value;
}
