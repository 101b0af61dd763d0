/** One linear segment of an arrival rate: fromRate → toRate (requests/s) over durationMs. */
export interface RateStage {
  readonly fromRate: number;
  readonly toRate: number;
  readonly durationMs: number;
}

/**
 * Intended send times of an open-model load. The k-th arrival (k from 0) happens when the integral of the rate
 * reaches k; ramps solve the quadratic, so a ramp 0 → 500/s over 60 s sends exactly 15,000 requests on time.
 */
export class ArrivalSchedule {
  readonly total: number;
  private readonly starts: number[] = [];
  private readonly counts: number[] = [];

  constructor(private readonly stages: readonly RateStage[]) {
    let at = 0;
    let count = 0;
    for (const stage of stages) {
      this.starts.push(at);
      this.counts.push(count);
      at += stage.durationMs;
      count += ((stage.fromRate + stage.toRate) / 2) * (stage.durationMs / 1000);
    }
    // Rounding guard: 100/s for 10 s is 1000 arrivals, not 999.9999.
    this.total = Math.floor(count + 1e-6);
  }

  get durationMs(): number {
    return this.stages.reduce((sum, s) => sum + s.durationMs, 0);
  }

  /** Milliseconds from the start at which arrival k is due. */
  timeOf(k: number): number {
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
