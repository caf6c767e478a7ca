/**
 * Owns BM25 top-k scoring over a dataset's postings held in typed arrays (postings-cache.ts):
 * the engine behind ranked retrieval (bm25-top-k.ts, serially or in worker threads through
 * parallel-top-k.ts) and the boolean search's ranking. Pure computation with no runtime imports
 * but its own, so a worker thread (top-k-worker.ts) loads only this module. The SQL engine
 * `scoreBm25` (bm25.ts) stays the reference the equality tests compare with.
 *
 * Exactness: every contribution is computed in float64 with the SQL statement's formula and
 * operation order (idf computed by DuckDB itself), summed per document in one canonical term
 * order (highest query weight first) and rounded to SCORE_DECIMALS as DuckDB's round() does, so
 * scores equal the SQL engine's after rounding (whose own summation order is unspecified; the
 * rounding absorbs the last-bit differences); ties are broken by doc_no descending (doc id
 * descending, trec_eval's order). A query's result depends on nothing but its terms and the
 * postings, so any thread scores it to the same bits.
 *
 * Pruning (MaxScore's essential/non-essential split, term at a time): rare terms are scored
 * first into a dense accumulator; once the upper bounds (query weight times the largest
 * length-normalized tf of the list) of the remaining terms together cannot lift an unseen
 * document to the k-th partial score, only the seen documents that can still reach it are
 * scored further, found by galloping through the remaining long lists. Bounds carry a safety
 * margin, so pruning never drops a document the exhaustive evaluation would keep.
 *
 * Hand-written: no library does BM25 MaxScore over typed-array postings in Node.
 */
import type { PostingsIndex } from './postings-cache';

/** Decimal places kept in scores; far above BM25's meaningful precision, far below float noise. */
export const SCORE_DECIMALS = 9;

const SCALE = 10 ** SCORE_DECIMALS;

/** DuckDB's round(x, SCORE_DECIMALS) for the non-negative scores BM25 gives. */
export function roundScore(score: number): number {
  const rounded = Math.round(score * SCALE) / SCALE;
  return Number.isFinite(rounded) ? rounded : score;
}

/** One query's terms after grouping: dense term indexes and their query weights (qtf * idf). */
export interface ScoringTerm {
  term: number;
  weight: number;
}

/** A ranked list in doc_no space: parallel arrays, best first. */
export interface TopDocs {
  docs: Int32Array;
  scores: Float64Array;
}

/** Keeps the `top` best (score desc, doc_no desc) of a stream of (doc, score). */
class TopKHeap {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  size = 0;

  constructor(private readonly top: number, capacityHint: number) {
    const capacity = Math.min(top, Math.max(capacityHint, 1));
    this.docs = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.size === this.top;
  }

  /** The k-th best score once full (-Infinity before). */
  get threshold(): number {
    return this.full ? (this.scores[0] as number) : -Infinity;
  }

  private worse(i: number, j: number): boolean {
    const si = this.scores[i] as number;
    const sj = this.scores[j] as number;
    return si < sj || (si === sj && (this.docs[i] as number) < (this.docs[j] as number));
  }

  private swap(i: number, j: number): void {
    const d = this.docs[i] as number;
    const s = this.scores[i] as number;
    this.docs[i] = this.docs[j] as number;
    this.scores[i] = this.scores[j] as number;
    this.docs[j] = d;
    this.scores[j] = s;
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  push(doc: number, score: number): void {
    if (this.size < this.top) {
      let i = this.size++;
      this.docs[i] = doc;
      this.scores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    const rootScore = this.scores[0] as number;
    if (score < rootScore || (score === rootScore && doc < (this.docs[0] as number))) return;
    this.docs[0] = doc;
    this.scores[0] = score;
    this.siftDown(0);
  }

  /** Best first; empties the heap (pops the worst into the last free slot). */
  result(): TopDocs {
    const count = this.size;
    const docs = new Int32Array(count);
    const scores = new Float64Array(count);
    for (let out = count - 1; out >= 0; out--) {
      docs[out] = this.docs[0] as number;
      scores[out] = this.scores[0] as number;
      const last = --this.size;
      this.docs[0] = this.docs[last] as number;
      this.scores[0] = this.scores[last] as number;
      this.siftDown(0);
    }
    return { docs, scores };
  }
}

/** Scores one query's terms against the postings: the engine shared by ranked and boolean search. */
export class Bm25Scorer {
  private readonly norms: Float64Array;
  private readonly k1p1: number;
  /** Per term index: the largest tf part (tf (k1+1) / (tf + norm)) of its postings, NaN until computed. */
  private readonly maxTfPart: Float64Array;
  private accumulator: Float64Array | undefined;

  constructor(
    private readonly index: PostingsIndex,
    params: { k1: number; b: number },
  ) {
    this.norms = lengthNorms(index, params.k1, params.b);
    this.k1p1 = params.k1 + 1;
    this.maxTfPart = termBounds(index, params.k1, params.b);
  }

  /** Groups (term, qtf) pairs: unknown terms dropped, repeated terms summed (SQL's sum(weight) * idf). */
  scoringTerms(terms: readonly { term: string; weight: number }[]): ScoringTerm[] {
    const weights = new Map<number, number>();
    for (const { term, weight } of terms) {
      const t = this.index.termIndex.get(term);
      if (t !== undefined) weights.set(t, (weights.get(t) ?? 0) + weight);
    }
    // Canonical order, shared by both scoring paths so a document's sum is always added up the
    // same way: highest query weight first (rare terms first, which is what lets topK prune).
    return [...weights]
      .map(([term, qtf]) => ({ term, weight: qtf * (this.index.idf[term] as number) }))
      .sort((a, b) => b.weight - a.weight || a.term - b.term);
  }

  private upperBound(term: ScoringTerm): number {
    let max = this.maxTfPart[term.term] as number;
    if (Number.isNaN(max)) {
      const { offsets, docs, tfs } = this.index;
      max = 0;
      for (let p = offsets[term.term] as number, end = offsets[term.term + 1] as number; p < end; p++) {
        const tf = tfs[p] as number;
        const part = (tf * this.k1p1) / (tf + (this.norms[docs[p] as number] as number));
        if (part > max) max = part;
      }
      this.maxTfPart[term.term] = max;
    }
    return term.weight * max;
  }

  /**
   * Adds every posting of `term` to the accumulator, each contribution in the SQL statement's
   * operation order, marking each document seen the first time (appended to `touched` at
   * `count`); returns the new count of documents seen. Both the pruned
   * and the candidate scorer accumulate a whole list this way, so a document's sum is the same.
   */
  private accumulate(term: ScoringTerm, acc: Float64Array, seen: Uint8Array, touched: Int32Array, count: number): number {
    const { offsets, docs, tfs } = this.index;
    const norms = this.norms;
    const weight = term.weight;
    const k1p1 = this.k1p1;
    for (let p = offsets[term.term] as number, end = offsets[term.term + 1] as number; p < end; p++) {
      const d = docs[p] as number;
      const tf = tfs[p] as number;
      if (seen[d] === 0) {
        seen[d] = 1;
        touched[count++] = d;
      }
      acc[d] = (acc[d] as number) + (weight * tf * k1p1) / (tf + (norms[d] as number));
    }
    return count;
  }

  private buffers(): { acc: Float64Array; seen: Uint8Array; touched: Int32Array } {
    const size = Math.max(this.norms.length, this.index.docCount);
    if (!this.accumulator || this.accumulator.length < size) {
      this.accumulator = new Float64Array(size);
      this.seen = new Uint8Array(size);
      this.touched = new Int32Array(size);
    }
    return { acc: this.accumulator, seen: this.seen as Uint8Array, touched: this.touched as Int32Array };
  }

  private seen: Uint8Array | undefined;
  private touched: Int32Array | undefined;

  /**
   * The top `top` documents over all postings of `terms`: term at a time, highest query weight
   * first, into a dense accumulator. Once the bounds of the remaining terms together cannot lift
   * an unseen document to the k-th partial score (a lower bound of the final k-th score), the
   * remaining terms only add to the seen documents that can still reach it, found by galloping
   * through the remaining (long, low-weight) lists: MaxScore's essential/non-essential split,
   * term at a time. Exact: pruned documents are provably below the final k-th score.
   */
  topK(terms: ScoringTerm[], top: number): TopDocs {
    const n = terms.length;
    const heap = new TopKHeap(top, 1 << 16);
    if (n === 0) return heap.result();
    const { offsets, docs, tfs } = this.index;
    const { acc, seen, touched } = this.buffers();
    const suffix = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] as number) + this.upperBound(terms[i] as ScoringTerm);
    const k1p1 = this.k1p1;
    const norms = this.norms;
    let count = 0;
    // The k-th partial only grows, so a past value still bounds; recompute it when the remaining
    // bound has halved since the last look (a few times per query at most).
    let kth = -Infinity;
    let checkedAt = Infinity;
    let i = 0;
    for (; i < n; i++) {
      const remaining = margin(suffix[i] as number);
      if (i > 0 && count >= top) {
        if (remaining >= kth && remaining <= checkedAt / 2) {
          kth = this.kthPartial(acc, touched, count, top);
          checkedAt = remaining;
        }
        if (remaining < kth) break;
      }
      count = this.accumulate(terms[i] as ScoringTerm, acc, seen, touched, count);
    }
    // Terms i.. can no longer bring in unseen documents: keep the seen ones that can still reach
    // the k-th partial score, in doc order, and walk the remaining lists to them (galloping).
    let survivors: Int32Array = touched.subarray(0, count);
    if (i < n) {
      // In doc order without sorting: one pass over the seen marks.
      const ordered = new Int32Array(count);
      let m = 0;
      for (let d = 0; d < seen.length && m < count; d++) if (seen[d] === 1) ordered[m++] = d;
      survivors = ordered;
      for (; i < n; i++) {
        // Drop the survivors that cannot reach the k-th partial even with every remaining term.
        if (survivors.length > 2 * top) {
          kth = Math.max(kth, this.kthPartial(acc, survivors, survivors.length, top));
          const rest = suffix[i] as number;
          let kept = 0;
          for (let j = 0; j < survivors.length; j++) {
            const d = survivors[j] as number;
            if (margin((acc[d] as number) + rest) >= kth) survivors[kept++] = d;
            else seen[d] = 0;
          }
          survivors = survivors.subarray(0, kept);
        }
        const term = terms[i] as ScoringTerm;
        const weight = term.weight;
        const end = offsets[term.term + 1] as number;
        let p = offsets[term.term] as number;
        if (survivors.length * 16 < end - p) {
          for (let j = 0; j < survivors.length && p < end; j++) {
            const d = survivors[j] as number;
            p = seek(docs, p, end, d);
            if (p < end && docs[p] === d) {
              const tf = tfs[p] as number;
              acc[d] = (acc[d] as number) + (weight * tf * k1p1) / (tf + (norms[d] as number));
            }
          }
        } else {
          for (; p < end; p++) {
            const d = docs[p] as number;
            if (seen[d] === 0) continue;
            const tf = tfs[p] as number;
            acc[d] = (acc[d] as number) + (weight * tf * k1p1) / (tf + (norms[d] as number));
          }
        }
      }
    }
    for (let j = 0; j < survivors.length; j++) {
      const d = survivors[j] as number;
      heap.push(d, roundScore(acc[d] as number));
    }
    clearTouched(acc, seen, touched, count);
    return heap.result();
  }

  /**
   * A lower bound of the k-th largest accumulated partial score among `list[0, count)`: the lower
   * edge of the histogram bucket where the count from the top reaches k. Any lower bound keeps
   * pruning exact; this one costs two passes and no sorting.
   */
  private kthPartial(acc: Float64Array, list: Int32Array, count: number, top: number): number {
    if (count < top) return -Infinity;
    let max = 0;
    for (let i = 0; i < count; i++) {
      const v = acc[list[i] as number] as number;
      if (v > max) max = v;
    }
    if (max <= 0) return -Infinity;
    const buckets = 1024;
    const histogram = new Int32Array(buckets);
    const scale = buckets / max;
    for (let i = 0; i < count; i++) {
      const b = Math.min(buckets - 1, Math.floor((acc[list[i] as number] as number) * scale));
      histogram[b] = (histogram[b] as number) + 1;
    }
    let seenCount = 0;
    for (let b = buckets - 1; b >= 0; b--) {
      seenCount += histogram[b] as number;
      if (seenCount >= top) return ((b / buckets) * max) * (1 - 1e-9) - 1e-12;
    }
    return -Infinity;
  }

  /** The top `top` of the given candidate documents (sorted doc_nos); candidates without a term score 0. */
  topKOfCandidates(terms: ScoringTerm[], candidates: Int32Array, top: number): TopDocs {
    const { acc, seen, touched } = this.buffers();
    // Accumulate term by term, in the same order as topK so a document's sum is the same, then read the candidates.
    let count = 0;
    for (const t of terms) count = this.accumulate(t, acc, seen, touched, count);
    const heap = new TopKHeap(top, candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      const d = candidates[i] as number;
      heap.push(d, roundScore(d < acc.length ? (acc[d] as number) : 0));
    }
    clearTouched(acc, seen, touched, count);
    return heap.result();
  }
}

/** Resets the accumulator and seen marks of the `count` documents a query touched, for the next query. */
function clearTouched(acc: Float64Array, seen: Uint8Array, touched: Int32Array, count: number): void {
  for (let j = 0; j < count; j++) {
    const d = touched[j] as number;
    acc[d] = 0;
    seen[d] = 0;
  }
}

/** First position in docs[from, to) whose doc is >= target (galloping, then binary search). */
function seek(docs: Int32Array, from: number, to: number, target: number): number {
  if (from >= to || (docs[from] as number) >= target) return from;
  let lo = from; // docs[lo] < target
  let step = 1;
  let hi = from + 1;
  while (hi < to && (docs[hi] as number) < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > to) hi = to;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((docs[mid] as number) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** A bound with a safety margin for float error and rounding: pruning by it never drops a document that could rank. */
function margin(bound: number): number {
  return bound * (1 + 1e-9) + 1e-8;
}

/** Per term index, the largest tf part for (k1, b), filled in lazily by the scorer. */
export function termBounds(index: PostingsIndex, k1: number, b: number): Float64Array {
  const key = `${k1}/${b}`;
  const hit = index.bounds.get(key);
  if (hit) return hit;
  const bounds = new Float64Array(Math.max(index.offsets.length - 1, 0)).fill(Number.NaN);
  if (index.bounds.size > 4) index.bounds.clear();
  index.bounds.set(key, bounds);
  return bounds;
}

/** k1 * (1 - b + b * dl / avgdl) per doc_no, evaluated in the SQL engine's operation order. */
export function lengthNorms(index: PostingsIndex, k1: number, b: number): Float64Array {
  const key = `${k1}/${b}`;
  const hit = index.norms.get(key);
  if (hit) return hit;
  const avgdl = index.avgDocLength;
  const norms = new Float64Array(index.docLengths.length);
  for (let d = 0; d < norms.length; d++) norms[d] = k1 * (1 - b + (b * (index.docLengths[d] as number)) / avgdl);
  if (index.norms.size > 4) index.norms.clear();
  index.norms.set(key, norms);
  return norms;
}
