import { describe, expect, it } from 'vitest';
import { offloadShare, psRowsFromResponse } from '../../lib/gpu/ollama-ps';
import { parseRocmSmiJson } from '../../lib/gpu/rocm-smi';
import { classifyOutcome, normalizePciBusId, parseGpuErrorLine } from '../../lib/gpu/smi-failure';
import { caseFile, fixture, gpuFixturesPresent, SKIP_GPU_FIXTURES } from './support';

const it_ = it.skipIf(!gpuFixturesPresent);
const MIB = 1024 * 1024;

describe('failure classification' + SKIP_GPU_FIXTURES, () => {
  it('nvidia-smi missing from PATH is tool-missing, permanent', () => {
    expect(classifyOutcome('nvidia-smi', { spawnErrorCode: 'ENOENT', exitCode: null, signal: null, output: '' })).toMatchObject({ kind: 'tool-missing', permanent: true });
  });

  it_('driver not loaded (exit 9) and driver/library mismatch (exit 18), real texts', () => {
    const notLoaded = classifyOutcome('nvidia-smi', { exitCode: 9, signal: null, output: fixture('nvidia-smi_error_driver-not-communicating.txt') });
    expect(notLoaded).toMatchObject({ kind: 'driver-not-loaded', permanent: true });
    expect(notLoaded.message).toMatch(/couldn't communicate with the NVIDIA driver/);
    const mismatch = classifyOutcome('nvidia-smi', { exitCode: 18, signal: null, output: fixture('nvidia-smi_error_nvml-driver-library-version-mismatch.txt') });
    expect(mismatch).toMatchObject({ kind: 'driver-library-mismatch', permanent: true });
    expect(mismatch.message).toBe('Failed to initialize NVML: Driver/library version mismatch NVML library version: 535.161');
    // The text alone is enough (a wrapper may change the exit status).
    expect(classifyOutcome('nvidia-smi', { exitCode: 1, signal: null, output: fixture('nvidia-smi_error_nvml-driver-library-version-mismatch.txt') }).kind).toBe('driver-library-mismatch');
  });

  it('GPU lost, invalid field, hang, and anything else', () => {
    const lost = 'Unable to determine the device handle for GPU 0000:02:00.0: GPU is lost.  Reboot the system to recover this GPU\n';
    expect(classifyOutcome('nvidia-smi', { exitCode: 15, signal: null, output: lost }).kind).toBe('gpu-lost');
    expect(parseGpuErrorLine(lost)).toEqual({ pciBusId: '0000:02:00.0', reason: 'GPU is lost.  Reboot the system to recover this GPU', kind: 'gpu-lost' });
    expect(classifyOutcome('nvidia-smi', { exitCode: 2, signal: null, output: 'Field "x.y" is not a valid field to query.\n\n' }).kind).toBe('invalid-field');
    expect(classifyOutcome('nvidia-smi', { exitCode: null, signal: 'SIGKILL', output: '', timedOut: true }).kind).toBe('hang');
    expect(classifyOutcome('nvidia-smi', { exitCode: 255, signal: null, output: 'Unknown Error\n' })).toMatchObject({ kind: 'tool-error', message: 'nvidia-smi exited 255: Unknown Error' });
  });

  it('PCI bus ids from error lines match pci.bus_id', () => {
    expect(normalizePciBusId('0000:18:00.0')).toBe(normalizePciBusId('00000000:18:00.0'));
    expect(normalizePciBusId('0000:2A:00.0')).toBe(normalizePciBusId('00000000:2a:00.0'));
  });
});

describe('rocm-smi --json' + SKIP_GPU_FIXTURES, () => {
  it_('real capture: utilization, VRAM bytes to MiB, card name', () => {
    const [card] = parseRocmSmiJson(fixture('rocm-smi_1xRX7900XT_showproductname_showuse_showmeminfo-vram_json.json'));
    expect(card).toEqual({
      uuid: 'card0', index: 0, name: 'Radeon RX 7900 XT', utilizationPct: 0, memoryUsedMib: 27856896 / MIB, memoryTotalMib: 21458059264 / MIB,
      powerW: null, temperatureC: null, throttleReasons: null,
    });
  });

  it('two cards, temperatures and power, N/A values, and a system key that is not a card', () => {
    const cards = parseRocmSmiJson(caseFile('rocm-smi-2cards-with-system.json'));
    expect(cards.map((c) => c.uuid)).toEqual(['amd-0x5b3c8d4e12a7f001', 'card1']);
    expect(cards[0]).toMatchObject({ utilizationPct: 97, memoryUsedMib: 20480, powerW: 212, temperatureC: 52 });
    // Edge temperature N/A: the junction sensor stands in; power N/A stays unknown.
    expect(cards[1]).toMatchObject({ temperatureC: 44, powerW: null, utilizationPct: 0 });
  });
});

describe('ollama /api/ps' + SKIP_GPU_FIXTURES, () => {
  it_('the documented example: fully on the GPU, expires_at with a zone offset', () => {
    const at = new Date('2024-06-04T21:00:00Z');
    const rows = psRowsFromResponse(JSON.parse(fixture('ollama_api-ps_docs-example_mistral.json')), 'http://127.0.0.1:11434', at, 'generate');
    expect(rows).toEqual([
      { sampledAt: at, host: 'http://127.0.0.1:11434', model: 'mistral:latest', sizeBytes: 5137025024, sizeVramBytes: 5137025024, expiresAt: new Date('2024-06-04T21:38:31.837Z'), phase: 'generate' },
    ]);
    expect(offloadShare(rows[0] as (typeof rows)[0])).toBe(1);
  });

  it('partial offload and odd bodies', () => {
    expect(offloadShare({ sizeBytes: 6591830464, sizeVramBytes: 5333539264 })).toBeCloseTo(0.809, 3);
    expect(offloadShare({ sizeBytes: 0, sizeVramBytes: 0 })).toBeNull();
    expect(psRowsFromResponse({ models: [{ size: 1 }] }, 'h', new Date(), null)).toEqual([]);
    expect(psRowsFromResponse(null, 'h', new Date(), null)).toEqual([]);
  });
});
