import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { CourseError } from './source-errors';

type Path = readonly PropertyKey[];

/**
 * A YAML text that remembers where every value came from, so schema problems can be reported
 * with the line and column a trainer needs, not just a dotted path.
 */
export class YamlSource {
  private readonly lineCounter = new LineCounter();
  private readonly document: Document.Parsed;

  /** @param firstLine the file line on which `text` starts (front matter starts on line 2). */
  constructor(
    readonly file: string,
    text: string,
    private readonly firstLine = 1,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
  }

  syntaxErrors(): CourseError[] {
    return this.document.errors.map((error) => this.errorAt(error.pos[0], error.message.split('\n')[0] ?? error.message));
  }

  value(): unknown {
    return this.document.toJS();
  }

  /** Validates against a schema; every issue becomes one located error. */
  validate<T extends z.ZodType>(schema: T): { data?: z.infer<T>; errors: CourseError[] } {
    const syntax = this.syntaxErrors();
    if (syntax.length > 0) return { errors: syntax };
    const result = schema.safeParse(this.value());
    if (result.success) return { data: result.data, errors: [] };
    return {
      errors: result.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => this.errorAtPath([...issue.path, key], `unknown field "${key}"`));
        }
        const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        return [this.errorAtPath(issue.path, `${where}${issue.message}`)];
      }),
    };
  }

  /** Falls back to the nearest existing parent when the path names a missing field. */
  errorAtPath(path: Path, message: string): CourseError {
    for (let length = path.length; length > 0; length--) {
      const node = this.document.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.errorAt(node.range[0], message);
    }
    const root = this.document.contents?.range;
    return this.errorAt(root ? root[0] : 0, message);
  }

  private errorAt(offset: number, message: string): CourseError {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line: line + this.firstLine - 1, column: col, message };
  }
}
