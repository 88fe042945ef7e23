import type { Envelope } from "@sift/contracts";

export interface Producer {
  service: string;
  version: string;
  instance: string;
}

/** The envelope every message carries; `id` is also the Nats-Msg-Id it is published with. */
export const envelope = (producer: Producer, fileId: string, id: string, now = new Date()): Envelope => ({
  v: 1,
  id,
  fileId,
  producedAt: now.toISOString(),
  producer,
});
