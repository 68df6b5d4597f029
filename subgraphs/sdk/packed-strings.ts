/**
 * A column of mostly unique strings (DICOM UIDs, session ids) kept as bytes instead of one JS string each. A UID
 * of 64 digits and dots is about 80 bytes as a V8 string plus a pointer; here it is 32 bytes (two characters a
 * byte) plus 7 of bookkeeping. In a harvested index of half a million series the UIDs were the largest single
 * part of the heap (scale bench heap snapshot: 586,000 UID strings, 36 MB).
 *
 * Encodings, per string: digits and dots two to a byte; other Latin-1 text a byte a character; anything else
 * (rare: non-Latin-1 identifiers) kept as the JS string. Append-only, then read by position.
 */

const NULL = 0;
const NIBBLES = 1;
const LATIN1 = 2;
const STRING = 3;

/** Nibble of each character of a UID (digits 0-9, '.' 10); 15 ends an odd-length string's last byte. */
const DOT = 10;
const MAX_PACKED_LENGTH = 0xffff;
/** Characters decoded per String.fromCharCode call. */
const SLICE = 4096;

export class PackedStrings {
  private bytes = new Uint8Array(1024);
  private used = 0;
  private starts = new Uint32Array(64);
  private lengths = new Uint16Array(64);
  private kinds = new Uint8Array(64);
  private readonly others = new Map<number, string>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(value: string | null | undefined): number {
    const at = this.count++;
    if (at === this.kinds.length) this.growEntries();
    this.starts[at] = this.used;
    if (value === null || value === undefined) {
      this.kinds[at] = NULL;
      return at;
    }
    const kind = value.length > MAX_PACKED_LENGTH ? STRING : kindOf(value);
    this.kinds[at] = kind;
    if (kind === STRING) {
      this.others.set(at, value);
      return at;
    }
    this.lengths[at] = value.length;
    if (kind === NIBBLES) this.writeNibbles(value);
    else this.writeLatin1(value);
    return at;
  }

  get(at: number): string | null {
    const kind = this.kinds[at];
    if (kind === NULL) return null;
    if (kind === STRING) return this.others.get(at) as string;
    const start = this.starts[at];
    const length = this.lengths[at];
    let text = '';
    // In slices: a spread of tens of thousands of arguments can exceed the call stack.
    for (let from = 0; from < length; from += SLICE) {
      const codes = new Array<number>(Math.min(SLICE, length - from));
      for (let i = 0; i < codes.length; i++) codes[i] = kind === LATIN1 ? this.bytes[start + from + i] : this.nibbleAt(start, from + i);
      text += String.fromCharCode(...codes);
    }
    return text;
  }

  /** Drops the spare capacity the appends left (call once the column is complete). */
  trim(): this {
    this.bytes = this.bytes.slice(0, this.used);
    this.starts = this.starts.slice(0, this.count);
    this.lengths = this.lengths.slice(0, this.count);
    this.kinds = this.kinds.slice(0, this.count);
    return this;
  }

  private nibbleAt(start: number, i: number): number {
    const byte = this.bytes[start + (i >> 1)];
    const nibble = i & 1 ? byte & 0x0f : byte >> 4;
    return nibble === DOT ? 0x2e : 0x30 + nibble;
  }

  private writeNibbles(value: string): void {
    this.reserve((value.length + 1) >> 1);
    for (let i = 0; i < value.length; i += 2) {
      const high = nibbleOf(value.charCodeAt(i));
      const low = i + 1 < value.length ? nibbleOf(value.charCodeAt(i + 1)) : 0x0f;
      this.bytes[this.used++] = (high << 4) | low;
    }
  }

  private writeLatin1(value: string): void {
    this.reserve(value.length);
    for (let i = 0; i < value.length; i++) this.bytes[this.used++] = value.charCodeAt(i);
  }

  private reserve(more: number): void {
    if (this.used + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + more));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }

  private growEntries(): void {
    const size = this.kinds.length * 2;
    const starts = new Uint32Array(size);
    starts.set(this.starts);
    const lengths = new Uint16Array(size);
    lengths.set(this.lengths);
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    this.starts = starts;
    this.lengths = lengths;
    this.kinds = kinds;
  }
}

function kindOf(value: string): number {
  let nibbles = value.length > 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return STRING;
    if (nibbles && !((code >= 0x30 && code <= 0x39) || code === 0x2e)) nibbles = false;
  }
  return nibbles ? NIBBLES : LATIN1;
}

function nibbleOf(code: number): number {
  return code === 0x2e ? DOT : code - 0x30;
}
