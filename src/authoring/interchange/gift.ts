import { parse, type GIFTQuestion, type Matching, type MultipleChoice, type TextFormat, type TrueFalse } from 'gift-pegjs';
import sanitizeHtml from 'sanitize-html';
import { ImportCollector, MAX_OPTIONS, OPTION_IDS, type QuestionImport, type QuestionImportOptions } from './question-import';

interface Block {
  text: string;
  /** 1-based line of the block's first line in the whole text. */
  line: number;
}

/**
 * Moodle GIFT → bank items. Questions are parsed one block at a time (GIFT separates questions by
 * blank lines), so one malformed question is reported at its line and the rest still import.
 * Supported: multiple choice (one right answer → `single`; several, or weights → `multiple`),
 * missing-word, true/false and matching. Short answer, numerical and essay questions have no
 * counterpart in the quiz engine and are reported as unsupported.
 */
export function importGift(text: string, options: QuestionImportOptions): QuestionImport {
  const collector = new ImportCollector(options);
  for (const block of blocksOf(text)) {
    let questions: GIFTQuestion[];
    try {
      questions = parse(`${block.text}\n`);
    } catch (error) {
      const location = (error as { location?: { start?: { line?: number } } }).location;
      collector.questionCount += 1;
      collector.problem(block.line + (location?.start?.line ?? 1) - 1, 'error', 'syntax', (error as Error).message);
      continue;
    }
    for (const question of questions) convert(question, block.line, collector);
  }
  return collector.result();
}

/** Blank lines end a question; a `$CATEGORY:` line stands alone (the parser needs a blank line after it). */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let current: string[] = [];
  let start = 0;
  const flush = () => {
    if (current.some((line) => line.trim() && !line.trim().startsWith('//'))) blocks.push({ text: current.join('\n'), line: start });
    current = [];
  };
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return flush();
    if (/^\s*\$CATEGORY:/i.test(line)) {
      flush();
      blocks.push({ text: line, line: index + 1 });
      return;
    }
    if (current.length === 0) start = index + 1;
    current.push(line);
  });
  flush();
  return blocks;
}

function convert(question: GIFTQuestion, line: number, collector: ImportCollector): void {
  switch (question.type) {
    case 'Category':
      return;
    case 'Description':
      collector.problem(line, 'warning', 'descriptionSkipped');
      return;
    case 'Short':
    case 'Numerical':
    case 'Essay':
      collector.questionCount += 1;
      collector.problem(line, 'error', 'unsupportedType', question.type);
      return;
    case 'MC':
      collector.questionCount += 1;
      return multipleChoice(question, line, collector);
    case 'TF':
      collector.questionCount += 1;
      return trueFalse(question, line, collector);
    case 'Matching':
      collector.questionCount += 1;
      return matching(question, line, collector);
  }
}

function base(question: MultipleChoice | TrueFalse | Matching, line: number, collector: ImportCollector) {
  return {
    id: collector.nextId(line, question.id),
    stem: plain(question.stem, line, collector),
    difficulty: collector.difficulty(),
    tags: collector.tags(line, question.tags),
  };
}

function multipleChoice(question: MultipleChoice, line: number, collector: ImportCollector): void {
  const { choices } = question;
  if (choices.length < 2) return collector.problem(line, 'error', 'tooFewOptions', String(choices.length));
  if (choices.length > MAX_OPTIONS) return collector.problem(line, 'error', 'tooManyOptions', String(choices.length));
  const weighted = choices.some((choice) => choice.weight !== null);
  // `=` is full credit; a weight says how much a choice is worth (negative ones are penalties).
  const credit = choices.map((choice) => (choice.weight !== null ? choice.weight : choice.isCorrect ? 100 : 0));
  const correct = OPTION_IDS.filter((_, index) => index < choices.length && (credit[index] ?? 0) > 0);
  if (correct.length === 0) return collector.problem(line, 'error', 'noCorrectOption');

  const options = choices.map((choice, index) => {
    const feedback = choice.feedback ? plain(choice.feedback, line, collector) : '';
    return { id: OPTION_IDS[index]!, text: plain(choice.text, line, collector), ...(feedback ? { feedback } : {}) };
  });
  const answerText = options.filter((option) => correct.includes(option.id)).map((option) => option.text).join('；');
  const common = { ...base(question, line, collector), options };
  const feedback = collector.feedback(line, question.globalFeedback ? plain(question.globalFeedback, line, collector) : undefined, answerText);

  if (correct.length === 1 && (credit[OPTION_IDS.indexOf(correct[0]!)] ?? 0) >= 100) {
    return collector.add(line, { ...common, type: 'single', answer: correct[0], feedback });
  }
  const positive = credit.filter((value) => value > 0);
  if (weighted && positive.some((value) => Math.abs(value - positive[0]!) > 0.01)) collector.problem(line, 'warning', 'weightsSimplified');
  collector.add(line, { ...common, type: 'multiple', answer: correct, ...(weighted ? { scoring: 'partial' } : {}), feedback });
}

function trueFalse(question: TrueFalse, line: number, collector: ImportCollector): void {
  // The branch shown to someone who answered wrongly is the one that explains the rule.
  const wrongBranch = question.isTrue ? question.falseFeedback : question.trueFeedback;
  const given = question.globalFeedback ?? wrongBranch;
  const feedback = collector.feedback(line, given ? plain(given, line, collector) : undefined, question.isTrue ? collector.labels.true : collector.labels.false);
  collector.add(line, { ...base(question, line, collector), type: 'true-false', answer: question.isTrue, feedback });
}

function matching(question: Matching, line: number, collector: ImportCollector): void {
  const pairs = question.matchPairs.map((pair) => ({ premise: plain(pair.subquestion, line, collector), response: pair.subanswer.trim() }));
  const responses: string[] = [];
  for (const { response } of pairs) if (!responses.includes(response)) responses.push(response);
  const premises = pairs.filter((pair) => pair.premise);
  if (premises.length < 2 || premises.length > 10 || responses.length > 10) {
    return collector.problem(line, 'error', 'matchingSize', `${premises.length}/${responses.length}`);
  }
  const answer = Object.fromEntries(premises.map((pair, index) => [`p${index + 1}`, `r${responses.indexOf(pair.response) + 1}`]));
  const answerText = premises.map((pair) => `${pair.premise} → ${pair.response}`).join('；');
  collector.add(line, {
    ...base(question, line, collector),
    type: 'matching',
    premises: premises.map((pair, index) => ({ id: `p${index + 1}`, text: pair.premise })),
    responses: responses.map((response, index) => ({ id: `r${index + 1}`, text: response })),
    answer,
    feedback: collector.feedback(line, question.globalFeedback ? plain(question.globalFeedback, line, collector) : undefined, answerText),
  });
}

/** Bank texts are plain text: HTML and Markdown markup from Moodle is removed, with a warning. */
function plain(text: TextFormat, line: number, collector: ImportCollector): string {
  if (text.format !== 'html' && text.format !== 'markdown' && !/<[a-z][^>]*>/i.test(text.text)) return text.text.trim();
  const stripped = decodeEntities(sanitizeHtml(text.text, { allowedTags: [], allowedAttributes: {} })).replace(/\s+/g, ' ').trim();
  if (stripped !== text.text.trim()) collector.problem(line, 'warning', 'formattingRemoved');
  return stripped;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (whole, entity: string) => {
    if (!entity.startsWith('#')) return named[entity.toLowerCase()] ?? whole;
    const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
