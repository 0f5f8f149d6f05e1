/** A problem in a course file, located precisely enough for a trainer to jump to it. */
export interface CourseError {
  /** Path relative to the project root (or absolute when outside it). */
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatCourseError(error: CourseError): string {
  return `${error.file}:${error.line}:${error.column}  ${error.message}`;
}
