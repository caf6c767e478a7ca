import { describe, expect, it } from 'vitest';
import { cellErrors } from '../../lib/notebooks/notebook-runner';

const cell = (outputs: object[]) => ({ cell_type: 'code', source: ['const x = 1;\n', 'x;'], outputs });

describe('cellErrors', () => {
  it('reports a cell that raised', () => {
    const errors = cellErrors({ cells: [cell([{ output_type: 'error', ename: 'Error', evalue: 'boom' }])] } as never);
    expect(errors).toEqual(['cell 1 (const x = 1; / x;): Error: boom']);
  });

  it("reports tslab's compile errors printed on stderr even without an error output", () => {
    const errors = cellErrors({
      cells: [cell([{ output_type: 'stream', name: 'stderr', text: "4:110 - Property 'error' does not exist on type 'R'.\n" }])],
    } as never);
    expect(errors[0]).toMatch(/^cell 1 .*TypeScript compile error\n4:110 - Property 'error'/);
  });

  it('accepts cells that printed normally, stderr warnings included', () => {
    expect(
      cellErrors({ cells: [cell([{ output_type: 'stream', name: 'stdout', text: 'ok\n' }, { output_type: 'stream', name: 'stderr', text: 'warning: slow\n' }])] } as never),
    ).toEqual([]);
  });
});
