/**
 * How GPU samples are shown by `benchlab gpu`: a table rewritten in place on a terminal (the
 * previous frame is erased with ANSI cursor movement), one plain line per GPU and sample when
 * the output is a file or a pipe, and tables for a one-off snapshot (GPUs, processes, loaded
 * Ollama models). Unknown values print as `-`, never as 0.
 */
import { renderTable } from '../terminal-table';
import { offloadShare } from './ollama-ps';
import type { GpuSnapshot } from './snapshot';
import type { GpuReading, GpuSample } from './types';

const BYTES_PER_GB = 1e9;
const PERCENT = 100;
const ONE_DECIMAL = 1;

const show = (v: number | null, decimals = 0, unit = ''): string => (v === null ? '-' : `${v.toFixed(decimals)}${unit}`);

function memory(g: GpuReading): string {
  if (g.memoryUsedMib === null && g.memoryTotalMib === null) return '-';
  return `${show(g.memoryUsedMib)} / ${show(g.memoryTotalMib)}`;
}

function throttle(g: GpuReading): string {
  if (g.throttleReasons === null) return '-';
  const shown = g.throttleReasons.filter((r) => r !== 'gpu_idle');
  return shown.length === 0 ? 'none' : shown.join(',');
}

const HEAD = ['gpu', 'name', 'util %', 'memory MiB', 'power W', 'temp °C', 'throttle'];

function rowOf(g: GpuReading): string[] {
  return [String(g.index ?? '-'), g.name ?? g.uuid, show(g.utilizationPct), memory(g), show(g.powerW, ONE_DECIMAL), show(g.temperatureC), throttle(g)];
}

/** A sample as a table, with the time above it. */
export function sampleTable(sample: GpuSample): string {
  return `${sample.sampledAt.toISOString()}  ${sample.source}\n${renderTable(HEAD, sample.gpus.map(rowOf))}\n`;
}

/** A sample as plain lines, one per GPU, for logs and pipes. */
export function sampleLines(sample: GpuSample): string {
  return sample.gpus
    .map(
      (g) =>
        `${sample.sampledAt.toISOString()} gpu${g.index ?? '?'} ${g.uuid} util=${show(g.utilizationPct)}% mem=${show(g.memoryUsedMib)}/${show(g.memoryTotalMib)}MiB ` +
        `power=${show(g.powerW, ONE_DECIMAL)}W temp=${show(g.temperatureC)}C throttle=${throttle(g)}\n`,
    )
    .join('');
}

/** Writes frames to a terminal, erasing the previous frame first. */
export class FrameWriter {
  private lines = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  write(frame: string): void {
    // Move to the start of the previous frame and clear to the end of the screen.
    const erase = this.lines > 0 ? `\x1b[${this.lines}F\x1b[0J` : '';
    this.out.write(erase + frame);
    this.lines = frame.split('\n').length - (frame.endsWith('\n') ? 1 : 0);
  }
}

/** The tables of `benchlab gpu --once`. */
export function snapshotText(snapshot: GpuSnapshot): string {
  const parts: string[] = [];
  if (snapshot.sample) parts.push(sampleTable(snapshot.sample));
  const info = snapshot.gpus;
  if (info.length > 0) {
    parts.push(
      renderTable(
        ['gpu', 'uuid', 'pci bus', 'driver', 'power limit W', 'MIG'],
        info.map((g) => [String(g.index ?? '-'), g.uuid, g.pciBusId ?? '-', g.driverVersion ?? '-', show(g.powerLimitW), g.migMode ?? '-']),
      ) + '\n',
    );
  }
  for (const p of snapshot.problems) parts.push(`${p.kind}: ${p.message}\n`);
  if (snapshot.processes !== null) {
    parts.push(
      snapshot.processes.length === 0
        ? 'no processes using GPU memory\n'
        : renderTable(
            ['pid', 'process', 'GPU memory MiB', 'gpu'],
            snapshot.processes.map((p) => [String(p.pid ?? '-'), p.processName ?? '-', show(p.usedMemoryMib), p.gpuUuid ?? '-']),
          ) + '\n',
    );
  }
  if (snapshot.ollama.length > 0) {
    parts.push(
      renderTable(
        ['ollama host', 'model', 'size GB', 'VRAM GB', 'on GPU', 'expires'],
        snapshot.ollama.map((m) => {
          const share = offloadShare(m);
          return [
            m.host, m.model, m.sizeBytes === null ? '-' : (m.sizeBytes / BYTES_PER_GB).toFixed(2), m.sizeVramBytes === null ? '-' : (m.sizeVramBytes / BYTES_PER_GB).toFixed(2),
            share === null ? '-' : `${(share * PERCENT).toFixed(0)}%`, m.expiresAt?.toISOString() ?? '-',
          ];
        }),
      ) + '\n',
    );
  }
  for (const e of snapshot.ollamaErrors) parts.push(`ollama ${e.host}: ${e.message}\n`);
  return parts.join('');
}
