import { describe, expect, it } from 'vitest';
import { metricIndex, NvidiaCsvReader, parseComputeApps, parseNvidiaCsv, readingFromRow, sentinelsIn } from '../../lib/gpu/nvidia-csv';
import { DYNAMIC_METRICS, emptyCatalog, invalidFieldIn, parseHelpQuery, resolveFields } from '../../lib/gpu/nvidia-fields';
import { isUnknown, parseNumber } from '../../lib/gpu/smi-values';
import { decodeThrottleReasons, throttlingReasons } from '../../lib/gpu/throttle-reasons';
import { caseFile, fixture, gpuFixturesPresent, SKIP_GPU_FIXTURES } from './support';

describe('smi values', () => {
  it('treats every sentinel as unknown, never 0', () => {
    for (const raw of ['[N/A]', '[Not Supported]', '[Unknown Error]', '[Requested functionality has been deprecated]', '', '  ', 'N/A', '[GPU is lost]']) {
      expect(isUnknown(raw)).toBe(true);
      expect(parseNumber(raw)).toBeNull();
    }
  });

  it('reads numbers with or without units', () => {
    expect(parseNumber('45 %')).toBe(45);
    expect(parseNumber('1234 MiB')).toBe(1234);
    expect(parseNumber('70.5 W')).toBe(70.5);
    expect(parseNumber(' 0 ')).toBe(0);
    expect(parseNumber('P3')).toBeNull();
    expect(parseNumber('Default')).toBeNull();
  });

  it('decodes the clock event bitmask into named reasons', () => {
    expect(decodeThrottleReasons(0n)).toEqual([]);
    expect(decodeThrottleReasons(0x1n)).toEqual(['gpu_idle']);
    expect(decodeThrottleReasons(0x24n)).toEqual(['sw_power_cap', 'sw_thermal_slowdown']);
    expect(decodeThrottleReasons(0x1000n)).toEqual(['unknown_0x1000']);
    expect(throttlingReasons(['gpu_idle', 'applications_clocks_setting', 'hw_slowdown'])).toEqual(['hw_slowdown']);
  });
});

describe('field list validation', () => {
  it('reads the field names and aliases of --help-query-gpu', () => {
    const catalog = parseHelpQuery(caseFile('help-query-gpu-excerpt.txt'));
    expect(catalog.valid.has('clocks_throttle_reasons.active')).toBe(true);
    expect(catalog.valid.has('gpu_name')).toBe(true);
    expect(catalog.canonical.get('clocks.gr')).toBe('clocks.current.graphics');
    // "Section about ..." and description lines are not fields.
    expect([...catalog.valid].every((f) => /^[a-z_.]+$/.test(f))).toBe(true);
  });

  it('picks, per metric, the first candidate the driver lists', () => {
    const catalog = parseHelpQuery(caseFile('help-query-gpu-excerpt.txt'));
    const resolved = resolveFields(DYNAMIC_METRICS, catalog);
    // This driver has no clocks_event_reasons.*: the older throttle name is used.
    expect(resolved.byMetric.get('throttle')).toBe('clocks_throttle_reasons.active');
    expect(resolved.fields[0]).toBe('uuid');
    const withoutThrottle = resolveFields(DYNAMIC_METRICS, catalog, new Set(['clocks_throttle_reasons.active']));
    expect(withoutThrottle.unavailable).toEqual(['throttle']);
  });

  it('recognizes the real invalid-field error text', () => {
    expect(invalidFieldIn('Field "device_minor" is not a valid field to query.\n\n')).toBe('device_minor');
    expect(invalidFieldIn('Field “encoder.stats.sessionCount” is not a valid field to query.')).toBe('encoder.stats.sessionCount');
    expect(invalidFieldIn('GPU-1, 0, 45')).toBeUndefined();
  });
});

describe('nvidia-smi CSV on real captured outputs' + SKIP_GPU_FIXTURES, () => {
  const it_ = it.skipIf(!gpuFixturesPresent);

  it_('noheader,nounits: [N/A] and [Not Supported] are null, real zeros stay 0', () => {
    const fields = ['memory.total', 'memory.free', 'memory.used', 'temperature.gpu', 'fan.speed', 'utilization.gpu', 'utilization.memory'];
    for (const file of ['nvidia-smi_1gpu_csv_noheader_nounits_fan-NA.txt', 'nvidia-smi_1gpu_csv_noheader_nounits_fan-NotSupported.txt']) {
      const parsed = parseNvidiaCsv(fixture(file), fields);
      expect(parsed.rows).toHaveLength(1);
      const row = parsed.rows[0] as Record<string, string>;
      expect(parseNumber(row['fan.speed'] as string)).toBeNull();
      expect(parseNumber(row['memory.used'] as string)).toBe(0);
      expect(parseNumber(row['temperature.gpu'] as string)).toBe(44);
    }
  });

  it_('units kept (vGPU): values with units parse, [N/A] temperature is null', () => {
    const parsed = parseNvidiaCsv(fixture('nvidia-smi_1xA10-12Q-vGPU_csv_noheader_units_temp-NA.txt'), ['index', 'name', 'memory.total', 'memory.used', 'utilization.gpu', 'temperature.gpu']);
    const row = parsed.rows[0] as Record<string, string>;
    expect(row['name']).toBe('NVIDIA A10-12Q');
    expect(parseNumber(row['memory.total'] as string)).toBe(12288);
    expect(parseNumber(row['utilization.gpu'] as string)).toBe(0);
    expect(parseNumber(row['temperature.gpu'] as string)).toBeNull();
  });

  it_('header with units: columns are matched by name (aliases resolved), not by position', () => {
    // Asked in a different order than printed, with aliases: the header decides.
    const asked = ['clocks.mem', 'gpu_name', 'power.draw', 'memory.used', 'memory.total'];
    const parsed = parseNvidiaCsv(fixture('nvidia-smi_2xGTX1080Ti-GTX1060_csv_header_units.txt'), asked);
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.rows.map((r) => r['gpu_name'])).toEqual(['GeForce GTX 1080 Ti', 'GeForce GTX 1060 6GB']);
    expect(parsed.rows.map((r) => parseNumber(r['power.draw'] as string))).toEqual([106.56, 5.68]);
    expect(parsed.rows.map((r) => parseNumber(r['clocks.mem'] as string))).toEqual([5508, 405]);
    expect(parseNumber(parsed.rows[1]?.['memory.used'] as string)).toBe(4);
  });

  it_('header kept with nounits (bracketed units in the header, bare values), no trailing newline', () => {
    const parsed = parseNvidiaCsv(fixture('nvidia-smi_1xTeslaP100_csv_header_nounits_fan-NA.txt'), null);
    expect(parsed.fields).toContain('memory.used');
    const row = parsed.rows[0] as Record<string, string>;
    expect(row['uuid']).toBe('GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6');
    expect(parseNumber(row['fan.speed'] as string)).toBeNull();
    expect(parseNumber(row['power.draw'] as string)).toBe(28.16);
    expect(parseNumber(row['clocks.current.video'] as string)).toBe(835);
  });

  it_('loop output (-l 1, header once): every sample row is read', () => {
    const fields = ['index', 'temperature.gpu', 'utilization.gpu', 'utilization.memory', 'fan.speed', 'pstate', 'power.draw', 'clocks.sm', 'clocks.mem', 'clocks.gr'];
    const parsed = parseNvidiaCsv(fixture('nvidia-smi_1xRTX3080Ti_loop-l1_csv_header_units_13samples.txt'), fields);
    expect(parsed.rows).toHaveLength(13);
    expect(parsed.rows.map((r) => parseNumber(r['power.draw'] as string))[0]).toBe(83.92);
    expect(parsed.rows.every((r) => parseNumber(r['clocks.sm'] as string) !== null)).toBe(true);
    const small = parseNvidiaCsv(fixture('nvidia-smi_1xGTX1650S_loop-l1_csv_header_units.txt'), fields);
    expect(small.rows.map((r) => parseNumber(r['utilization.gpu'] as string))).toEqual([24, 18, 42, 17, 21]);
  });

  it_('a row where nearly everything is [N/A] keeps only the known values', () => {
    const text = fixture('nvidia-smi_1xRTX3080_csv_noheader_nounits_timestamp_many-NA.txt');
    const fields = Array.from({ length: 27 }, (_, i) => `f${i}`);
    const parsed = parseNvidiaCsv(text, fields);
    const values = Object.values(parsed.rows[0] as Record<string, string>);
    expect(values[3]).toBe('GPU-8fe3a97d-51f6-a669-0d80-b4530b81b816');
    expect(values.filter((v) => parseNumber(v) === null && v.startsWith('['))).toHaveLength(16);
    expect(values.filter((v) => parseNumber(v) !== null)).toEqual(['0', '10240', '9029', '1211', '0', '54']);
  });

  it_('an error output is not mistaken for rows', () => {
    const parsed = parseNvidiaCsv(fixture('nvidia-smi_error_driver-not-communicating.txt'), ['uuid', 'index']);
    expect(parsed.rows).toEqual([]);
    expect(parsed.unreadable).toHaveLength(1);
  });

  it_('per-GPU error line while the other GPUs report (nvidia-smi -L)', () => {
    const reader = new NvidiaCsvReader(['uuid']);
    const lines = fixture('nvidia-smi_error_list-L_one-gpu-unknown-error_4xRTX2080Ti.txt').trim().split('\n');
    const first = reader.read(lines[0] as string);
    expect(first).toEqual({ kind: 'gpu-error', error: { pciBusId: '0000:18:00.0', reason: 'Unknown Error', kind: 'gpu-unreachable' } });
  });

  it_('compute apps: header with used_gpu_memory, header-only (no processes), WDDM [N/A] memory', () => {
    const apps = parseComputeApps(fixture('nvidia-smi_1xH100_query-compute-apps_csv_header_units_3procs.txt'), null);
    expect(apps).toEqual([
      { pid: 11327, processName: '/root/tools/memhog', usedMemoryMib: 2566, gpuUuid: 'GPU-00000000-0000-0000-0000-000000000000' },
      { pid: 11328, processName: '/root/tools/memhog', usedMemoryMib: 1542, gpuUuid: 'GPU-00000000-0000-0000-0000-000000000000' },
      { pid: 11345, processName: './gpu_burn', usedMemoryMib: 15690, gpuUuid: 'GPU-00000000-0000-0000-0000-000000000000' },
    ]);
    expect(parseComputeApps(fixture('nvidia-smi_1xH100_query-compute-apps_csv_header-only_no-procs.txt'), null)).toEqual([]);
    const wddm = parseComputeApps(fixture('nvidia-smi_1xRTX2080S-Windows-WDDM_query-compute-apps_used-memory-NA.txt'), null);
    expect(wddm).toHaveLength(12);
    expect(wddm.every((p) => p.usedMemoryMib === null)).toBe(true);
    expect(wddm[4]?.processName).toBe('C:\\Program Files\\NZXT CAM\\NZXT CAM.exe');
  });
});

describe('nvidia-smi CSV on our cases', () => {
  const fields = ['uuid', 'index', 'utilization.gpu', 'memory.used', 'power.draw', 'temperature.gpu', 'clocks_throttle_reasons.active'];
  const resolved = resolveFields(DYNAMIC_METRICS, emptyCatalog(), new Set(['clocks_event_reasons.active']));

  it('keys readings by uuid whatever the row order, and reads error lines and sentinels', () => {
    expect(resolved.fields).toEqual(fields);
    const index = metricIndex(resolved.byMetric, resolved.fields);
    const reader = new NvidiaCsvReader(fields);
    const out = caseFile('query-gpu-2gpus-loop-noheader-nounits.txt')
      .trim()
      .split('\n')
      .map((l) => reader.read(l));
    const readings = out.flatMap((r) => (r.kind === 'row' ? [readingFromRow(r.values, index, undefined)] : []));
    expect(readings.map((r) => r?.uuid.slice(-1))).toEqual(['a', 'b', 'b', 'a', 'a']);
    expect(readings[3]).toMatchObject({ utilizationPct: 100, memoryUsedMib: 80000, powerW: 699.8, temperatureC: 88, throttleReasons: ['sw_power_cap', 'sw_thermal_slowdown'] });
    expect(readings[1]?.throttleReasons).toEqual(['gpu_idle']);
    expect(readings[4]).toMatchObject({ utilizationPct: null, memoryUsedMib: null, powerW: null, temperatureC: null, throttleReasons: null });
    expect(out[4]).toMatchObject({ kind: 'gpu-error', error: { pciBusId: '0000:2A:00.0', kind: 'gpu-unreachable' } });
    const last = out[5];
    expect(last?.kind === 'row' ? sentinelsIn(last.values) : []).toContain('Requested functionality has been deprecated');
  });

  it('header with units and every sentinel kind in one row', () => {
    const asked = ['uuid', 'index', 'utilization.gpu', 'memory.used', 'power.draw', 'temperature.gpu', 'clocks_event_reasons.active'];
    const parsed = parseNvidiaCsv(caseFile('query-gpu-units-sentinels-header.txt'), asked);
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.rows[0]).toMatchObject({ 'utilization.gpu': '45 %', 'power.draw': '70.5 W' });
    expect(Object.values(parsed.rows[1] as Record<string, string>).slice(2).map((v) => parseNumber(v))).toEqual([null, null, null, null, null]);
  });

  it('a process name holding the separator stays one value', () => {
    const apps = parseComputeApps('4242, python train.py, --lr 0.1, 2048, GPU-0000\n', ['pid', 'process_name', 'used_memory', 'gpu_uuid']);
    expect(apps).toEqual([{ pid: 4242, processName: 'python train.py, --lr 0.1', usedMemoryMib: 2048, gpuUuid: 'GPU-0000' }]);
  });
});
