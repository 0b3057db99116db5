/**
 * CSV cells of every export (src/core/csv.ts): RFC 4180 quoting, and a leading apostrophe on a cell a spreadsheet
 * would run as a formula — all of them but a plain negative number.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { csvCell, csvRow } from '../../src/core/csv';

describe('csv: cells', () => {
  it('defuses a cell that starts like a formula, wherever a digit or a minus follows', () => {
    for (const [v, out] of [
      ['=SUM(A1)', "'=SUM(A1)"],
      ['=1-2', "'=1-2"],
      ['+1', "'+1"],
      ['@a', "'@a"],
      ['-x', "'-x"],
      ['-', "'-"],
      ['\tx', "'\tx"],
      ['\rx', `"'\rx"`],
    ] as const)
      assert.equal(csvCell(v), out, JSON.stringify(v));
  });

  it('keeps a plain negative number, and any cell that does not start like a formula, as it is', () => {
    for (const [v, out] of [
      ['-1', '-1'],
      ['-1.5', '-1.5'],
      [-3, '-3'],
      [12, '12'],
      ['1+1', '1+1'],
      ['a=b', 'a=b'],
      ['', ''],
    ] as const)
      assert.equal(csvCell(v), out, JSON.stringify(v));
  });

  it('quotes a cell with a comma, a quote or a line break, doubling its quotes', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('a"b'), '"a""b"');
    assert.equal(csvCell('a\nb'), '"a\nb"');
    assert.equal(csvCell('a\rb'), '"a\rb"');
    assert.equal(csvRow(['k', 'a,b', -1, '=x']), 'k,"a,b",-1,\'=x');
  });
});
