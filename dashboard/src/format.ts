import type { WireDecision, WireReason } from './api.js';

const integer = new Intl.NumberFormat('en-US');

export const formatCount = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : integer.format(value);

export const formatTime = (at: string | number): string =>
  new Date(at).toLocaleTimeString('en-GB', { hour12: false });

/** The reasons the api declares, by code (its labels and descriptions; none of our own). */
export class ReasonLabels {
  private readonly byCode = new Map<string, WireReason>();

  set(reasons: WireReason[]): void {
    this.byCode.clear();
    for (const reason of reasons) this.byCode.set(reason.code, reason);
  }

  /** The short label, or the code itself for one the api did not declare. */
  label(code: string): string {
    return this.byCode.get(code)?.label ?? code;
  }

  description(code: string): string {
    return this.byCode.get(code)?.description ?? '';
  }
}

/** "tier 1 -> 2; schedule night min 4 until 06:00 UTC; -> 4", or '' without steps. */
export function traceText(decision: Pick<WireDecision, 'steps' | 'replicas'>): string {
  if (!decision.steps?.length) return '';
  return [...decision.steps.map((step) => step.note), `-> ${formatCount(decision.replicas)}`].join(
    '; ',
  );
}
