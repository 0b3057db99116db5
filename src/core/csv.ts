/**
 * CSV cells and rows for every export (RFC 4180 quoting). A cell that a spreadsheet would read as a formula (a
 * leading = + - @, tab or carriage return, unless it is a plain negative number) gets a leading apostrophe.
 * Pure: no 'vscode', no I/O.
 */
export function csvCell(v: string | number): string {
  const s = String(v);
  // of the cells that start like a formula, only a minus sign and a digit is a plain negative number
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(cells: ReadonlyArray<string | number>): string {
  return cells.map(csvCell).join(',');
}
