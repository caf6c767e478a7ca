/**
 * Owns which way is better for a compared metric, in one place: the verdict, the per-question
 * wins, ties and losses, the forest plots and the tables all ask here. Quality measures are
 * better higher, latency lower; a count such as num_ret has no better direction, so a
 * comparison says "higher" or "lower" instead of "better" or "worse". Differences are B − A.
 */

/** Which direction of a metric is better. */
export type Better = 'higher' | 'lower' | 'neither';

/** Per-question (per-pair) values closer than this count as a tie. */
export const TIE_TOLERANCE = 1e-9;

/** +1 when higher is better, -1 when lower is, 0 when neither. */
export function orientationSign(better: Better): 1 | -1 | 0 {
  return better === 'higher' ? 1 : better === 'lower' ? -1 : 0;
}

/** "higher is better", "lower is better", or "no better direction". */
export function directionPhrase(better: Better): string {
  return better === 'neither' ? 'no better direction' : `${better} is better`;
}

/**
 * Which side a difference B − A favours: 'B' when B is better (for 'neither': higher), 'A' when
 * A is, 'tie' within `tolerance`.
 */
export function favouredSide(difference: number, better: Better, tolerance = TIE_TOLERANCE): 'B' | 'A' | 'tie' {
  if (Math.abs(difference) <= tolerance) return 'tie';
  const sign = better === 'neither' ? 1 : orientationSign(better);
  return difference * sign > 0 ? 'B' : 'A';
}

/** What B is on one question or overall, in words: 'B better' / 'B worse', or 'B higher' / 'B lower' when neither direction is better. */
export function favouredWords(side: 'B' | 'A', better: Better): 'B better' | 'B worse' | 'B higher' | 'B lower' {
  if (better === 'neither') return side === 'B' ? 'B higher' : 'B lower';
  return side === 'B' ? 'B better' : 'B worse';
}

/** Questions on which B is better (or higher), tied, and worse (or lower). */
export interface WinTieLoss {
  wins: number;
  ties: number;
  losses: number;
}

/** Wins, ties and losses of B over per-question differences B − A. */
export function winTieLoss(differences: readonly number[], better: Better): WinTieLoss {
  const record: WinTieLoss = { wins: 0, ties: 0, losses: 0 };
  for (const d of differences) {
    const side = favouredSide(d, better);
    if (side === 'B') record.wins += 1;
    else if (side === 'A') record.losses += 1;
    else record.ties += 1;
  }
  return record;
}

/** The verdict on one metric. */
export type Verdict = 'B better' | 'B worse' | 'B higher' | 'B lower' | 'no significant difference' | 'no difference' | 'not testable';

/** What the verdict is decided from. */
export interface VerdictInput {
  /** Both sides have the same value on every paired question (or every value of both samples is the same). */
  identical: boolean;
  /** The Holm-adjusted p-value of the test used; null when it could not be computed. */
  adjustedPValue: number | null;
  /** The location estimate of that test (mean difference, or Hodges-Lehmann), B − A. */
  estimate: number | null;
  better: Better;
  alpha: number;
}

/**
 * The verdict rules, in order: identical sides → 'no difference'; no p-value or no estimate →
 * 'not testable'; adjusted p ≥ α, or an estimate of exactly 0 → 'no significant difference';
 * otherwise the estimate's sign, oriented: 'B better' / 'B worse' ('B higher' / 'B lower' for a
 * metric with no better direction).
 */
export function decideVerdict(input: VerdictInput): Verdict {
  if (input.identical) return 'no difference';
  if (input.adjustedPValue === null || input.estimate === null) return 'not testable';
  if (input.adjustedPValue >= input.alpha || input.estimate === 0) return 'no significant difference';
  return favouredWords(favouredSide(input.estimate, input.better, 0) === 'B' ? 'B' : 'A', input.better);
}
