/**
 * The gateway's store contract (src/gateway/ serves with it, src/report/ reads experiments through it): what a
 * gateway keeps — keys, spend, its request log, experiment outcomes. Here, in the store tier, so that both can
 * import it; the SQLite implementation is ./gateway.ts.
 */

/** A key's spend limits: USD per calendar day / month (UTC). */
export interface SpendLimits {
  /** The key id. */
  id: string;
  budgetUsd?: { day?: number; month?: number };
}

/** One served request, as logged. Never holds a key's secret or an Authorization header. */
export interface GatewayRequestRow {
  /** `req_…`, returned to the client as the response id's suffix and `x-llmlab-request-id`. */
  id: string;
  at: number;
  keyId?: string;
  model: string;
  /** The candidate that answered (or was tried last). */
  candidate?: string;
  /** Candidates tried before it, with why each failed. */
  attempts?: { candidate: string; reason: string }[];
  status: number;
  stream: boolean;
  cached: boolean;
  inputTokens?: number;
  outputTokens?: number;
  costUsd: number;
  latencyMs: number;
  /** Time the gateway itself added (routing, auth, logging), ms. */
  overheadMs: number;
  experiment?: string;
  arm?: string;
  /** sha256 of the experiment unit (never the raw user id). */
  unit?: string;
  error?: string;
  /** Only with `log: full`. */
  messages?: unknown;
  output?: string;
}

/** An outcome of an experiment request: user feedback or a judge's score, in 0..1. */
export interface OutcomeRow {
  requestId: string;
  source: 'feedback' | 'judge';
  score: number;
  at: number;
}

/** A stored virtual-key secret: only its sha256, and the first characters to tell keys apart in listings. */
export interface KeyRecord {
  id: string;
  hash: string;
  prefix: string;
  createdAt: number;
  revokedAt?: number;
}

/** A reservation of spend against a key's budget. */
export interface SpendReservation {
  readonly keyId: string;
  readonly usd: number;
  readonly id: number;
}

/** Why a reservation was refused. */
export interface SpendRefusal {
  period: 'day' | 'month';
  limitUsd: number;
  /** Spent plus reserved in that period. */
  committedUsd: number;
  neededUsd: number;
  /** When the period ends (ms since epoch): what a 429's Retry-After says. */
  resetsAt: number;
}

/** Per-arm data of an experiment, for its report: one entry per unit, its outcomes averaged. */
export interface ArmUnits {
  arm: string;
  /** Units assigned (that made at least one request). */
  assigned: number;
  /** Mean outcome per unit that has at least one outcome, in first-outcome order. */
  outcomes: number[];
  /** When each unit of `outcomes` gave its first outcome (ms since the epoch), so arms can be interleaved in time. */
  outcomeTimes?: number[];
  requests: number;
  costUsd: number;
}

/**
 * Where a gateway keeps keys, spend, its request log and experiment outcomes. The SQLite implementation
 * (src/store/gateway.ts) is single-node: several gateway processes behind a load balancer need an implementation
 * over a shared database (Postgres, Redis), which this interface is shaped for — every method may be async, and
 * budget reservation is one call so it can be one atomic statement there.
 */
export interface GatewayStore {
  keys: {
    /** The live (unrevoked) key whose secret hashes to `hash`. */
    byHash(hash: string): Promise<KeyRecord | undefined>;
    create(record: KeyRecord): Promise<void>;
    revoke(id: string, at: number): Promise<boolean>;
    list(): Promise<KeyRecord[]>;
  };
  spend: {
    /** Reserves `usd` against the key's limits at time `now`; refused when spent + reserved + usd would pass one. */
    reserve(limits: SpendLimits, usd: number, now: number): Promise<{ ok: true; reservation: SpendReservation } | { ok: false; refusal: SpendRefusal }>;
    /** Records the real cost and frees the reservation. */
    settle(reservation: SpendReservation, actualUsd: number): Promise<void>;
    /** Spent (settled) in the period containing `now`. */
    spent(keyId: string, period: 'day' | 'month', now: number): Promise<number>;
  };
  log: {
    /** Queues a row; written in batches off the request path (`get` sees it at once). */
    append(row: GatewayRequestRow): void;
    /** Writes what is queued now. */
    flush(): Promise<void>;
    /** Rows at or after `since`, newest first, at most `limit`. */
    recent(options: { since?: number; limit?: number; model?: string; keyId?: string }): Promise<GatewayRequestRow[]>;
    /** The request, if logged (feedback checks that it exists and reads its experiment). */
    get(id: string): Promise<GatewayRequestRow | undefined>;
  };
  outcomes: {
    add(row: OutcomeRow): Promise<void>;
    /** Per arm, per unit: what an experiment report needs; `source` counts only feedback or only judge scores. */
    byArm(experiment: string, options?: { source?: OutcomeRow['source'] }): Promise<ArmUnits[]>;
  };
  /**
   * A unit's first arm, for `split: bandit` (whose shares move, so the hash alone is not sticky). Optional: without
   * it a bandit unit keeps its arm only as long as the gateway process remembers it. SQLite: ./gateway-units.ts.
   */
  units?: {
    /** The arm of the unit's first logged request in `experiment`; `unit` is the logged digest. */
    armOf(experiment: string, unit: string): Promise<string | undefined>;
  };
  close(): Promise<void>;
}
