import { crc32, createDeflateRaw } from "node:zlib";

export interface ZipEntry {
  name: string;
  /** The entry's bytes, given in chunks (a bomb's gigabyte of zeros never sits in memory whole). */
  chunks: () => Iterable<Uint8Array>;
  /** The inflated size written in the headers; a lying bomb declares less than it holds. */
  declaredSize?: number;
}

/** Deflates an entry's chunks, streaming; returns the compressed bytes, the real size and the CRC. */
async function deflate(entry: ZipEntry): Promise<{ data: Buffer; size: number; crc: number }> {
  const z = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  z.on("data", (d: Buffer) => out.push(d));
  const done = new Promise<void>((resolve, reject) => {
    z.once("end", () => resolve());
    z.once("error", reject);
  });
  let size = 0;
  let crc = 0;
  for (const chunk of entry.chunks()) {
    size += chunk.length;
    crc = crc32(chunk, crc);
    if (!z.write(chunk)) await new Promise((r) => z.once("drain", r));
  }
  z.end();
  await done;
  return { data: Buffer.concat(out), size, crc };
}

/** A zip file (deflated entries, no data descriptors), for tests that need sizes a real tool would not write. */
export async function makeZip(entries: ZipEntry[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { data, size, crc } = await deflate(entry);
    const name = Buffer.from(entry.name, "utf8");
    const declared = entry.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(declared >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const text = (s: string) => () => [Buffer.from(s, "utf8")];

/** `total` zero bytes in chunks of 16 MiB. */
export function zeros(total: number): () => Iterable<Uint8Array> {
  return function* () {
    const chunk = Buffer.alloc(16 * 1024 * 1024);
    for (let left = total; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  };
}

/** A Word file whose document.xml inflates to `inflated` bytes (declaring `declared`, when given). */
export function docxBomb(inflated: number, declared?: number): Promise<Buffer> {
  return makeZip([
    {
      name: "[Content_Types].xml",
      chunks: text(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    {
      name: "_rels/.rels",
      chunks: text(
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
    },
    {
      name: "word/document.xml",
      chunks: zeros(inflated),
      ...(declared !== undefined ? { declaredSize: declared } : {}),
    },
  ]);
}
