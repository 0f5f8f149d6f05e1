import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { CSV_BOM, csvRow, escapeFormula, writeCsv, writeXlsx, type Column } from '../../src/exports';

interface Person {
  name: string;
  hours: number;
  note?: string;
}
const columns: Column<Person>[] = [
  { header: '教师 (Teacher)', value: (p) => p.name },
  { header: '学时 (Hours)', value: (p) => p.hours },
  { header: '备注 (Note)', value: (p) => p.note },
];
const dir = () => mkdtempSync(path.join(tmpdir(), 'shixun-writers-'));

async function* slowly<T>(rows: T[], failAfter?: number): AsyncGenerator<T> {
  let n = 0;
  for (const row of rows) {
    if (failAfter !== undefined && n === failAfter) throw new Error('the source failed');
    n += 1;
    await new Promise((resolve) => setImmediate(resolve));
    yield row;
  }
}

describe('formula escaping', () => {
  it('prefixes strings that start like a formula, and nothing else', () => {
    expect(['=1+1', '+1', '-1', '@cmd', '\t=x', '\r=x', '张三', '1-2', 'a=b'].map(escapeFormula)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@cmd",
      "'\t=x",
      "'\r=x",
      '张三',
      '1-2',
      'a=b',
    ]);
    // Numbers are numbers: a negative one is not text that could be a formula.
    expect(csvRow([-3, '-3', '=HYPERLINK("x")'])).toBe(`-3,'-3,"'=HYPERLINK(""x"")"\r\n`);
  });
});

describe('writeCsv', () => {
  it('streams a BOM, a header and CRLF rows into a file that appears only when complete', async () => {
    const file = path.join(dir(), 'out.csv');
    const rows = Array.from({ length: 5000 }, (_, i) => ({ name: i === 0 ? '=SUM(A1)' : `王老师${i}`, hours: i / 4, note: i === 1 ? '多行\n备注, "引号"' : undefined }));
    const result = await writeCsv(file, columns, slowly(rows));
    expect(result.rows).toBe(5000);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(CSV_BOM)).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('教师 (Teacher),学时 (Hours),备注 (Note)');
    expect(lines[1]).toBe("'=SUM(A1),0,");
    expect(lines[2]).toBe('王老师1,0.25,"多行\n备注, ""引号"""');
    expect(lines).toHaveLength(5002); // header, 5000 rows, and the empty string after the last CRLF
    expect(readdirSync(path.dirname(file))).toEqual(['out.csv']);
  });

  it('writes to a stream and ends it', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeCsv(stream, columns, [{ name: '李老师', hours: 2 }]);
    expect(stream.writableEnded).toBe(true);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(`${CSV_BOM}教师 (Teacher),学时 (Hours),备注 (Note)\r\n李老师,2,\r\n`);
  });

  it('leaves no file behind when the rows fail', async () => {
    const folder = dir();
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ name: `t${i}`, hours: 1 }));
    await expect(writeCsv(path.join(folder, 'out.csv'), columns, slowly(rows, 90_000))).rejects.toThrow('the source failed');
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('writeXlsx', () => {
  it('writes sheets one after the other, with a bold header and formula-like text kept as text', async () => {
    const file = path.join(dir(), 'out.xlsx');
    const counts = await writeXlsx(file, async (book) => [
      await book.addSheet({ name: 'first', columns, rows: slowly([{ name: '=HYPERLINK("http://x")', hours: 1.5 }, { name: '张三', hours: -2, note: '@SUM(1)' }]) }),
      await book.addSheet({ name: 'second', columns: columns.slice(0, 1), rows: [] }),
    ]);
    expect(counts).toEqual([2, 0]);
    const book = await new ExcelJS.Workbook().xlsx.readFile(file);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['first', 'second']);
    const first = book.getWorksheet('first')!;
    expect(first.getRow(1).values).toEqual([undefined, '教师 (Teacher)', '学时 (Hours)', '备注 (Note)']);
    expect(first.getRow(1).font?.bold).toBe(true);
    const formulaLike = first.getCell('A2');
    expect(formulaLike.type).toBe(ExcelJS.ValueType.String);
    expect(formulaLike.value).toBe(`'=HYPERLINK("http://x")`);
    expect(first.getCell('B3').value).toBe(-2);
    expect(first.getCell('C3').value).toBe("'@SUM(1)");
    expect(first.getColumn(1).width).toBeGreaterThanOrEqual(14); // the CJK header counts double
    expect(book.getWorksheet('second')!.getRow(1).values).toEqual([undefined, '教师 (Teacher)']);
  });

  it('leaves no file behind when a sheet fails', async () => {
    const folder = dir();
    const file = path.join(folder, 'out.xlsx');
    const rows = Array.from({ length: 3000 }, (_, i) => ({ name: `t${i}`, hours: 1 }));
    await expect(writeXlsx(file, async (book) => book.addSheet({ name: 'x', columns, rows: slowly(rows, 2500) }))).rejects.toThrow('the source failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });
});
