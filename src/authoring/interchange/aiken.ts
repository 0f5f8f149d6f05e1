import { ImportCollector, MAX_OPTIONS, OPTION_IDS, type QuestionImport, type QuestionImportOptions } from './question-import';

const OPTION_LINE = /^([A-Za-z])\s*[.)．、）]\s*(.*\S)\s*$/;
const ANSWER_LINE = /^ANSWER\s*[:：]\s*(.*?)\s*$/i;

interface Pending {
  line: number;
  stem: string[];
  options: string[];
  optionsStarted: boolean;
  /** Set once a line of this question was refused: the rest of it is skipped up to its ANSWER line or the next question. */
  broken: boolean;
}

/**
 * Moodle Aiken → `single` items. The format is a question line (or several), options `A.` /
 * `A)` in order, then `ANSWER: X`. Full-width punctuation (`A．`, `A、`, `ANSWER：`) is accepted
 * since Chinese input methods produce it. Every refused line is reported with its number.
 */
export function importAiken(text: string, options: QuestionImportOptions): QuestionImport {
  const collector = new ImportCollector(options);
  let pending: Pending | undefined;

  const finish = (answerLine: number, letter: string) => {
    const question = pending!;
    pending = undefined;
    collector.questionCount += 1;
    if (question.broken) return;
    if (question.options.length < 2) return collector.problem(question.line, 'error', 'tooFewOptions', String(question.options.length));
    const index = letter.length === 1 ? letter.toUpperCase().charCodeAt(0) - 65 : -1;
    if (index < 0 || index >= question.options.length) return collector.problem(answerLine, 'error', 'answerNotAnOption', letter);
    const answer = OPTION_IDS[index]!;
    collector.add(question.line, {
      id: collector.nextId(question.line),
      type: 'single',
      stem: question.stem.join('\n'),
      difficulty: collector.difficulty(),
      tags: collector.tags(question.line, []),
      options: question.options.map((optionText, i) => ({ id: OPTION_IDS[i], text: optionText })),
      answer,
      feedback: collector.feedback(question.line, undefined, question.options[index]!),
    });
  };

  const abandon = () => {
    collector.questionCount += 1;
    if (!pending!.broken) collector.problem(pending!.line, 'error', 'noAnswerLine');
    pending = undefined;
  };

  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (!line) return;
    const answer = ANSWER_LINE.exec(line);
    if (answer) {
      if (!pending) return collector.problem(lineNumber, 'error', 'unrecognisedLine', line);
      return finish(lineNumber, answer[1] ?? '');
    }
    const option = pending ? OPTION_LINE.exec(line) : null;
    if (pending && option) {
      pending.optionsStarted = true;
      if (pending.broken) return;
      const expected = String.fromCharCode(65 + pending.options.length);
      if (option[1]!.toUpperCase() !== expected) {
        pending.broken = true;
        return collector.problem(lineNumber, 'error', 'optionOutOfOrder', `${option[1]} (${expected})`);
      }
      if (pending.options.length >= MAX_OPTIONS) {
        pending.broken = true;
        return collector.problem(lineNumber, 'error', 'tooManyOptions', String(pending.options.length + 1));
      }
      pending.options.push(option[2]!);
      return;
    }
    // Text after the options can only start the next question: this one never got its ANSWER line.
    if (pending?.optionsStarted) abandon();
    if (!pending) pending = { line: lineNumber, stem: [], options: [], optionsStarted: false, broken: false };
    pending.stem.push(line);
  });
  if (pending) abandon();
  return collector.result();
}
