/**
 * Type declaration for the part of `simple-statistics` Benchlab uses (signatures as in the
 * package's own index.d.ts). The package is an ES module with a CommonJS build behind its
 * "require" export; TypeScript 5.0 under node16 resolution would read its ESM types and refuse
 * a require of them (TS1479), so the CommonJS side is declared here. At run time `require`
 * loads dist/simple-statistics.cjs, the same code as the ESM build.
 */
declare module 'simple-statistics' {
  export function sum(x: readonly number[]): number;
  export function mean(x: readonly number[]): number;
  export function addToMean(mean: number, n: number, newValue: number): number;
  export function median(x: readonly number[]): number;
  export function quantile(x: readonly number[], p: number): number;
  export function quantile(x: readonly number[], p: readonly number[]): number[];
  export function quantileSorted(x: readonly number[], p: number): number;
  export function medianAbsoluteDeviation(x: readonly number[]): number;
  export function sampleCorrelation(x: readonly number[], y: readonly number[]): number;
  export function linearRegression(data: readonly (readonly number[])[]): { m: number; b: number };
}
