import type { JetStreamManager } from "@nats-io/jetstream";
import type { ObjectStore } from "@nats-io/obj";
import { objStream } from "./provision.js";

/** The subject of an object's meta record, as nats.js names it (padded base64url of the name). */
const metaSubject = (bucket: string, name: string): string =>
  `$O.${bucket}.M.${Buffer.from(name).toString("base64").replace(/\+/g, "-").replace(/\//g, "_")}`;

/**
 * Deletes an object and then the record of its deletion, so that a bucket whose objects are all deleted
 * holds nothing at all (a deleted object otherwise leaves a ~450-byte record for ever).
 */
export async function deleteObject(
  os: ObjectStore,
  jsm: JetStreamManager,
  bucket: string,
  name: string,
): Promise<void> {
  const r = await os.delete(name);
  if (r.success) await jsm.streams.purge(objStream(bucket), { filter: metaSubject(bucket, name) });
}
