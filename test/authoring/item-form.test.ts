import path from 'node:path';
import { loadCatalog, questionItemSchema } from '../../src/courses';
import { blankItem, ITEM_TYPES, itemFormView, itemFromForm, type FormBody, type ItemFormView } from '../../src/web/routes/authoring-item-form';

/** What a browser posts for the editor as rendered: filled rows, the checked boxes and the chosen radio. */
function postedBody(view: ItemFormView): FormBody {
  const body: FormBody = { id: view.id, stem: view.stem, difficulty: view.difficulty, tags: view.tags, points: view.points, feedback: view.feedback };
  if (view.scoring) body.scoring = view.scoring;
  if (view.answerTrue) body.answer = 'true';
  if (view.answerFalse) body.answer = 'false';
  for (const option of view.options ?? []) {
    body[`options.${option.index}.id`] = option.id;
    body[`options.${option.index}.text`] = option.text;
    if (view.type !== 'ordering') body[`options.${option.index}.feedback`] = option.feedback;
    if (option.pinned) body[`options.${option.index}.pinned`] = 'on';
    if (option.correct && view.type === 'single') body.answer = String(option.index);
    if (option.correct && view.type === 'multiple') body[`options.${option.index}.correct`] = 'on';
  }
  for (const pair of view.pairs ?? []) {
    Object.assign(body, {
      [`pairs.${pair.index}.premiseId`]: pair.premiseId,
      [`pairs.${pair.index}.premise`]: pair.premise,
      [`pairs.${pair.index}.responseId`]: pair.responseId,
      [`pairs.${pair.index}.response`]: pair.response,
    });
  }
  for (const extra of view.extras ?? []) Object.assign(body, { [`extras.${extra.index}.id`]: extra.id, [`extras.${extra.index}.text`]: extra.text });
  return body;
}

describe('the question editor form', () => {
  const root = path.resolve(__dirname, '..', '..');
  const items = loadCatalog(path.join(root, 'courses'), root).banks.flatMap((bank) => bank.bank.items);

  it('shows and posts back every shipped question of every type unchanged', () => {
    expect(new Set(items.map((item) => item.type))).toEqual(new Set(ITEM_TYPES));
    for (const item of items) {
      const back = itemFromForm(item.type, postedBody(itemFormView(item, [], 'bank.items.0')), item);
      expect({ id: item.id, item: questionItemSchema.parse(back) }).toEqual({ id: item.id, item });
    }
  });

  it('gives new options, premises and responses fresh ids, and keeps an unanswered question unanswered', () => {
    const single = itemFromForm('single', { id: 'q', stem: 's', 'options.0.text': '甲', 'options.1.id': 'a', 'options.1.text': '乙', 'options.3.text': '丙' });
    expect(single).toMatchObject({ options: [{ id: 'b', text: '甲' }, { id: 'a', text: '乙' }, { id: 'c', text: '丙' }] });
    expect(questionItemSchema.safeParse({ ...single, difficulty: 'easy', tags: ['t'], feedback: 'f' }).success).toBe(false);

    const matching = itemFromForm('matching', {
      'pairs.0.premise': '11月9日',
      'pairs.0.response': '消防日',
      'pairs.1.premise': '5月12日',
      'pairs.1.response': '防灾减灾日',
      'extras.0.text': '爱牙日',
    });
    expect(matching).toMatchObject({
      premises: [{ id: 'p1' }, { id: 'p2' }],
      responses: [{ id: 'r1', text: '消防日' }, { id: 'r2', text: '防灾减灾日' }, { id: 'r3', text: '爱牙日' }],
      answer: { p1: 'r1', p2: 'r2' },
    });
  });

  it('starts every type blank, and a blank never passes the checker', () => {
    for (const type of ITEM_TYPES) {
      const item = blankItem(type, 'q-1');
      expect(itemFormView(item, [], 'bank.items.0').type).toBe(type);
      expect(questionItemSchema.safeParse(item).success).toBe(false);
    }
  });
});
