import { z } from 'zod';
import { lessonFrontMatterSchema, moduleManifestSchema, questionBankSchema } from './schema';

/** The course format as JSON Schema, for editors' autocompletion; generated, never hand-edited. */
export function courseJsonSchema(): object {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Shixun course files',
    $defs: {
      module: z.toJSONSchema(moduleManifestSchema, { io: 'input' }),
      lessonFrontMatter: z.toJSONSchema(lessonFrontMatterSchema, { io: 'input' }),
      questionBank: z.toJSONSchema(questionBankSchema, { io: 'input', unrepresentable: 'any' }),
    },
  };
}

export const COURSE_SCHEMA_FILE = 'docs/course-schema.json';

export const renderCourseJsonSchema = () => `${JSON.stringify(courseJsonSchema(), null, 2)}\n`;
