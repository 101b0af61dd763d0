import { ERROR_CLASSES, type ErrorClass, type ErrorCounts } from './error-classes.ts';
import {
  createLatencyHistogram,
  createTimelineHistogram,
  encodeHistogram,
  HIGHEST_TRACKABLE_US,
  type Histogram,
} from './histogram.ts';
import type { GeneratorHealth, ShardResult, TimelineSlot } from './shard-result.ts';

const ERROR_INDEX = new Map<ErrorClass, number>(ERROR_CLASSES.map((c, i) => [c, i]));
const MAX_SAMPLE_ERRORS = 5;

interface Slot {
  requests: number;
  errors: number;
  histogram: Histogram | undefined;
}

/**
 * Accounting for one shard, on the hot path: typed-array counters and HDR histograms, no per-request objects.
 */
export class ShardRecorder {
  readonly histogram = createLatencyHistogram();
  total = 0;
  ok = 0;
  failed = 0;
  bytesReceived = 0;
  private readonly statusCounts = new Uint32Array(600);
  private readonly errorCounts = new Uint32Array(ERROR_CLASSES.length);
  private readonly slots: Slot[] = [];
  private readonly samples = new Set<string>();

  /** @param originMs monotonic time (ms) the timeline counts seconds from: the run's shared start. */
  constructor(readonly originMs: number) {}

  /**
   * Records one finished request.
   * @param latencyUs response time, or -1 when no response arrived (it then has no latency to record).
   * @param status HTTP status, 0 when none.
   * @param errorClass the failure class, or undefined for a success.
   */
  record(
    nowMs: number,
    latencyUs: number,
    status: number,
    errorClass: ErrorClass | undefined,
    bytes: number,
  ): void {
    this.total++;
    this.bytesReceived += bytes;
    if (status > 0 && status < 600) this.statusCounts[status]!++;
    const second = Math.max(0, Math.floor((nowMs - this.originMs) / 1000));
    let slot = this.slots[second];
    if (slot === undefined) {
      slot = { requests: 0, errors: 0, histogram: undefined };
      // Sparse on purpose: a stalled second stays a hole, filled when the result is built.
      this.slots[second] = slot;
    }
    slot.requests++;
    if (errorClass === undefined) this.ok++;
    else {
      this.failed++;
      slot.errors++;
      this.errorCounts[ERROR_INDEX.get(errorClass)!]!++;
    }
    if (latencyUs >= 0) {
      const value = Math.min(Math.max(1, Math.round(latencyUs)), HIGHEST_TRACKABLE_US);
      this.histogram.recordValue(value);
      slot.histogram ??= createTimelineHistogram();
      slot.histogram.recordValue(value);
    }
  }

  /** Keeps a few distinct failure messages for the report (never request contents). */
  sampleError(message: string): void {
    if (this.samples.size < MAX_SAMPLE_ERRORS) this.samples.add(message);
  }

  errorRate(): number {
    return this.total === 0 ? 0 : this.failed / this.total;
  }

  toResult(meta: {
    probeId: string;
    shard: number;
    kind: ShardResult['kind'];
    startedAt: string;
    durationMs: number;
    generator: GeneratorHealth;
    stoppedEarly?: string | undefined;
  }): ShardResult {
    const statusCodes: Record<string, number> = {};
    this.statusCounts.forEach((n, code) => {
      if (n > 0) statusCodes[String(code)] = n;
    });
    const errors: ErrorCounts = {};
    this.errorCounts.forEach((n, i) => {
      if (n > 0) errors[ERROR_CLASSES[i]!] = n;
    });
    const timeline: TimelineSlot[] = [];
    for (let second = 0; second < this.slots.length; second++) {
      const slot = this.slots[second];
      timeline.push({
        second,
        requests: slot?.requests ?? 0,
        errors: slot?.errors ?? 0,
        histogram: slot?.histogram ? encodeHistogram(slot.histogram) : '',
      });
    }
    return {
      version: 1,
      ...meta,
      histogram: encodeHistogram(this.histogram),
      requests: { total: this.total, ok: this.ok, failed: this.failed },
      statusCodes,
      errors,
      bytesReceived: this.bytesReceived,
      timeline,
      sampleErrors: [...this.samples],
    };
  }
}
