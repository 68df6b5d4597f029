/**
 * The memory a JSON value takes in the V8 heap, estimated in one walk: strings at two bytes a character (the
 * worst case, UTF-16) plus a header, numbers and booleans as a slot, objects and arrays as a header plus a slot per
 * entry. It over- rather than under-estimates, which is what a memory bound needs.
 */
const HEADER_BYTES = 16;
const SLOT_BYTES = 8;

export function approximateBytes(value: unknown): number {
  if (value === null || value === undefined) return SLOT_BYTES;
  switch (typeof value) {
    case 'string':
      return HEADER_BYTES + 2 * value.length;
    case 'number':
    case 'boolean':
      return SLOT_BYTES;
    case 'object': {
      let bytes = HEADER_BYTES;
      if (Array.isArray(value)) {
        for (const item of value) bytes += SLOT_BYTES + approximateBytes(item);
      } else {
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) bytes += SLOT_BYTES + 2 * key.length + approximateBytes(item);
      }
      return bytes;
    }
    default:
      return SLOT_BYTES;
  }
}
