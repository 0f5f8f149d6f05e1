/** Refusals a caller can explain to a person; the `reason` names an i18n key under `certificates.errors`. */
export class CertificateError extends Error {
  constructor(
    readonly reason: 'notFound' | 'alreadyRevoked' | 'alreadySuperseded' | 'revoked' | 'invalidProgramme',
    message: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}
