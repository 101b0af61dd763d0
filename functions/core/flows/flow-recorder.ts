import { ERROR_CLASSES, type ErrorClass, type ErrorCounts } from '../error-classes.ts';
import { createLatencyHistogram, encodeHistogram, HIGHEST_TRACKABLE_US } from '../histogram.ts';
import type { StepShardResult } from '../shard-result.ts';

const ERROR_INDEX = new Map<ErrorClass, number>(ERROR_CLASSES.map((c, i) => [c, i]));

class StepCounters {
  readonly histogram = createLatencyHistogram();
  total = 0;
  ok = 0;
  failed = 0;
  polls = 0;
  readonly errors = new Uint32Array(ERROR_CLASSES.length);

  constructor(
    readonly name: string,
    readonly polling: boolean,
  ) {}
}

/**
 * Per-step accounting of a flow, beside the shard's recorder (which counts whole iterations): one HDR histogram
 * and counters per step, so shards merge steps exactly.
 */
export class FlowRecorder {
  private readonly steps: StepCounters[];

  constructor(steps: readonly { readonly name: string; readonly polling: boolean }[]) {
    this.steps = steps.map((s) => new StepCounters(s.name, s.polling));
  }

  /** One more request of an `until` step. */
  poll(step: number): void {
    this.steps[step]!.polls++;
  }

  /**
   * One run of a step ended.
   * @param latencyUs from the step's first send to the response that completed it; ignored for a failure.
   */
  record(step: number, latencyUs: number, errorClass: ErrorClass | undefined): void {
    const s = this.steps[step]!;
    s.total++;
    if (errorClass === undefined) {
      s.ok++;
      s.histogram.recordValue(Math.min(Math.max(1, Math.round(latencyUs)), HIGHEST_TRACKABLE_US));
    } else {
      s.failed++;
      s.errors[ERROR_INDEX.get(errorClass)!]!++;
    }
  }

  toResult(): StepShardResult[] {
    return this.steps.map((s) => {
      const errors: ErrorCounts = {};
      s.errors.forEach((n, i) => {
        if (n > 0) errors[ERROR_CLASSES[i]!] = n;
      });
      return {
        name: s.name,
        histogram: encodeHistogram(s.histogram),
        requests: { total: s.total, ok: s.ok, failed: s.failed },
        errors,
        ...(s.polling ? { polls: s.polls } : {}),
      };
    });
  }
}
