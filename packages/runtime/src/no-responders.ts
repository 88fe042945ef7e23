/**
 * Whether an error says nobody answered a request: for a JetStream publish, that no stream listens on the
 * subject, as far as the server this connection is on knows (@nats-io/jetstream throws `JetStreamNotEnabled`
 * for it, core requests a `RequestError` whose cause is `NoResponders`).
 */
export function isNoResponders(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; isNoResponders?: () => boolean };
  if (e.name === "JetStreamNotEnabled" || e.name === "NoResponders") return true;
  return e.name === "RequestError" && typeof e.isNoResponders === "function" && e.isNoResponders();
}

/** How long publishes may keep finding no responders before the connection moves to another server. */
export const NO_RESPONDERS_MOVE_MS = 10_000;

/**
 * When a connection should move to another server because its publishes keep finding no responders.
 *
 * In a cluster, a stream's leader listens on the stream's subjects and the other servers learn of that over
 * their routes. After nodes are killed and restarted, a server can be left without that interest for good
 * (nats-server issue #5738): every publish through it gets "no responders" while the stream is healthy and
 * the same publish through another server is stored. Retrying on the same connection never ends that; a
 * connection to another server does. An election takes a few seconds, so only a streak of no responders
 * longer than `boundMs`, with no publish answered since it began, counts. Timeouts do not (a slow server or a
 * stream between leaders answers again by itself), and neither does any other error: both leave the streak as
 * it was. At most one move per `boundMs`, so where the stream is really gone (or the move lands on the same
 * server) it costs one reconnect a bound, not a storm.
 */
export class NoRespondersWatch {
  private since: number | undefined;
  private lastMove = Number.NEGATIVE_INFINITY;
  private readonly boundMs: number;
  private readonly now: () => number;

  constructor(boundMs = NO_RESPONDERS_MOVE_MS, now: () => number = () => performance.now()) {
    this.boundMs = boundMs;
    this.now = now;
  }

  /** How long the current streak of no responders has lasted (0 when there is none). */
  get streakMs(): number {
    return this.since === undefined ? 0 : this.now() - this.since;
  }

  /** A publish was answered: the streak is over. */
  answered(): void {
    this.since = undefined;
  }

  /** A publish failed with `err`. True when the connection should move now (and then not again for a bound). */
  failed(err: unknown): boolean {
    if (!isNoResponders(err)) return false;
    const t = this.now();
    this.since ??= t;
    if (t - this.since < this.boundMs || t - this.lastMove < this.boundMs) return false;
    this.lastMove = t;
    return true;
  }
}
