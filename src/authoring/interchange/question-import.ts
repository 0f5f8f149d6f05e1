import { idSchema, questionItemSchema, type QuestionItem } from '../../courses';

/**
 * What every question import (GIFT, Aiken) reports. Codes, not sentences, so pages can say them
 * in the reader's language (`interchange.problem.<code>`); `detail` carries the specifics.
 */
export type ProblemCode =
  | 'syntax'
  | 'unsupportedType'
  | 'descriptionSkipped'
  | 'tooFewOptions'
  | 'tooManyOptions'
  | 'noCorrectOption'
  | 'matchingSize'
  | 'invalidItem'
  | 'noAnswerLine'
  | 'answerNotAnOption'
  | 'optionOutOfOrder'
  | 'unrecognisedLine'
  | 'feedbackFromAnswer'
  | 'weightsSimplified'
  | 'formattingRemoved'
  | 'tagIgnored'
  | 'idReplaced';

export interface ImportProblem {
  /** 1-based line in the pasted or uploaded text where the question (or the bad line) starts. */
  line: number;
  /** `error`: nothing was imported from here; `warning`: imported, but check it. */
  severity: 'error' | 'warning';
  code: ProblemCode;
  detail?: string;
}

export interface QuestionImport {
  items: QuestionItem[];
  problems: ImportProblem[];
  /** Questions found in the text, converted or not. */
  questionCount: number;
}

export interface QuestionImportOptions {
  /** Ids already in the target bank; new ids never collide with them. */
  existingIds?: Iterable<string>;
  /** New items are numbered `<prefix>-001`, `<prefix>-002`, … */
  idPrefix: string;
  /** Tags for questions that bring none of their own (the format requires at least one). */
  defaultTags?: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  /** Words put into generated feedback; the page passes them in the reader's language. */
  labels?: FeedbackLabels;
}

export interface FeedbackLabels {
  correctAnswer: (answer: string) => string;
  true: string;
  false: string;
}

const CHINESE_LABELS: FeedbackLabels = { correctAnswer: (answer) => `正确答案：${answer}`, true: '正确', false: '错误' };

export const MAX_OPTIONS = 8;
export const OPTION_IDS = 'abcdefgh'.split('');

/** Collects items and problems; shared by the GIFT and Aiken readers so both number, tag and check items alike. */
export class ImportCollector {
  readonly items: QuestionItem[] = [];
  readonly problems: ImportProblem[] = [];
  questionCount = 0;
  readonly labels: FeedbackLabels;
  private readonly taken: Set<string>;
  private counter = 0;

  constructor(private readonly options: QuestionImportOptions) {
    this.taken = new Set(options.existingIds ?? []);
    this.labels = options.labels ?? CHINESE_LABELS;
  }

  problem(line: number, severity: ImportProblem['severity'], code: ProblemCode, detail?: string): void {
    this.problems.push({ line, severity, code, ...(detail === undefined ? {} : { detail }) });
  }

  /** A question's own id when it is a valid, unused one; otherwise the next free numbered id. */
  nextId(line: number, wanted?: string | null): string {
    if (wanted) {
      if (idSchema.safeParse(wanted).success && !this.taken.has(wanted)) return this.take(wanted);
      this.problem(line, 'warning', 'idReplaced', wanted);
    }
    let id: string;
    do id = `${this.options.idPrefix}-${String(++this.counter).padStart(3, '0')}`;
    while (this.taken.has(id));
    return this.take(id);
  }

  tags(line: number, own: readonly string[] | null | undefined): string[] {
    const valid: string[] = [];
    for (const tag of own ?? []) {
      const candidate = tag.trim().toLowerCase();
      if (!idSchema.safeParse(candidate).success) this.problem(line, 'warning', 'tagIgnored', tag);
      else if (!valid.includes(candidate)) valid.push(candidate);
    }
    return valid.length > 0 ? valid : (this.options.defaultTags ?? ['imported']);
  }

  difficulty(): 'easy' | 'medium' | 'hard' {
    return this.options.difficulty ?? 'medium';
  }

  /** Feedback is required by the format; without any, the answer itself is the least a learner should see. */
  feedback(line: number, given: string | undefined, answer: string): string {
    if (given && given.trim()) return given.trim();
    this.problem(line, 'warning', 'feedbackFromAnswer');
    return this.labels.correctAnswer(answer);
  }

  /** The one schema has the last word: an item it refuses is reported, never kept. */
  add(line: number, item: Record<string, unknown>): void {
    const checked = questionItemSchema.safeParse(item);
    if (checked.success) {
      this.items.push(checked.data);
      return;
    }
    this.taken.delete(item.id as string);
    const issue = checked.error.issues[0];
    this.problem(line, 'error', 'invalidItem', issue ? `${issue.path.join('.') || 'item'}: ${issue.message}` : undefined);
  }

  result(): QuestionImport {
    return { items: this.items, problems: [...this.problems].sort((a, b) => a.line - b.line), questionCount: this.questionCount };
  }

  private take(id: string): string {
    this.taken.add(id);
    return id;
  }
}

/** The id prefix a bank already uses (`fire` for `fire-001`, `fire-002`), else the bank id. */
export function idPrefixFor(bankId: string, existingIds: readonly string[]): string {
  const prefixes = new Set(existingIds.map((id) => /^(.*)-\d+$/.exec(id)?.[1]));
  const [only] = prefixes;
  return prefixes.size === 1 && only ? only : bankId;
}
