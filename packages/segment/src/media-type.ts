/** Media type from the first bytes, falling back on the extension for formats that share a container. */
export function sniffMediaType(bytes: Uint8Array, name: string): string {
  const ext = name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? "";
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 512));
  if (head.startsWith("%PDF-")) return "application/pdf";
  if (head.startsWith("PK\u0003\u0004")) {
    if (ext === "docx") return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    return "application/zip";
  }
  if (bytes.length > 0 && looksBinary(bytes)) return "application/octet-stream";
  const lower = head
    .replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "")
    .trimStart()
    .toLowerCase();
  if (lower.startsWith("<!doctype html") || lower.startsWith("<html") || ext === "html" || ext === "htm")
    return "text/html";
  if (ext === "md" || ext === "markdown") return "text/markdown";
  return "text/plain";
}

function looksBinary(bytes: Uint8Array): boolean {
  // UTF-16 text is full of NULs, so a BOM wins
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return false;
  const n = Math.min(bytes.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control / n > 0.1;
}
