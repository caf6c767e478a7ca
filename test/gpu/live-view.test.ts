import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../lib/gpu/duration';
import { FrameWriter, sampleLines, sampleTable } from '../../lib/gpu/live-view';
import { RespawnPolicy } from '../../lib/gpu/respawn-policy';
import type { GpuSample } from '../../lib/gpu/types';

const sample: GpuSample = {
  sampledAt: new Date('2025-01-01T00:00:00Z'),
  source: 'nvidia-smi',
  gpus: [{ uuid: 'GPU-a', index: 0, name: 'NVIDIA H100', utilizationPct: 45, memoryUsedMib: 1234, memoryTotalMib: 81559, powerW: 70.5, temperatureC: 45, throttleReasons: ['gpu_idle'] }, { uuid: 'GPU-b', index: 1, name: null, utilizationPct: null, memoryUsedMib: null, memoryTotalMib: null, powerW: null, temperatureC: null, throttleReasons: null }],
};

describe('live view', () => {
  it('plain lines: one per GPU, unknown values as -', () => {
    expect(sampleLines(sample)).toBe(
      '2025-01-01T00:00:00.000Z gpu0 GPU-a util=45% mem=1234/81559MiB power=70.5W temp=45C throttle=none\n' +
        '2025-01-01T00:00:00.000Z gpu1 GPU-b util=-% mem=-/-MiB power=-W temp=-C throttle=-\n',
    );
  });

  it('on a terminal each frame erases the previous one', () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => (written += c.toString()));
    const frames = new FrameWriter(out);
    const table = sampleTable(sample);
    frames.write(table);
    expect(written).toBe(table);
    written = '';
    frames.write(table);
    const lines = table.split('\n').length - 1;
    expect(written).toBe(`\x1b[${lines}F\x1b[0J${table}`);
  });
});

describe('durations and respawn backoff', () => {
  it('parses the CLI durations', () => {
    expect(parseDuration('250ms', '--interval')).toBe(250);
    expect(parseDuration('1.5s', '--interval')).toBe(1500);
    expect(parseDuration('2m', '--duration')).toBe(120_000);
    expect(parseDuration('3', '--duration')).toBe(3000);
    expect(() => parseDuration('0s', '--interval')).toThrow(/more than 0/);
    expect(() => parseDuration('1 year', '--duration')).toThrow(/--duration must be a duration/);
  });

  it('doubles the delay per consecutive death (equal jitter), caps it, resets when healthy; falls back after N deaths in the window', () => {
    const policy = new RespawnPolicy({ initialDelayMs: 100, maxDelayMs: 350, maxDeaths: 3, deathWindowMs: 1000, healthyAfterMs: 0 }, () => 1);
    policy.recordDeath(0);
    expect(policy.nextDelayMs()).toBe(100);
    policy.recordDeath(10);
    expect(policy.nextDelayMs()).toBe(200);
    expect(policy.shouldFallBack(10)).toBe(false);
    policy.recordDeath(2000); // the first two are out of the window
    expect(policy.nextDelayMs()).toBe(350);
    expect(policy.shouldFallBack(2000)).toBe(false);
    policy.recordDeath(2100);
    policy.recordDeath(2200);
    expect(policy.shouldFallBack(2200)).toBe(true);
    policy.recordHealthy();
    policy.recordDeath(2300);
    expect(policy.nextDelayMs()).toBe(100);
    expect(new RespawnPolicy({ initialDelayMs: 100, maxDelayMs: 1000, maxDeaths: 3, deathWindowMs: 1, healthyAfterMs: 0 }, () => 0).nextDelayMs()).toBe(50);
  });
});
