const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** Parses JSON bytes; undefined when they are not JSON. */
export const safeJson = (data: Uint8Array): unknown => {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
};

/** A file name made safe to use as one path segment: no separators, no control characters. */
export function safeFileName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced
  const cleaned = name.replace(/[/\\\u0000-\u001f\u007f]/g, "_").trim();
  if (cleaned === "" || cleaned === "." || cleaned === "..") return `_${cleaned}`;
  return cleaned;
}
