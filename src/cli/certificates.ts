import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import {
  CertificateError,
  certificateSettingsFrom,
  certificateStatus,
  findCertificateByNumber,
  renderCertificatePdf,
  REVOCATION_REASONS,
  revokeCertificate,
  searchCertificates,
  type Certificate,
  type RevocationReason,
} from '../certificates';
import { signedCredentialFor } from '../certificates/credentials';
import { resolveEncryptionKey } from '../config';
import { openDatabase } from '../db';
import { createKeyring, createSecretBox } from '../keys';
import { translatorFor } from '../web';
import type { CliContext } from './context';

export const CERTIFICATES_USAGE = `usage: shixun certificates list [--json]
       shixun certificates pdf NUMBER --out FILE
       shixun certificates credential NUMBER
       shixun certificates revoke NUMBER --reason ${REVOCATION_REASONS.join('|')} [--note TEXT]`;

export interface CertificatesOptions {
  json?: boolean;
  out?: string;
  reason?: string;
  note?: string;
}

/** `shixun certificates …`: exit 0 on success, 1 when the certificate is unknown or the change refused, 2 on bad usage. */
export async function certificatesCommand(context: CliContext, args: string[], options: CertificatesOptions): Promise<number> {
  const [action, number, ...rest] = args;
  const usage = (problem: string) => {
    context.log(`${problem}\n${CERTIFICATES_USAGE}`);
    return 2;
  };
  if (rest.length > 0) return usage(`unexpected: ${rest.join(' ')}`);
  if (action === 'list') return number ? usage('list takes no number') : withDatabase(context, () => list(context, options.json ?? false));
  if (action !== 'pdf' && action !== 'credential' && action !== 'revoke') return usage(`unknown: certificates ${action ?? ''}`.trim());
  if (!number) return usage(`give the certificate number, e.g. shixun certificates ${action} SX-2026-7K3M-9QXD`);
  if (action === 'pdf' && !options.out) return usage('--out: give the file to write, e.g. --out certificate.pdf');
  const reason = options.reason as RevocationReason | undefined;
  if (action === 'revoke' && !(reason && REVOCATION_REASONS.includes(reason))) return usage(`--reason: one of ${REVOCATION_REASONS.join(', ')}`);

  return withDatabase(context, async () => {
    const certificate = await findCertificateByNumber(number);
    if (!certificate) {
      context.log(`no certificate ${number}`);
      return 1;
    }
    if (action === 'pdf') return pdf(context, certificate, path.resolve(options.out!));
    if (action === 'credential') {
      const keyring = createKeyring(createSecretBox(resolveEncryptionKey(context.config)));
      context.out(await signedCredentialFor(certificate, keyring, context.config.baseUrl));
      return 0;
    }
    try {
      const revocation = await revokeCertificate({ number, reasonCategory: reason!, note: options.note, revokedBy: { name: `shixun CLI (${userInfo().username})` } });
      context.out(`revoked ${number} (${revocation.reasonCategory}) at ${revocation.revokedAt.toISOString()}`);
      return 0;
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      context.log(error.message);
      return 1;
    }
  });
}

async function withDatabase(context: CliContext, run: () => Promise<number>): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    return await run();
  } finally {
    await database.close();
  }
}

async function list(context: CliContext, json: boolean): Promise<number> {
  const certificates = await searchCertificates({});
  const rows = certificates.map((c) => ({
    number: c.number,
    verificationCode: c.verificationCode,
    holder: { name: c.holder.name, schoolCode: c.holder.schoolCode ?? null },
    title: c.title,
    hours: c.hours,
    status: c.status,
  }));
  if (json) {
    context.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const row of rows) context.out(`${row.number}  ${row.status.state.padEnd(10)}  ${row.hours} h  ${row.holder.name}  ${row.title['zh-CN']}  /verify/${row.verificationCode}`);
  context.out(`${rows.length} certificate(s)`);
  return 0;
}

async function pdf(context: CliContext, certificate: Certificate, out: string): Promise<number> {
  const status = await certificateStatus(certificate);
  const bytes = await renderCertificatePdf(certificate, {
    baseUrl: context.config.baseUrl,
    settings: certificateSettingsFrom(context.config),
    translate: (language, key, values) => translatorFor(language)(key, values),
  });
  writeFileSync(out, bytes);
  context.out(`wrote ${out} (${Math.round(bytes.length / 1024)} KB)${status.state === 'valid' ? '' : `; note: this certificate is ${status.state}`}`);
  return 0;
}
