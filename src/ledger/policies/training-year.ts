/**
 * Training years and cycles are counted in China Standard Time: a course finished at 00:30 on
 * 1 January in Beijing belongs to the new year, whatever the server's time zone.
 */
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The training year a moment falls in, named after the calendar year it starts in. */
export function trainingYearOf(date: Date, startMonth: number): number {
  const local = new Date(date.getTime() + CHINA_OFFSET_MS);
  const year = local.getUTCFullYear();
  return local.getUTCMonth() + 1 >= startMonth ? year : year - 1;
}

/** [from, to) of a span of training years, as instants. */
export function trainingYearsRange(firstYear: number, years: number, startMonth: number): { from: Date; to: Date } {
  const at = (year: number) => new Date(Date.UTC(year, startMonth - 1, 1) - CHINA_OFFSET_MS);
  return { from: at(firstYear), to: at(firstYear + years) };
}
