import { DEFAULT_LOAD } from './limits.ts';
import type { ProbeSpec } from './probe-schema.ts';

export interface LoadEnvelope {
  /** Highest arrival rate of an open-model load, requests per second. */
  readonly peakRate: number | undefined;
  /** Connections the load may hold open at once. */
  readonly connections: number;
  /** How long the load runs, milliseconds (a request-count burst counts its timeout budget). */
  readonly durationMs: number;
}

/** What a probe asks of its target, for checking against environment caps. */
export function probeLoadEnvelope(probe: ProbeSpec): LoadEnvelope {
  const load = probe.load ?? DEFAULT_LOAD;
  switch (load.kind) {
    case 'latency':
      return { peakRate: undefined, connections: 1, durationMs: load.requests * load.interval };
    case 'burst':
      return { peakRate: undefined, connections: load.connections, durationMs: load.duration ?? 0 };
    case 'rate': {
      const stages = load.stages ?? [];
      const peakRate = load.rate ?? Math.max(load.from ?? 0, ...stages.map((s) => s.to));
      const durationMs = load.duration ?? stages.reduce((sum, s) => sum + s.over, 0);
      // A default pool is sized within the cap (defaultRateConnections): only an explicit one can exceed it.
      return { peakRate, connections: load.connections ?? 1, durationMs };
    }
  }
}
