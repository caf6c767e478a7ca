import { describe, expect, it } from 'vitest';
import { cellErrors, EXECUTION_STATUS_KEY, removeExecutionStatus } from '../../lib/notebooks/notebook-runner';

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

  it("reports a runtime error that tslab printed on stderr only (the reply's status is error), and the cells it aborted", () => {
    const withStatus = (status: string, outputs: object[]) => ({ ...cell(outputs), metadata: { [EXECUTION_STATUS_KEY]: status } });
    const executed = {
      cells: [
        withStatus('ok', [{ output_type: 'stream', name: 'stdout', text: 'fine\n' }]),
        withStatus('error', [{ output_type: 'stream', name: 'stderr', text: 'evalmachine.<anonymous>:2\nError: boom\n' }]),
        withStatus('abort', []),
      ],
    };
    expect(cellErrors(executed as never)).toEqual([
      'cell 2 (const x = 1; / x;): error\nevalmachine.<anonymous>:2\nError: boom',
      'cell 3 (const x = 1; / x;): not run (the kernel aborted it after an earlier error)',
    ]);
    removeExecutionStatus(executed as never);
    expect(executed.cells.map((c) => c.metadata)).toEqual([{}, {}, {}]);
  });
});
