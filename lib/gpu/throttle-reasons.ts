/**
 * NVIDIA clock event ("throttle") reasons: the bitmask nvidia-smi prints for
 * `clocks_event_reasons.active` (older drivers: `clocks_throttle_reasons.active`) as
 * `0x0000000000000004`, decoded into the names nvidia-smi uses for the individual fields
 * (bit values from nvml.h, `nvmlClocksEventReason*`). Which reasons count as throttling: all but
 * idle, the application clock setting and the display clock setting, which are not slowdowns.
 */

export const THROTTLE_REASON_BITS: readonly { bit: bigint; name: string; throttling: boolean }[] = [
  { bit: 0x1n, name: 'gpu_idle', throttling: false },
  { bit: 0x2n, name: 'applications_clocks_setting', throttling: false },
  { bit: 0x4n, name: 'sw_power_cap', throttling: true },
  { bit: 0x8n, name: 'hw_slowdown', throttling: true },
  { bit: 0x10n, name: 'sync_boost', throttling: true },
  { bit: 0x20n, name: 'sw_thermal_slowdown', throttling: true },
  { bit: 0x40n, name: 'hw_thermal_slowdown', throttling: true },
  { bit: 0x80n, name: 'hw_power_brake_slowdown', throttling: true },
  { bit: 0x100n, name: 'display_clock_setting', throttling: false },
];

const KNOWN_MASK = THROTTLE_REASON_BITS.reduce((mask, r) => mask | r.bit, 0n);
const THROTTLING_NAMES = new Set(THROTTLE_REASON_BITS.filter((r) => r.throttling).map((r) => r.name));

/** The names of the bits set in `mask`; bits nvml.h does not name come out as `unknown_0x...`. */
export function decodeThrottleReasons(mask: bigint): string[] {
  const names = THROTTLE_REASON_BITS.filter((r) => (mask & r.bit) !== 0n).map((r) => r.name);
  const unknown = mask & ~KNOWN_MASK;
  if (unknown !== 0n) names.push(`unknown_0x${unknown.toString(16)}`);
  return names;
}

/** The reasons that slow the GPU down (the ones worth an alert). Unknown bits count as throttling. */
export function throttlingReasons(reasons: readonly string[]): string[] {
  return reasons.filter((r) => THROTTLING_NAMES.has(r) || r.startsWith('unknown_'));
}
