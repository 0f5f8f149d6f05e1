import path from 'node:path';
import { loadCatalog } from '../../src/courses';
import {
  bankVersionLookup,
  drawAttempt,
  gradeAttempt,
  presentAttempt,
  resolveDraw,
  validateSubmission,
  type Banks,
  type PresentedItem,
} from '../../src/quiz';
import { correctSubmission, seeds } from './fixtures';

const root = path.resolve(__dirname, '..', '..');
const catalog = loadCatalog(path.join(root, 'courses'), root);
const banks: Banks = new Map(catalog.banks.map(({ bank }) => [bank.id, bank]));
const assessed = catalog.modules.filter((module) => module.manifest.assessment);

function presentedIds(item: PresentedItem): string[] {
  switch (item.type) {
    case 'single':
    case 'multiple':
      return item.options.map((o) => o.id);
    case 'ordering':
      return item.steps.map((s) => s.id);
    case 'matching':
      return [...item.premises, ...item.responses].map((c) => c.id);
    case 'true-false':
      return [];
  }
}

describe('the quiz engine over the shipped banks', () => {
  it('has assessed modules to work with', () => {
    expect(assessed.length).toBeGreaterThan(0);
  });

  it.each(assessed.map((module) => [module.manifest.id, module.manifest.assessment!] as const))(
    '%s: draws, presents without answers and grades its own answers at 100%%',
    (_id, policy) => {
      const expectedCount = policy.pools.reduce((sum, pool) => sum + (pool.draw ?? pool.items?.length ?? 0), 0);
      for (const seed of seeds(30)) {
        const draw = drawAttempt({ policy, banks, seed });
        const items = resolveDraw(JSON.parse(JSON.stringify(draw)), bankVersionLookup(banks));
        expect(new Set(items.map((drawn) => drawn.key)).size).toBe(expectedCount);

        const page = presentAttempt(items);
        const json = JSON.stringify(page);
        for (const drawn of items) {
          expect(json).not.toContain(drawn.item.feedback);
          if ('options' in drawn.item) {
            for (const option of drawn.item.options) if (option.feedback) expect(json).not.toContain(option.feedback);
          }
          if (drawn.type === 'ordering') expect(drawn.stepOrder).not.toEqual(drawn.item.answer);
          if (drawn.type === 'single' || drawn.type === 'multiple') {
            drawn.item.options.forEach((option, index) => {
              if (option.pinned) expect(drawn.optionOrder[index]).toBe(option.id);
            });
          }
        }
        expect(json).not.toMatch(/"(answer|feedback|pinned)"/);
        for (const item of page) for (const id of presentedIds(item)) expect(id).toMatch(/^[1-9][0-9]*$/);

        const right = validateSubmission(items, Object.fromEntries(items.map((drawn) => [drawn.key, correctSubmission(drawn)])));
        if (!right.ok) throw new Error(JSON.stringify(right.rejections));
        expect(gradeAttempt(items, right.responses, policy)).toMatchObject({ percent: 100, passed: true });
        const empty = validateSubmission(items, {});
        if (!empty.ok) throw new Error('empty submission rejected');
        expect(gradeAttempt(items, empty.responses, policy)).toMatchObject({ earned: 0, percent: 0, passed: false });
      }
    },
  );

  it.each(assessed.map((module) => [module.manifest.id, module.manifest.assessment!] as const))(
    '%s: a retake draws unseen items first',
    (_id, policy) => {
      const first = drawAttempt({ policy, banks, seed: 'first' });
      const seen = new Set(first.items.map((ref) => `${ref.bankId}/${ref.itemId}`));
      const retake = drawAttempt({ policy, banks, seed: 'second', seen });
      const repeated = retake.items.filter((ref) => seen.has(`${ref.bankId}/${ref.itemId}`)).length;
      const poolSize = new Set(
        policy.pools.flatMap((pool) =>
          (banks.get(pool.bank)?.items ?? [])
            .filter((item) => pool.items?.includes(item.id) ?? (!pool.tags || pool.tags.some((tag) => item.tags.includes(tag))))
            .map((item) => `${pool.bank}/${item.id}`),
        ),
      ).size;
      expect(repeated).toBe(Math.max(0, 2 * first.items.length - poolSize));
    },
  );
});
