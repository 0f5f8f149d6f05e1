import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { messagesFor } from '../../src/web/i18n';

const ROOT = path.resolve(__dirname, '..', '..');

function files(dir: string, ending: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, ending) : full.endsWith(ending) ? [full] : [];
  });
}

/** A key exists when the catalog has it, or (for counts) its plural forms. */
function has(catalog: unknown, key: string): boolean {
  const parts = key.split('.');
  const last = parts.pop()!;
  let node = catalog as Record<string, unknown> | undefined;
  for (const part of parts) node = node?.[part] as Record<string, unknown> | undefined;
  return node !== undefined && (last in node || `${last}_other` in node);
}

describe('i18n catalogs', () => {
  const literalKeys = [
    ...files(path.join(ROOT, 'views'), '.hbs').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\{\{t "([a-zA-Z0-9_.-]+)"/g)].map((m) => m[1]!)),
    ...files(path.join(ROOT, 'src'), '.ts').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z0-9_.-]+)'/g)].map((m) => m[1]!)),
  ];

  it('finds the keys the pages use', () => {
    expect(literalKeys.length).toBeGreaterThan(100);
  });

  it.each([
    ['zh-CN', messagesFor('zh-CN')],
    ['en', messagesFor('en')],
  ])('%s has every key the pages and routes use', (_name, catalog) => {
    expect([...new Set(literalKeys)].filter((key) => !has(catalog, key))).toEqual([]);
  });
});
