/** An error a route throws on purpose: the status and the i18n keys of what the person is told. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly titleKey: string,
    readonly bodyKey?: string,
    /** Already-translated details, e.g. which form fields were wrong. */
    readonly details: string[] = [],
  ) {
    super(`${status} ${titleKey}`);
    this.name = 'HttpError';
  }
}

export const notFound = (bodyKey = 'errors.notFoundBody') => new HttpError(404, 'errors.notFoundTitle', bodyKey);
export const badRequest = (details: string[]) => new HttpError(400, 'errors.badRequestTitle', undefined, details);
