/**
 * Child process for the PDF tests: renders the sample certificate into argv[2]. Run with
 * FONTCONFIG_FILE pointing at an empty configuration, so no fontconfig fallback can help.
 */
import { writeFileSync } from 'node:fs';
import { DEFAULT_CERTIFICATE_SETTINGS, renderCertificatePdf } from '../../src/certificates';
import { SAMPLE_BASE_URL, SAMPLE_CERTIFICATE, translate } from './sample';

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: render.fixture.ts OUT.pdf');
  writeFileSync(out, await renderCertificatePdf(SAMPLE_CERTIFICATE, { baseUrl: SAMPLE_BASE_URL, settings: DEFAULT_CERTIFICATE_SETTINGS, translate }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
