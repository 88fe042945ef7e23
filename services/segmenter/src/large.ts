/** The key of `FileReceived.object` as JSON spells it (the quotes of a name or a value are escaped: only a key reads so). */
const OBJECT_KEY = Buffer.from('"object":');

/**
 * Whether a `sift.file.received` message (its raw bytes) brings a file too large to read in the service: one
 * that came by reference to the `sift-files` store (a small message, a large file), or bytes inline (base64)
 * over `inlineMax`.
 */
export function bringsLargeFile(data: Uint8Array, inlineMax: number): boolean {
  if (data.length > (inlineMax * 4) / 3 + 4096) return true;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(OBJECT_KEY);
}
