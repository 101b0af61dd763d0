/** One linear segment of an arrival rate: fromRate → toRate (requests/s) over durationMs. */
export interface RateStage {
  readonly fromRate: number;
  readonly toRate: number;
  readonly durationMs: number;
}

/** One shard's share of a schedule: arrivals `index`, `index + of`, `index + 2·of`, … of the whole. */
export interface Stride {
  readonly index: number;
  readonly of: number;
}

/** Arrivals a schedule plans in total (the integral of its rate), with its rounding guard. */
export function plannedArrivals(stages: readonly RateStage[]): number {
  let count = 0;
  for (const stage of stages) count += ((stage.fromRate + stage.toRate) / 2) * (stage.durationMs / 1000);
  // Rounding guard: 100/s for 10 s is 1000 arrivals, not 999.9999.
  return Math.floor(count + 1e-6);
}

/**
 * Intended send times of an open-model load. The k-th arrival (k from 0) happens when the integral of the rate
 * reaches k; ramps solve the quadratic, so a ramp 0 → 500/s over 60 s sends exactly 15,000 requests on time.
 *
 * With a stride, this is one shard's part of the whole schedule: its j-th arrival is the whole schedule's
 * arrival `index + j·of`. Shards dealt round-robin this way send, together, exactly the unsharded schedule,
 * arrival by arrival, so sharding changes neither the count nor the shape of a ramp (dividing each shard's rate
 * by k and flooring each shard's own total would lose up to k − 1 arrivals and bunch the first ones).
 */
export class ArrivalSchedule {
  /** Arrivals this schedule (or this shard of it) sends. */
  readonly total: number;
  /** Length of the whole schedule, ms; the same for every shard. */
  readonly durationMs: number;
  private readonly starts: number[] = [];
  private readonly counts: number[] = [];
  private readonly offset: number;
  private readonly step: number;

  constructor(
    private readonly stages: readonly RateStage[],
    stride?: Stride,
  ) {
    if (stride !== undefined && !isStride(stride)) {
      throw new RangeError(
        `stride: expected { index, of } with whole numbers 0 ≤ index < of, got ${JSON.stringify(stride)}`,
      );
    }
    let at = 0;
    let count = 0;
    for (const stage of stages) {
      this.starts.push(at);
      this.counts.push(count);
      at += stage.durationMs;
      count += ((stage.fromRate + stage.toRate) / 2) * (stage.durationMs / 1000);
    }
    this.durationMs = at;
    this.offset = stride?.index ?? 0;
    this.step = stride?.of ?? 1;
    const whole = plannedArrivals(stages);
    this.total = whole > this.offset ? Math.ceil((whole - this.offset) / this.step) : 0;
  }

  /** Milliseconds from the start at which this schedule's arrival j is due. */
  timeOf(j: number): number {
    const k = this.offset + j * this.step;
    let i = this.stages.length - 1;
    while (i > 0 && this.counts[i]! > k) i--;
    const stage = this.stages[i]!;
    const n = k - this.counts[i]!;
    const seconds = stage.durationMs / 1000;
    const r0 = stage.fromRate;
    const a = seconds > 0 ? (stage.toRate - r0) / (2 * seconds) : 0;
    let t: number;
    if (Math.abs(a) < 1e-12) t = r0 > 0 ? n / r0 : 0;
    else t = (-r0 + Math.sqrt(Math.max(0, r0 * r0 + 4 * a * n))) / (2 * a);
    return this.starts[i]! + Math.min(t * 1000, stage.durationMs);
  }
}

function isStride(stride: Stride): boolean {
  return (
    Number.isInteger(stride.of) &&
    Number.isInteger(stride.index) &&
    stride.of >= 1 &&
    stride.index >= 0 &&
    stride.index < stride.of
  );
}
